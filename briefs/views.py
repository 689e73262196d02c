from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cite.views import export
from ops import ratelimits
from pagecache.tags import uncached

from .services import MAX_ASKED, brief_page, cells_param, parse_cells

STYLESHEET = "css/brief.css"


def _brief(request):
    """The brief the address asks for. Pages reporting a problem are not stored in the page
    cache, so made-up addresses cannot fill it."""
    brief = brief_page(request.user, parse_cells(request.GET.get("cells", "")[: MAX_ASKED * 12]))
    if brief.has_problems:
        request.page_cache_skip = True
    return brief


def _context(request, brief):
    query = cells_param(brief.keys)
    return {
        "brief": brief,
        "cells_query": query,
        "produced": timezone.localdate(),
        "site_url": settings.SITE_URL,
        "asked": bool(request.GET.get("cells", "").strip()),
    }


def brief(request):
    """``/brief/?cells=alcohol/E4,alcohol/D4``. The form's ``add=`` (a picked cell) sends the
    reader on to the brief's own address with that cell added."""
    if "add" in request.GET:
        asked = parse_cells(request.GET.get("cells", ""))
        added = parse_cells(request.GET.get("add", ""))
        keys = asked.keys + [k for k in added.keys if k not in asked.keys]
        return redirect(f"{reverse('briefs:brief')}?cells={cells_param(keys)}")
    brief = _brief(request)
    context = _context(request, brief)
    status = 404 if context["asked"] and not brief.cells else 200
    return render(request, "briefs/brief.html", context, status=status)


def _not_found(request, brief):
    return render(request, "briefs/brief.html", _context(request, brief), status=404)


@uncached  # made afresh each time (it carries the day's date), and rate-limited
def brief_pdf(request):
    try:
        from weasyprint import CSS, HTML
        from weasyprint.urls import URLFetcher
    except OSError:  # Pango and friends are not installed (docs/readers-and-mail.md, Briefs)
        context = {**_context(request, _brief(request)), "unavailable": True}
        return render(request, "briefs/limited.html", context, status=503)

    brief = _brief(request)
    if not brief.cells:
        return _not_found(request, brief)
    # Fails closed: a PDF is costly and this limit is all that guards it; while the cache
    # is down the brief is still there as a page, to read or print.
    limited = ratelimits.check(
        request, "briefs.pdf", "ip", settings.BRIEF_PDF_RATE, when_down=ratelimits.CLOSED
    )
    if limited:
        context = {
            **_context(request, brief),
            "rate": settings.BRIEF_PDF_RATE,
            "busy": limited.unavailable,
        }
        response = render(
            request, "briefs/limited.html", context, status=503 if limited.unavailable else 429
        )
        response["Retry-After"] = str(limited.retry_after)
        return response
    html = render_to_string("briefs/pdf.html", _context(request, brief), request=request)
    # Links are made absolute (base_url), but nothing is fetched over the network or from
    # the disk while the PDF is made: the one stylesheet is read from the static files.
    fetcher = URLFetcher(allowed_protocols={"data"})
    pdf = HTML(string=html, base_url=settings.SITE_URL, url_fetcher=fetcher).write_pdf(
        stylesheets=[CSS(filename=finders.find(STYLESHEET), url_fetcher=fetcher)]
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{brief.filename()}.pdf"'
    return response


def brief_ris(request):
    """The brief's references, each document once, in the brief's order."""
    brief = _brief(request)
    if not brief.cells:
        return _not_found(request, brief)
    return export(request, brief.documents(), "ris", brief.filename())
