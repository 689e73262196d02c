"""The export files readers download: a document, a whole cell and a page of search results,
in any format registered in ``citations.exporting.formats`` (the address's extension)."""

from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.utils.text import slugify

from citations.exporting.csl import csl_item
from citations.exporting.formats import accepted, formats
from matrix.models import Cell
from search.indexing import plain
from search.limits import guarded
from search.models import SearchEntry
from search.params import SearchParams
from studies.models import Document, DocumentAuthor


def _with_citation_parts(documents):
    return documents.prefetch_related(
        Prefetch("authorships", queryset=DocumentAuthor.objects.order_by("position", "pk")),
        "tags",
    )


def export(request, documents, fmt, filename):
    """``documents`` in order, in the export format named ``fmt``, for download."""
    export_format = formats.get(fmt)
    if export_format is None:
        raise Http404(f"Exports are {accepted()}.")
    items, extra = [], {}
    for document in documents:
        page_url = request.build_absolute_uri(document.get_absolute_url())
        items.append(csl_item(document, page_url))
        extra[document.slug] = {
            "abstract": plain(document.abstract_html),
            "keywords": [t.name for t in document.tags.all()],
            "page_url": page_url,
        }
    response = HttpResponse(
        export_format.write(items, extra), content_type=export_format.media_type
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.{export_format.extension}"'
    return response


def document_export(request, slug, fmt):
    documents = _with_citation_parts(Document.objects.visible_to(request.user).filter(slug=slug))
    document = documents.first()
    if document is None:
        raise Http404("No such document.")
    return export(request, [document], fmt, slug)


def cell_export(request, matrix, code, fmt):
    """A whole cell: its entries (those the user may see) in the order the page lists them."""
    try:
        page = Cell.objects.cell_page(request.user, matrix, code.upper())
    except (Cell.DoesNotExist, ValueError, IndexError):
        raise Http404("No such cell.") from None
    order = [entry.document_id for _, entries in page.groups for entry in entries]
    by_id = _with_citation_parts(Document.objects.filter(pk__in=order)).in_bulk()
    return export(request, [by_id[pk] for pk in order], fmt, f"{matrix}-{code.upper()}")


@guarded("text")
def search_export(request, fmt):
    """The page of search results the address describes, in its order."""
    params = SearchParams.from_query_dict(request.GET)
    page = SearchEntry.objects.search_page(request.user, params)
    ids = [result.document.pk for result in page.results]
    by_id = _with_citation_parts(Document.objects.filter(pk__in=ids)).in_bulk()
    name = slugify(params.q)[:40] or "search"
    return export(request, [by_id[pk] for pk in ids], fmt, f"{name}-page-{page.params.page}")
