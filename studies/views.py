from django.shortcuts import get_object_or_404, render

from .models import Document


def document_detail(request, slug):
    documents = Document.objects.for_document_page()
    if not request.user.is_staff:
        documents = documents.published()
    document = get_object_or_404(documents, slug=slug)
    return render(
        request,
        "studies/document.html",
        {
            "document": document,
            "authors": document.author_names(),
            "entries": list(document.cell_entries.all()),
            "topics": list(document.hot_topics.all()),
            "featured": [link.study for link in document.featured_links.all()],
            "absolute_url": request.build_absolute_uri(document.get_absolute_url()),
        },
    )
