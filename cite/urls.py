from django.urls import path

from . import views

# The names were "citations:…" before this app took the screens over; addresses and
# names are kept, as templates, tests and links elsewhere use them.
app_name = "citations"

urlpatterns = [
    path("documents/<slug:slug>.<str:fmt>", views.document_export, name="document"),
    path("cells/<slug:matrix>/<str:code>.<str:fmt>", views.cell_export, name="cell"),
    path("search.<str:fmt>", views.search_export, name="search"),
]
