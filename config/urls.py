from django.contrib import admin
from django.contrib.sitemaps.views import index as sitemap_index
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from api.api import api
from feeds.sitemaps import SITEMAPS
from feeds.views import favicon, robots_txt
from frontpage import views as frontpage
from mail.anymail import webhook_urls
from ops.health import healthz, healthz_worker
from pagecache.tags import shows_lists
from search import views as search

urlpatterns = [
    path("", frontpage.home, name="home"),
    path("search/", search.search, name="search"),
    path("PHP/dl.php", frontpage.legacy, name="legacy"),
    path("methods/", frontpage.methods, name="methods"),
    path("matrices/", include("matrix.urls")),
    path("documents/", include("studies.urls")),
    path("topics/", include("topics.urls")),
    path("subjects/", include("subjects.urls")),
    path("cite/", include("cite.urls")),
    path("brief/", include("briefs.urls")),
    path("feeds/", include("feeds.urls")),
    path(
        "sitemap.xml",
        # Every public page: stored, and dropped when any is added, deleted, shown or hidden.
        shows_lists(
            "studies.document", "matrix.cell", "matrix.matrix", "topics.hottopic", "taggit.tag"
        )(sitemap_index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        shows_lists(
            "studies.document",
            "matrix.cell",
            "matrix.matrix",
            "topics.hottopic",
            "taggit.tag",
            "taggit.taggeditem",
        )(sitemap),  # fmt: skip
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("robots.txt", robots_txt, name="robots"),
    path("favicon.ico", favicon, name="favicon"),
    path("api/v1/", api.urls),
    path("", include("feedback.urls")),
    path("", include("readers.urls")),
    path("healthz", healthz, name="healthz"),
    path("healthz/worker", healthz_worker, name="healthz-worker"),
    path("admin/", admin.site.urls),
    # Providers' delivery webhooks (bounces, complaints): 404 until WEBHOOK_SECRET is set.
    path("anymail/", include((webhook_urls(), "anymail"))),
]

handler400 = "frontpage.views.bad_request"
