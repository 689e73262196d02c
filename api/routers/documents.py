"""Documents: the list (the search's facets, no words needed) and each with its citations."""

from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Query, Router
from ninja.decorators import decorate_view

from api.common import READER, absolute, appraisal, cacheable, document_summary, iso_date
from api.errors import responses
from api.routers.search import NOTHING, facets_of, page_links, params_of
from api.schemas import DocumentDetail, DocumentPage, DocumentSlug, SearchFilters
from citations.exporting.csl import csl_item
from citations.exporting.formats import formats
from citations.exporting.styles import formatted
from search.limits import guarded
from search.models import SearchEntry
from studies.models import Document

router = Router()


@router.get(
    "/documents", response=responses(DocumentPage), url_name="documents", tags=["documents"]
)
@decorate_view(*cacheable, guarded("json"))  # it runs the search engine
def documents(request: HttpRequest, filters: Query[SearchFilters]):
    """Documents, 20 a page, filtered by the same facets as the search page (and words)."""
    params = params_of(filters)
    page = SearchEntry.objects.search_page(READER, params, browse=True, listing=True)
    if page.error:
        return {**NOTHING, "notice": page.error}
    return {
        **page_links(request, params, page.pager),
        "results": [document_summary(request, r.document) for r in page.results],
        "facets": facets_of(page),
    }


@router.get(
    "/documents/{slug}", response=responses(DocumentDetail), url_name="document", tags=["documents"]
)
@decorate_view(*cacheable)
def document(request: HttpRequest, slug: DocumentSlug):
    """A document with its full citation: CSL-JSON, APA, Vancouver and every export format
    the site offers (RIS, BibTeX...)."""
    try:
        page = Document.objects.document_page(READER, slug)
    except Document.DoesNotExist:
        raise Http404("No such document.") from None
    d = page.document
    page_url = absolute(request, d.get_absolute_url())
    item = csl_item(d, page_url)
    styles = formatted(item)
    extra = {d.slug: {"page_url": page_url, "et_al": d.authors_et_al}}
    return {
        **document_summary(request, d),
        "authors": [a.name for a in d.authorships.all()],
        "authors_et_al": d.authors_et_al,
        "source": d.source,
        "jurisdiction": d.jurisdiction,
        "volume": d.volume,
        "issue": d.issue,
        "pages": d.pages,
        "doi": d.doi,
        "pmid": d.pmid,
        "publisher_url": d.url,
        "free_url": d.free_url,
        "standfirst_html": d.standfirst_html,
        "key_points_html": d.key_points_html,
        "abstract_html": d.abstract_html,
        "commentary_html": d.commentary_html,
        "subjects": [
            {
                "title": t.name,
                "url": absolute(request, reverse("subjects:subject", args=[t.slug])),
                "api_url": absolute(request, reverse("api:subject", args=[t.slug])),
            }
            for t in d.tags.all()
        ],
        "appears_in": [
            {
                "cell": "",
                "title": p.title,
                "url": absolute(request, p.url),
                "roles": [r.value for r in p.roles],
                "headline": p.headline,
            }
            for p in page.appearances
            if p.kind == "cell"
        ],  # fmt: skip
        "first_published": iso_date(d.first_published),
        "last_revised": iso_date(d.last_revised),
        "appraisal": appraisal(d),
        "retraction": (
            {
                "type": d.notice,
                "date": d.notice_date,
                "notice_doi": d.notice_doi,
                "source": d.notice_source,
            }
            if d.notice
            else None
        ),
        "cite": {
            "csl": item,
            "apa": styles["apa"][1],
            "vancouver": styles["vancouver"][1],
            **{f.api_key: f.write([item], extra) for f in formats},
        },
    }
