import reversion
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe

from editorial.admin import EditorialAdmin, EditorialForm
from markup.admin import (
    MarkupAdminMixin,
    PendingAnchorsMixin,
    ProtectLinkedAdminMixin,
    ProtectLinkedInlineFormSet,
)
from studies.appraisal import CertaintyReason
from studies.models import Document

from .models import BiteSection, Cell, CellEntry, CellVerdict, Chart, Column, Matrix, Role, Row
from .notes import editor_panels_for
from .refreshers import restored_certainty_news
from .widgets import write_widgets_in_python


class ColumnInline(admin.TabularInline):
    model = Column
    extra = 0
    max_num = 5


class RowInline(MarkupAdminMixin, admin.StackedInline):
    model = Row
    formset = ProtectLinkedInlineFormSet
    extra = 0
    max_num = 5


@admin.register(Matrix)
class MatrixAdmin(ProtectLinkedAdminMixin, MarkupAdminMixin, EditorialAdmin):
    list_display = ("title", "slug", "legacy_folder", "position")
    inlines = [ColumnInline, RowInline]

    def get_readonly_fields(self, request, obj=None):
        # Cell links name the matrix by slug (cell:alcohol/E4); changing it would break them.
        return ("slug",) if obj else ()

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj else {"slug": ("name",)}


@admin.register(Row)
class RowAdmin(ProtectLinkedAdminMixin, MarkupAdminMixin, EditorialAdmin):
    list_display = ("__str__", "course_title")
    list_filter = ("matrix",)
    list_select_related = ("matrix",)
    fields = ["name", "description", "course_title", "introduction", "covers"]

    def has_add_permission(self, request):
        return False  # every matrix has its five rows

    def has_delete_permission(self, request, obj=None):
        return False


# Where the editors' judgements are explained to readers (the methods page): the admin's help
# texts point there so editors judge by the rules readers are told.
METHODS = '<a href="/methods/">the methods page</a>'
CERTAINTY_HELP = mark_safe(
    f"GRADE's levels, as {METHODS} explains them. “Not rated” is always allowed: no false "
    "precision."
)
REASONS_HELP = mark_safe(f"What lowered or raised it (GRADE's reasons; see {METHODS}).")


class CellEntryForm(forms.ModelForm):
    """An entry's roles as check boxes, stored in legend order ("SG")."""

    roles = forms.MultipleChoiceField(
        choices=Role.choices, widget=forms.CheckboxSelectMultiple, help_text="One or more."
    )
    certainty_reasons = forms.TypedMultipleChoiceField(
        label="Why this certainty",
        choices=CertaintyReason.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=REASONS_HELP,
    )

    class Meta:
        model = CellEntry
        fields = [
            "document",
            "roles",
            "headline",
            "annotation",
            "certainty",
            "certainty_reasons",
            "order",
        ]
        help_texts = {"certainty": CERTAINTY_HELP}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["roles"] = list(self.instance.roles or "")

    def clean_roles(self):
        chosen = self.cleaned_data["roles"]
        return "".join(role.value for role in Role if role.value in chosen)


class CellEntryAdminForm(CellEntryForm, EditorialForm):
    """The same, on an entry's own page, with the editorial fields."""


class DocumentPicker(AutocompleteSelect):
    """An entry's document picker, labelled from the documents read with the entries (the
    formset gives them: ``known``) instead of one query per entry row."""

    known = None  # {str(pk): document}

    def optgroups(self, name, value, attr=None):
        chosen = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        if self.known is None or any(pk not in self.known for pk in chosen):
            return super().optgroups(name, value, attr)  # a document typed in, not yet read
        options = []
        if not self.is_required:
            options.append(self.create_option(name, "", "", False, 0))
        label = self.choices.field.label_from_instance
        for pk in chosen[:1]:
            options.append(self.create_option(name, pk, label(self.known[pk]), True, len(options)))
        return [(None, options, 0)]


class CellPartFormSet(ProtectLinkedInlineFormSet):
    """Rows of a cell's form (its verdict, entries, bite sections), their widgets written in
    Python (matrix.widgets): a page of the form draws some 300 widgets."""

    def add_fields(self, form, index):
        super().add_fields(form, index)  # the id, the cell and Delete are widgets too
        write_widgets_in_python(form)


