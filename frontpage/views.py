from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db.models import Q
from django.http import HttpResponseNotFound
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse

from matrix.models import THIN_UP_TO, Cell, Matrix, Role
from pagecache.tags import shows_lists
from studies.appraisal import Certainty, CertaintyReason, Design, EffectDirection, RiskOfBias
from studies.models import Document
from topics.models import HotTopic
from watch.models import WatchRun
from watch.services import literature_totals

from .legacy import legacy_target, parse_legacy_cell, search_words


@shows_lists(Document, HotTopic)
def home(request):
    return render(
        request,
        "pages/home.html",
        {
            "grids": Matrix.objects.home_grids(request.user),
            "latest": Document.objects.latest_additions(request.user),
            "topics": HotTopic.objects.topic_list(request.user),
            "roles": Role,
            "thin_up_to": THIN_UP_TO,
        },
    )


@shows_lists(WatchRun)
def methods(request):
    """How we choose and judge the evidence, who funds the bank, and how its content may be
    reused: the lists are the ones editors pick from, so the page cannot drift from them."""
    return render(
        request,
        "pages/methods.html",
        {
            "roles": Role,
            "designs": Design,
            "certainties": Certainty,
            "lowering": [r for r in CertaintyReason if not r.raises],
            "raising": [r for r in CertaintyReason if r.raises],
            "effects": EffectDirection,
            "risks": RiskOfBias,
            "funding": settings.BANK_FUNDING_STATEMENT,
            "licence": settings.CONTENT_LICENCE,
            "licence_url": settings.CONTENT_LICENCE_URL,
            "literature": literature_totals(),
        },
    )


def legacy(request):
    """Old cell addresses answer 301 to the new cell page; anything else a helpful 404."""
    target = legacy_target(request.GET)
    wanted = parse_legacy_cell(target)
    if wanted:
        cell = (
            Cell.objects.visible_to(request.user)
            .filter(
                Q(matrix__legacy_folder__iexact=wanted.folder)
                | Q(matrix__slug__iexact=wanted.folder),
                column__code=wanted.code[0],
                row__number=int(wanted.code[1]),
            )
            .values_list("matrix__slug", flat=True)
            .first()
        )
        if cell:
            url = reverse("matrix:cell", args=[cell, wanted.code])
            if request.GET.get("format") == "open":
                url += "?bite=open#bite"
            return redirect(url, permanent=True)
    content = loader.render_to_string(
        "pages/legacy_not_found.html",
        {"target": target, "suggestion": search_words(target) if not wanted else ""},
        request,
    )
    return HttpResponseNotFound(content)


def bad_request(request, exception=None):
    """The site's own 400 page; a request too large to read gets 413 and says why."""
    too_big = isinstance(exception, RequestDataTooBig)
    too_many = isinstance(exception, TooManyFieldsSent)
    limits = {
        # The limit that refused this request: the import's larger one, or the general one.
        "memory": getattr(request, "body_limit", settings.REQUEST_MAX_BYTES),
        "fields": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
        "markup": settings.MARKUP_MAX_BYTES,
    }
    return render(
        request,
        "400.html",
        {"too_big": too_big, "too_many": too_many, "settings_limits": limits},
        status=413 if too_big else 400,
    )
