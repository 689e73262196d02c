"""The screening queue and the watches, in the editors' admin.

The queue is the candidates' list: filterable by cell, source, watch and decision; several
marked at once with the list's check boxes (keyboard: Tab to a box, Space to tick, then the
action menu and Go); the words of the cell's search highlighted in titles and abstracts. A
decision is an action: include (a draft document), exclude with a reason chosen beside the
action, maybe, or undo.
"""

import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from . import services
from .models import Candidate, ExclusionReason, Watch, WatchRun, WatchSwitch
from .tasks import run_watches, schedule_daily_runs


def highlighted(text, query):
    """``text`` escaped, with each word of ``query`` (three letters or more) in <mark>."""
    words = [w for w in re.findall(r"\w+", query or "") if len(w) >= 3]
    shown = escape(text or "")
    if not words:
        return mark_safe(shown)
    pattern = re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\w*", re.I)
    return mark_safe(pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", shown))


class ScreeningActionForm(ActionForm):
    reason = forms.ModelChoiceField(
        queryset=ExclusionReason.objects.all(),
        required=False,
        empty_label="(reason, for Exclude)",
        label="Reason",
    )


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    list_display = ("title_shown", "year", "source", "cell", "found_because", "decision")
    list_filter = ("status", "source", "cell", "watch")
    search_fields = ("title", "authors", "doi", "pmid", "abstract")
    list_select_related = (
        "cell__matrix",
        "cell__column",
        "cell__row",
        "reason",
        "decided_by",
        "watch__topic",
    )
    action_form = ScreeningActionForm
    actions = ["include_them", "exclude_them", "maybe_them", "undo_them"]
    list_per_page = 50
    readonly_fields = (
        "title_shown",
        "authors",
        "year",
        "journal",
        "doi",
        "pmid",
        "abstract_shown",
        "source",
        "cell",
        "watch",
        "found_because",
        "found_at",
        "decision",
        "document_link",
    )
    fields = readonly_fields

    change_list_template = "admin/watch/candidate/change_list.html"

    def has_add_permission(self, request):
        return False  # they come from watches and import_candidates

    def changelist_view(self, request, extra_context=None):
        """Filtered to one cell, the list is headed by that cell's flow count."""
        from matrix.models import Cell

        extra_context = dict(extra_context or {})
        cell_id = request.GET.get("cell__id__exact", "")
        if cell_id.isdigit():
            cell = Cell.objects.with_labels().filter(pk=int(cell_id)).first()
            if cell is not None:
                extra_context["flow_cell"] = cell
                extra_context["flow"] = services.flow(cell)
        return super().changelist_view(request, extra_context)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related(
                "cell__matrix", "cell__column", "cell__row", "reason", "decided_by", "document"
            )
        )

    @admin.display(description="Title", ordering="title")
    def title_shown(self, candidate):
        return highlighted(candidate.title, self._words(candidate))

    @admin.display(description="Abstract")
    def abstract_shown(self, candidate):
        words = self._words(candidate)
        return highlighted(candidate.abstract, words) if candidate.abstract else "None given."

    @staticmethod
    def _words(candidate):
        if candidate.cell_id:
            return candidate.cell.more_query
        return candidate.watch.words if candidate.watch_id else ""

    @admin.display(description="Decision", ordering="status")
    def decision(self, candidate):
        if candidate.status == Candidate.Status.UNSCREENED:
            return "Not screened"
        who = candidate.decided_by.get_username() if candidate.decided_by else "someone"
        what = candidate.get_status_display()
        if candidate.reason_id:
            what = f"{what} ({candidate.reason})"
        return f"{what}, by {who} on {candidate.decided_at:%d %b %Y}"

    @admin.display(description="Draft document")
    def document_link(self, candidate):
        if not candidate.document_id:
            return "—"
        url = reverse("admin:studies_document_change", args=[candidate.document_id])
        return format_html('<a href="{}">{}</a>', url, candidate.document)

    @admin.action(description="Include: make draft documents of them")
    def include_them(self, request, queryset):
        made = [services.include(c, request.user) for c in queryset]
        for candidate in made:
            role = services.suggested_role(candidate)
            where = f" for {candidate.cell}, as {role}" if candidate.cell_id else ""
            url = reverse("admin:studies_document_change", args=[candidate.document_id])
            messages.success(
                request,
                format_html(
                    'Included: <a href="{}">{}</a> is a draft, suggested{}.',
                    url,
                    candidate.document,
                    where,
                ),
            )

    @admin.action(description="Exclude, for the reason chosen")
    def exclude_them(self, request, queryset):
        reason = ExclusionReason.objects.filter(pk=request.POST.get("reason") or None).first()
        if reason is None:
            messages.error(request, "Choose a reason beside the action to exclude them.")
            return
        for candidate in queryset:
            services.exclude(candidate, request.user, reason)
        messages.success(request, f"Excluded {queryset.count()} ({reason}).")

    @admin.action(description="Maybe: decide later")
    def maybe_them(self, request, queryset):
        for candidate in queryset:
            services.maybe(candidate, request.user)
        messages.success(request, f"Marked {queryset.count()} as maybe.")

    @admin.action(description="Undo the decision (back to the queue)")
    def undo_them(self, request, queryset):
        for candidate in queryset:
            _, kept = services.undo(candidate, request.user)
            if kept is not None:
                messages.warning(
                    request,
                    f"{kept} was kept: it has been published or placed since it was made.",
                )
        messages.success(request, f"Returned {queryset.count()} to the queue.")


