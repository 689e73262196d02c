"""What every endpoint shares: whose view the API answers with, how its answers may be cached,
and how the site's objects are shaped into answers."""

from django.middleware.http import ConditionalGetMiddleware
from django.urls import reverse
from django.utils.decorators import decorator_from_middleware
from django.views.decorators.cache import cache_control

READER = None  # the API shows what an anonymous reader sees

cacheable = (
    decorator_from_middleware(ConditionalGetMiddleware),
    # Any cache may keep an answer but must ask again each time (a 304 when nothing changed):
    # a document just hidden is never served from a copy.
    cache_control(public=True, no_cache=True),
)


def absolute(request, path):
    return request.build_absolute_uri(path)


def document_summary(request, document):
    return {
        "slug": document.slug,
        "kind": document.kind,
        "title": document.title,
        "year": document.year,
        "citation": document.short_citation,
        "status": document.status,
        "url": absolute(request, document.get_absolute_url()),
        "api_url": absolute(request, reverse("api:document", args=[document.slug])),
    }


def place(request, entry):
    return {
        "cell": entry.cell.key,
        "title": entry.cell.title,
        "url": absolute(request, entry.get_absolute_url()),
        "roles": list(entry.roles),
        "headline": entry.headline,
    }


def cell_summary(request, cell):
    if not cell.shown:
        return {"code": cell.code, "title": None, "url": None, "api_url": None,
                "has_content": False, "counts": role_counts(cell)}  # fmt: skip
    return {
        "code": cell.code,
        "title": cell.title,
        "url": absolute(request, cell.get_absolute_url()),
        "api_url": absolute(request, reverse("api:cell", args=[cell.matrix.slug, cell.code])),
        "has_content": bool(cell.entry_count or cell.scope_html),
        "counts": role_counts(cell),
    }


def role_counts(cell):
    return [
        {"role": role.value, "label": role.label, "count": count}
        for role, count in cell.role_counts
    ]


def iso_date(value):
    return value.isoformat() if value else None


def subject_summary(request, s):
    return {
        "slug": s.slug,
        "name": s.name,
        "documents": s.documents,
        "url": absolute(request, s.get_absolute_url()),
        "api_url": absolute(request, reverse("api:subject", args=[s.slug])),
    }


def appraisal(document):
    """A document's appraisal (its countries, settings and populations prefetched)."""
    return {
        "design": document.design,
        "participants": document.participants,
        "studies": document.studies_included,
        "countries": [c.code for c in document.countries.all()],
        "setting": [s.slug for s in document.care_settings.all()],
        "population": [p.slug for p in document.populations.all()],
        "effect_direction": document.effect_direction,
        "risk_of_bias": document.risk_of_bias,
    }


def verdict(cell):
    """A cell's verdict card, or None."""
    card = getattr(cell, "verdict", None)
    if card is None:
        return None
    return {
        "bottom_line": card.bottom_line_html,
        "certainty": card.certainty,
        "certainty_reasons": list(card.certainty_reasons or []),
        "effect": card.effect_html,
        "cost_band": card.cost_band,
        "unclear": card.unclear_html,
        "last_appraised": iso_date(card.last_appraised),
        "review_due": iso_date(cell.review_due),
    }
