from django.urls import path

from . import views

app_name = "briefs"

urlpatterns = [
    path("", views.brief, name="brief"),
    path("pdf/", views.brief_pdf, name="pdf"),
    path("ris/", views.brief_ris, name="ris"),
]
