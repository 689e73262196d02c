from django.urls import path
from django.views.generic import RedirectView

from . import (
    converters,  # noqa: F401  (registers <cellcode:…>)
    views,
)

app_name = "matrix"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="home", permanent=False), name="index"),
    path("<slug:matrix>/", views.matrix_detail, name="matrix"),
    path("<slug:matrix>/rows/<int:number>/", views.row_detail, name="row"),
    path("<slug:matrix>/<cellcode:code>/", views.cell_detail, name="cell"),
    path("<slug:matrix>/<cellcode:code>/evidence/", views.cell_evidence, name="evidence"),
    path(
        "<slug:matrix>/<cellcode:code>/evidence.csv",
        views.cell_evidence_csv,
        name="evidence_csv",
    ),
]
