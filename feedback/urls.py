from django.urls import path

from matrix import converters  # noqa: F401  (registers <cellcode:…>)

from . import views

app_name = "feedback"

urlpatterns = [
    path(
        "matrices/<slug:matrix>/<cellcode:code>/comment/", views.cell_comment, name="cell_comment"
    ),
    path(
        "matrices/<slug:matrix>/<cellcode:code>/suggest/",
        views.cell_suggestion,
        name="cell_suggestion",
    ),
    path(
        "matrices/<slug:matrix>/<cellcode:code>/consultation/",
        views.cell_consultation,
        name="cell_consultation",
    ),
    path("documents/<slug:slug>/comment/", views.document_comment, name="document_comment"),
    path(
        "documents/<slug:slug>/consultation/",
        views.document_consultation,
        name="document_consultation",
    ),
    path("thanks/<slug:kind>/", views.thanks, name="thanks"),
]