class PagedEntryFormSet(CellPartFormSet):
    """A cell's entries, a page at a time: a cell with hundreds of entries stays editable.
    Each row's document picker is labelled from the rows' own documents (read with them)."""

    def __init__(self, *args, page=None, **kwargs):
        self.page = page
        super().__init__(*args, **kwargs)
        known = {str(entry.document_id): entry.document for entry in self.get_queryset()}
        for form in self.forms:
            picker = form.fields["document"].widget
            picker = getattr(picker, "widget", picker)  # inside the admin's add/change links
            if isinstance(picker, DocumentPicker):
                picker.known = known


def note_certainty_judged(entry, changed, editor):
    """Who judged an entry's certainty, and when: set when the judgement changes."""
    if {"certainty", "certainty_reasons"} & set(changed):
        entry.certainty_judged_by = editor
        entry.certainty_judged_on = timezone.localdate()


class CertaintyJudgedMixin:
    """Who judged an entry's certainty and when, shown beside it and never typed: it is set
    when the certainty or its reasons change (``note_certainty_judged``)."""

    @admin.display(description="Certainty judged")
    def certainty_judged(self, entry):
        if entry is None or entry.certainty_judged_on is None:
            return "Not judged yet."
        judge = entry.certainty_judged_by
        who = (judge.get_full_name() or judge.get_username()) if judge else "someone since removed"
        return f"By {who} on {date_format(entry.certainty_judged_on, 'j F Y')}."


