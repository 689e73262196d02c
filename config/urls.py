from django.contrib import admin
from django.urls import include, path

from pages import views as pages

admin.site.site_header = "Evidence Bank editors"
admin.site.site_title = "Evidence Bank editors"
admin.site.index_title = "Content"

urlpatterns = [
    path("", pages.home, name="home"),
    path("search/", pages.search, name="search"),
    path("PHP/dl.php", pages.legacy, name="legacy"),
    path("matrices/", include("matrix.urls")),
    path("documents/", include("studies.urls")),
    path("topics/", include("topics.urls")),
    path("", include("feedback.urls")),
    path("admin/", admin.site.urls),
]
