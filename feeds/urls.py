from django.urls import path

from matrix import converters  # noqa: F401  (registers <cellcode:…>)
from pagecache.tags import shows_lists
from search.limits import guarded

from . import feeds

app_name = "feeds"

urlpatterns = [
    path("documents/", shows_lists("studies.document")(feeds.DocumentsFeed()), name="documents"),
    path("matrices/<slug:matrix>/", feeds.MatrixFeed(), name="matrix"),
    path("matrices/<slug:matrix>/<cellcode:code>/", feeds.CellFeed(), name="cell"),
    path("topics/<slug:slug>/", feeds.TopicFeed(), name="topic"),
    path("subjects/<str:slug>/", feeds.SubjectFeed(), name="subject"),
    path("search/", guarded("text")(feeds.SearchFeed()), name="search"),
]