class RunInline(admin.TabularInline):
    model = WatchRun
    extra = 0
    can_delete = False
    max_num = 0
    fields = (
        "started_at",
        "since",
        "query",
        "found",
        "new",
        "in_bank",
        "already_screened",
        "error",
    )
    readonly_fields = fields
    ordering = ["-started_at"]

    def has_add_permission(self, request, obj=None):
        return False


class StartWatchingForm(forms.Form):
    cell = forms.ModelChoiceField(
        queryset=None,
        required=False,
        help_text="Cells with a MORE search or entries; a cell with neither has nothing to watch.",
    )
    topic = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="or a hot topic",
        help_text="Hot topics with a search.",
    )

    def __init__(self, *args, **kwargs):
        from django.db.models import Q

        from matrix.models import Cell
        from topics.models import HotTopic

        super().__init__(*args, **kwargs)
        self.fields["cell"].queryset = (
            Cell.objects.with_labels()
            .filter(Q(more_query__gt="") | Q(entries__isnull=False))
            .distinct()
            .order_by("matrix__position", "row__number", "column__code")
        )
        self.fields["topic"].queryset = HotTopic.objects.filter(search_query__gt="").order_by(
            "title"
        )

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("cell")) == bool(cleaned.get("topic")):
            raise forms.ValidationError("Choose a cell or a hot topic (one of them).")
        return cleaned


@admin.register(Watch)
class WatchAdmin(admin.ModelAdmin):
    list_display = ("__str__", "active", "every_days", "last_success_at", "last_run")
    list_filter = ("source", "kind", "active", "cell", "topic")
    list_select_related = ("cell__matrix", "cell__column", "cell__row", "topic")
    list_select_related = ("cell__matrix", "cell__column", "cell__row")
    fields = (
        "cell",
        "topic",
        "source",
        "kind",
        "query",
        "every_days",
        "active",
        "last_success_at",
    )
    readonly_fields = ("last_success_at",)
    inlines = [RunInline]
    actions = ["run_now"]
    change_list_template = "admin/watch/watch/change_list.html"

    def get_urls(self):
        from django.urls import path

        start = self.admin_site.admin_view(self.start_view)
        return [path("start/", start, name="watch_watch_start"), *super().get_urls()]

    def start_view(self, request):
        """An editor turns on the watches of a cell: they are made, and run on the worker."""
        from django.core.exceptions import PermissionDenied
        from django.template.response import TemplateResponse

        if not self.has_add_permission(request):
            raise PermissionDenied
        # From a cell's form ("Watch this cell's literature"), that cell is chosen already.
        chosen = request.GET.get("cell", "")
        initial = {"cell": int(chosen)} if chosen.isdigit() else {}
        form = StartWatchingForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            cell, topic = form.cleaned_data["cell"], form.cleaned_data["topic"]
            if cell:
                services.ensure_watches(cell)
                watched, narrowed = cell, f"?cell__id__exact={cell.pk}"
            else:
                services.ensure_topic_watches(topic)
                watched, narrowed = f"Hot topic: {topic}", f"?topic__id__exact={topic.pk}"
            watches = (
                list(watched.watches.filter(active=True).values_list("pk", flat=True))
                if cell
                else list(topic.watches.filter(active=True).values_list("pk", flat=True))
            )
            run_watches.enqueue(watches)
            messages.success(
                request,
                f"{watched}: {len(watches)} watch(es) queued to run now; what they find will "
                "wait in the screening queue.",
            )
            return redirect(reverse("admin:watch_watch_changelist") + narrowed)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Watch a cell's literature",
            "form": form,
        }
        return TemplateResponse(request, "admin/watch/watch/start.html", context)

    @admin.display(description="Last run")
    def last_run(self, watch):
        run = watch.runs.first()
        if run is None:
            return "Never run."
        if run.failed:
            return f"Failed {run.started_at:%d %b %Y}: {run.error}"
        return f"{run.started_at:%d %b %Y}: {run.found} found, {run.new} new"

    @admin.action(description="Run now (on the task worker)")
    def run_now(self, request, queryset):
        run_watches.enqueue([w.pk for w in queryset])
        messages.success(
            request,
            f"{queryset.count()} watch(es) queued: each run is listed on its watch's page, "
            "with what it found or why it failed.",
        )


@admin.register(ExclusionReason)
class ExclusionReasonAdmin(admin.ModelAdmin):
    list_display = ("name", "order")
    list_editable = ("order",)


@admin.register(WatchSwitch)
class WatchSwitchAdmin(admin.ModelAdmin):
    fields = ("on", "state")
    readonly_fields = ("state",)

    def has_add_permission(self, request):
        return False  # the one switch (``WatchSwitch.current``)

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        """There is one switch: its list is its page."""
        switch = WatchSwitch.current()
        return redirect(reverse("admin:watch_watchswitch_change", args=[switch.pk]))

    @admin.display(description="State")
    def state(self, switch):
        if not switch.allowed:
            return "Off on this server: the WATCH_SCHEDULING setting is off."
        return "The task worker runs due watches daily." if switch.on else "Off."

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.running:
            schedule_daily_runs()
            messages.info(request, "Due watches are running now, then daily.")
