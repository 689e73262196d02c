"""The editors' dashboard, the admin's home page: what needs doing, in one screen."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from editorial.visibility import Workflow
from feedback.models import EditorMessage
from matrix.models import Cell
from studies.models import Document
from watch.models import Candidate, Watch, WatchRun

SHOWN = 15


@dataclass
class Dashboard:
    messages: list
    message_count: int
    consultations: list
    scheduled: list
    drafts: list
    cells: list
    today: object
    screening: list
    failed_watches: list
    notices: list


def _both(queryset_of, order):
    """Documents and cells alike, for the lists that mix them, each with its admin page."""
    rows = []
    for model in (Document, Cell):
        queryset = queryset_of(model)
        if model is Cell:
            queryset = queryset.select_related("matrix", "column", "row")
        for obj in queryset.order_by(*order)[:SHOWN]:
            obj.admin_url = reverse(
                f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk]
            )
            rows.append(obj)
    return rows


def editors_dashboard():
    today = timezone.localdate()
    Status = Workflow.Status
    consultations = _both(
        lambda m: m._default_manager.filter(status=Status.CONSULTATION).annotate(
            responses=Count("messages", filter=Q(messages__kind="consultation"))
        ),
        ["consultation_closes"],
    )
    consultations.sort(key=lambda o: (o.consultation_closes is None, o.consultation_closes))
    scheduled = _both(
        lambda m: m._default_manager.filter(publish_at__isnull=False).exclude(
            status=Status.PUBLISHED
        ),
        ["publish_at"],
    )
    scheduled.sort(key=lambda o: o.publish_at)
    drafts = _both(lambda m: m._default_manager.filter(status=Status.DRAFT), ["-pk"])
    # Empty cells are drafts too only if an editor made them so; list them last.
    drafts.sort(key=lambda o: isinstance(o, Cell))
    return Dashboard(
        messages=list(EditorMessage.objects.unhandled()[:SHOWN]),
        message_count=EditorMessage.objects.filter(handled=False).count(),
        consultations=consultations,
        scheduled=scheduled,
        drafts=drafts[:SHOWN],
        cells=list(Cell.objects.by_freshness(today)[:50]),
        today=today,
        screening=list(
            Cell.objects.with_labels()
            .filter(candidates__status=Candidate.Status.UNSCREENED)
            .annotate(unscreened=Count("candidates"))
            .order_by("-unscreened", "matrix__position", "row__number", "column__code")[:SHOWN]
        ),
        failed_watches=list(
            Watch.objects.annotate(
                last_error=Subquery(
                    WatchRun.objects.filter(watch=OuterRef("pk"))
                    .order_by("-started_at", "-pk")
                    .values("error")[:1]
                )
            )
            .filter(active=True, last_error__gt="")
            .select_related("cell__matrix", "cell__column", "cell__row")[:SHOWN]
        ),
        # Publishers' notices the watch found in the last month, newest first.
        notices=list(
            Document.objects.filter(
                notice_found_at__gte=timezone.now() - datetime.timedelta(days=30)
            ).order_by("-notice_found_at")[:SHOWN]
        ),
    )
