from django.urls import path

from pagecache.tags import shows_lists

from . import views
from .feeds import BulletinFeed
from .models import Bulletin

app_name = "readers"

urlpatterns = [
    path("subscribe/", views.subscribe, name="subscribe"),
    path("subscribe/confirm/<str:token>/", views.confirm, name="confirm"),
    path("subscription/<str:token>/", views.manage, name="manage"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("bulletins/", views.bulletin_list, name="bulletins"),
    path("bulletins/feed/", shows_lists(Bulletin)(BulletinFeed()), name="bulletin_feed"),
    path("bulletins/<int:pk>/", views.bulletin_detail, name="bulletin"),
]
