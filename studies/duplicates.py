"""The same document twice: by DOI (case-insensitively: DOIs are, though the bank keeps each
as its source wrote it), by PMID, or by title and year (titles compared after normalising
case, accents and punctuation)."""

from dataclasses import dataclass

from django.db.models import Q

from citations.normalise import normalise_doi, normalise_title

from .models import Document


@dataclass(frozen=True)
class Duplicate:
    document: Document
    reason: str  # "the same DOI", "the same PMID", "the same title and year"


def find_duplicates(*, doi="", pmid="", title="", year=None, exclude=None):
    doi, key = normalise_doi(doi or ""), normalise_title(title or "")
    condition = Q(pk__in=[])
    if doi:
        condition |= Q(doi__iexact=doi)
    if pmid:
        condition |= Q(pmid=str(pmid).strip())
    if key and year:
        condition |= Q(title_key=key, year=year)
    candidates = Document.objects.filter(condition)
    if exclude is not None and exclude.pk:
        candidates = candidates.exclude(pk=exclude.pk)
    found = []
    for document in candidates.prefetch_related("authorships").order_by("pk"):
        if doi and normalise_doi(document.doi).casefold() == doi.casefold():
            reason = "the same DOI"
        elif pmid and document.pmid == str(pmid).strip():
            reason = "the same PMID"
        else:
            reason = "the same title and year"
        found.append(Duplicate(document, reason))
    return found