class CellEntryInline(CertaintyJudgedMixin, MarkupAdminMixin, admin.StackedInline):
    model = CellEntry
    form = CellEntryForm
    formset = PagedEntryFormSet
    template = "admin/matrix/cell/entries_inline.html"
    show_change_link = True
    extra = 0
    autocomplete_fields = ["document"]
    ordering = ["order", "pk"]
    readonly_fields = ["certainty_judged"]
    classes = ["collapse"]  # folded, headed with its count (CellAdmin.get_inline_instances)
    fields = [*CellEntryForm.Meta.fields[:-1], "certainty_judged", "order"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "document":
            kwargs["widget"] = DocumentPicker(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CellVerdictForm(forms.ModelForm):
    certainty_reasons = forms.TypedMultipleChoiceField(
        label="Why this certainty",
        choices=CertaintyReason.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=mark_safe(
            f"What lowered or raised it (GRADE's reasons; see {METHODS}); say more in the "
            "note below."
        ),
    )

    class Meta:
        model = CellVerdict
        fields = [
            "bottom_line",
            "certainty",
            "certainty_reasons",
            "certainty_note",
            "effect",
            "works_for",
            "mechanism",
            "implementation",
            "cost_band",
            "cost_note",
            "economic_evaluations",
            "unclear",
            "last_appraised",
        ]
        help_texts = {
            "certainty": mark_safe(
                f"Of the body of evidence in the cell, as {METHODS} explains. A change of "
                "level on a published cell is news: its followers' bulletins and the cell's "
                "feed say it, with the reasons and the note below as the why."
            ),
            "cost_band": mark_safe(
                f"Cost per person treated, 1 (very low) to 5 (very high), banded as {METHODS} says."
            ),
        }


class CellVerdictInline(MarkupAdminMixin, admin.StackedInline):
    """The verdict card, at the top of the cell's form: part of the cell's revision.

    Open, not collapsed: it is what readers see first, and an editor changing the cell's
    entries is asked, by seeing it, whether the card still holds. Grouped as readers read it.
    """

    model = CellVerdict
    form = CellVerdictForm
    formset = CellPartFormSet
    extra = 1
    max_num = 1
    can_delete = False
    verbose_name_plural = "verdict card"
    autocomplete_fields = ["economic_evaluations"]
    fieldsets = [
        (None, {"fields": ["bottom_line", "last_appraised"]}),
        ("Certainty", {"fields": ["certainty", "certainty_reasons", "certainty_note"]}),
        (
            "What it does, for whom, how",
            {"fields": ["effect", "works_for", "mechanism", "implementation"]},
        ),
        ("Cost", {"fields": ["cost_band", "cost_note", "economic_evaluations"]}),
        ("What remains unclear", {"fields": ["unclear"]}),
    ]


class BiteSectionInline(MarkupAdminMixin, admin.StackedInline):
    model = BiteSection
    formset = CellPartFormSet
    extra = 0
    ordering = ["order", "pk"]
    classes = ["collapse"]  # folded, headed with its count (CellAdmin.get_inline_instances)


@admin.register(Cell)
class CellAdmin(ProtectLinkedAdminMixin, PendingAnchorsMixin, MarkupAdminMixin, EditorialAdmin):
    preview = True
    change_form_template = "admin/matrix/cell/change_form.html"  # with apps' panels
    list_display = (
        "code_label",
        "matrix",
        "short_title",
        "entries_count",
        "status",
        "last_revised",
        "review_due",
    )
    list_display_links = ("code_label",)
    list_filter = ("matrix", "status", "column__code", "row__number")
    search_fields = ("scope", "label_override", "column__name", "row__name")
    list_select_related = ("matrix", "column", "row")
    ordering = ("matrix__position", "row__number", "column__code")
    fieldsets = [
        (None, {"fields": ["matrix", "column", "row", "label_override"]}),
        (
            "Publishing",
            {"fields": ["status", "publish_at", "consultation_closes", "review_due"]},
        ),
        ("Content", {"fields": ["scope", "more_query", "more_note"]}),
        ("Dates", {"fields": ["first_uploaded", "last_revised"]}),
    ]
    inlines = [CellVerdictInline, CellEntryInline, BiteSectionInline]
    pending_text_fields = ("scope", "more_note", "annotation", "body")
    pending_anchor_fields = ("anchor",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(entries_total=Count("entries"))

    @admin.display(description="Cell", ordering="column__code")
    def code_label(self, cell):
        return f"{cell.matrix.name} {cell.code}"

    @admin.display(description="Entries", ordering="entries_total")
    def entries_count(self, cell):
        return cell.entries_total

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A column or row is named with its matrix: read with it, not once per option.
        if db_field.name in ("column", "row"):
            kwargs["queryset"] = db_field.related_model.objects.select_related("matrix")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def render_change_form(self, request, context, *args, **kwargs):
        write_widgets_in_python(context["adminform"].form)  # as the rows' (CellPartFormSet)
        cell = kwargs.get("obj")
        if cell is not None and cell.pk:
            context["editor_panels"] = editor_panels_for(cell, request)
        return super().render_change_form(request, context, *args, **kwargs)

    def get_inline_instances(self, request, obj=None):
        """The entries and the Matrix Bite's sections fold away (``<details>``, open when a
        row has an error), each headed with how many it holds: E4's form ran to 17,000 px,
        and an editor wants one of them at a time. Inline instances are made per request,
        so each carries its own heading."""
        inlines = super().get_inline_instances(request, obj)
        if obj is None or not obj.pk:
            return inlines
        for inline in inlines:
            if isinstance(inline, CellEntryInline):
                count = self.entries_page(request, obj, inline).paginator.count
                inline.verbose_name_plural = f"entries ({count})"
                if "entries_page" in request.GET:  # paging through them: keep them open
                    inline.classes = []
            elif isinstance(inline, BiteSectionInline):
                counts = request.__dict__.setdefault("cell_bite_counts", {})  # asked for twice
                if obj.pk not in counts:
                    counts[obj.pk] = obj.bite_sections.count()
                inline.verbose_name_plural = f"Matrix Bite sections ({counts[obj.pk]})"
        return inlines

    def entries_page(self, request, cell, inline):
        pages = request.__dict__.setdefault("cell_entries_pages", {})  # asked for twice
        if cell.pk not in pages:
            entries = super().inline_rows(request, cell, inline).order_by("order", "pk")
            paginator = Paginator(entries, settings.ADMIN_ENTRIES_PER_PAGE)
            pages[cell.pk] = paginator.get_page(request.GET.get("entries_page"))
        return pages[cell.pk]

    def inline_rows(self, request, obj, inline):
        if isinstance(inline, CellEntryInline):
            page = self.entries_page(request, obj, inline)
            # Each entry's document (its picker's label) and who judged its certainty are
            # shown beside it: fetched with the rows.
            return CellEntry.objects.filter(pk__in=[e.pk for e in page.object_list]).select_related(
                "document", "certainty_judged_by"
            )
        return super().inline_rows(request, obj, inline)

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, CellEntryInline) and obj is not None and obj.pk:
            kwargs["page"] = self.entries_page(request, obj, inline)
        return kwargs

    def revision_view(self, request, object_id, version_id, extra_context=None):
        # Reversion writes the revision's rows before the form is saved, so the save alone
        # cannot tell that the restore changed the verdict's certainty: note it first.
        with transaction.atomic():
            if request.method == "POST" and unquote(object_id).isdigit():
                self.lock_for_save(unquote(object_id))
                request.certainty_before_restore = (
                    CellVerdict.objects.filter(cell_id=unquote(object_id))
                    .values_list("certainty", flat=True)
                    .first()
                )
            return super().revision_view(request, object_id, version_id, extra_context)

    def save_related(self, request, form, formsets, change):
        restoring = getattr(request, "certainty_before_restore", None)
        for formset in formsets:
            if formset.model is CellEntry:
                for row in formset.forms:
                    note_certainty_judged(row.instance, row.changed_data, request.user)
            elif formset.model is CellVerdict and restoring is not None:
                for row in formset.forms:
                    row.instance.certainty_news_told = True  # below, from before the restore
        super().save_related(request, form, formsets, change)
        if restoring is not None:
            restored_certainty_news(
                form.instance,
                restoring,
                editor=request.user,
                public_before=request.editorial_restore["public_before"],
            )

    def revision_touches_bite(self, obj, formsets):
        return any(formset.model is BiteSection and formset.has_changed() for formset in formsets)

    def submitted_anchors(self, request, cell):
        anchors = set(super().submitted_anchors(request, cell))
        picked = [
            v
            for k, v in request.POST.items()
            if k.startswith("entries-") and k.endswith("-document") and v.isdigit()
        ]
        for slug in Document.objects.filter(pk__in=picked).values_list("slug", flat=True):
            anchors.add((cell.markup_key(), f"entry-{slug}"))
        return frozenset(anchors)


@admin.register(CellEntry)
class CellEntryAdmin(
    CertaintyJudgedMixin, ProtectLinkedAdminMixin, MarkupAdminMixin, EditorialAdmin
):
    """An entry edited on its own page is a change to its cell: the revision holds both."""

    form = CellEntryAdminForm
    list_display = ("headline", "cell", "roles", "document", "order")
    list_filter = ("cell__matrix", "roles")
    search_fields = ("headline", "annotation", "document__title")
    autocomplete_fields = ["document"]
    list_select_related = ("cell__matrix", "cell__column", "cell__row", "document")
    fields = [
        "cell",
        "document",
        "roles",
        "headline",
        "annotation",
        "certainty",
        "certainty_reasons",
        "certainty_judged",
        "order",
    ]
    readonly_fields = ["certainty_judged"]

    def save_model(self, request, obj, form, change):
        note_certainty_judged(obj, form.changed_data, request.user)
        super().save_model(request, obj, form, change)
        reversion.add_to_revision(obj.cell)


@admin.register(BiteSection)
class BiteSectionAdmin(ProtectLinkedAdminMixin, MarkupAdminMixin, EditorialAdmin):
    list_display = ("display_heading", "cell", "kind", "anchor", "order")
    list_filter = ("kind", "cell__matrix")
    search_fields = ("heading", "body", "anchor")
    list_select_related = ("cell__matrix", "cell__column", "cell__row")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        reversion.add_to_revision(obj.cell)


@admin.register(Chart)
class ChartAdmin(ProtectLinkedAdminMixin, EditorialAdmin):
    list_display = ("title", "slug", "source")
    search_fields = ("title", "slug", "caption")
    autocomplete_fields = ["source"]
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("drawn",)
    fields = ["slug", "title", "caption", "unit", "data", "note", "source", "drawn"]

    @admin.display(description="How it looks (after saving)")
    def drawn(self, chart):
        # The chart is drawn by our own template from validated numbers, never from raw input.
        return mark_safe(chart.html) if chart.html else "Not drawn yet."
