"""Subjects and the documents carrying each."""

from django.http import Http404, HttpRequest
from ninja import Router
from ninja.decorators import decorate_view

from api.common import READER, absolute, cacheable, document_summary, subject_summary
from api.errors import responses
from api.schemas import SubjectPage, SubjectPageNumber, SubjectSlug, SubjectSummary
from subjects.models import Subject

router = Router()


@router.get(
    "/subjects", response=responses(list[SubjectSummary]), url_name="subjects", tags=["subjects"]
)
@decorate_view(*cacheable)
def subjects(request: HttpRequest):
    """Every subject readers see, A–Z, with how many documents carry it."""
    return [
        subject_summary(request, s)
        for _, letter in Subject.objects.subject_list(READER)
        for s in letter
    ]


@router.get(
    "/subjects/{slug}", response=responses(SubjectPage), url_name="subject", tags=["subjects"]
)
@decorate_view(*cacheable)
def subject(request: HttpRequest, slug: SubjectSlug, page: SubjectPageNumber = 1):
    """Exactly the documents carrying a subject, newest first, 50 a page."""
    try:
        found = Subject.objects.subject_page(READER, slug, page)
    except Subject.DoesNotExist:
        raise Http404("No documents carry that subject.") from None
    p = found.page

    def at(number):
        return absolute(request, f"{request.path}?page={number}")

    return {
        "count": p.paginator.count,
        "page": p.number,
        "pages": p.paginator.num_pages,
        "next": at(p.next_page_number()) if p.has_next() else None,
        "previous": at(p.previous_page_number()) if p.has_previous() else None,
        "subject": subject_summary(request, found.subject),
        "results": [document_summary(request, d) for d in p.object_list],
    }
