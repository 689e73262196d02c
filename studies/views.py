from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from editorial.preview import previewed

from . import page_extras
from .models import Document


def bank(request):
    """``/documents/``, the address above every document's: the bank's own list, which is the
    search page with no words, every document newest first (the breadcrumb's "The bank")."""
    return redirect(reverse("search") + "?sort=newest")


def document_detail(request, slug):
    try:
        page = Document.objects.document_page(
            request.user, slug, unsaved=previewed(request, Document)
        )
    except Document.DoesNotExist:
        raise Http404("No such document.") from None
    return render(
        request,
        "studies/document.html",
        {
            "page": page,
            "document": page.document,
            "absolute_url": request.build_absolute_uri(page.document.get_absolute_url()),
            **page_extras.extras(page, request),
        },
    )
