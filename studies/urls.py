from django.urls import path

from . import views

app_name = "studies"

urlpatterns = [
    path("", views.bank, name="bank"),
    path("<slug:slug>/", views.document_detail, name="document"),
]
