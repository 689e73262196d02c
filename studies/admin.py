import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from taggit.models import TaggedItem

from citations.names import Name, parse_name
from editorial.admin import EditorialAdmin, EditorialForm
from markup.admin import (
    MarkupAdminMixin,
    PendingAnchorsMixin,
    ProtectLinkedAdminMixin,
    ProtectLinkedInlineFormSet,
)
from ops.paging import EstimatingPaginator

from .appraisal import Country, EffectMeasure, Population, Setting
from .duplicates import find_duplicates
from .importing import ImportFormSet, ImportRecordForm, ReadRecordsForm, import_forms, read_records
from .models import AbstractTranslation, Document, DocumentAuthor, DocumentSection, FeaturedStudy
from .services import merge_into, unique_slug

# A document's revision holds its authors, sections, featured studies, translations and
# subjects; the inlines' models are registered by the admin classes below.
reversion.register(TaggedItem)
for model in (DocumentAuthor, DocumentSection, FeaturedStudy, AbstractTranslation, EffectMeasure):
    reversion.register(model)
reversion.register(
    Document,
    follow=(
        "authorships",
        "sections",
        "featured_links",
        "translations",
        "tagged_items",
        "effect_measures",
    ),
)


class DocumentForm(EditorialForm):
    """A document's form. On adding, a likely duplicate (same DOI, PMID, or title and year)
    stops the save until the editor chooses: open it, merge into it, or add anyway and say
    why. The slug, left empty, is made from the first author, year and title."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.duplicates = []
        if "slug" in self.fields:
            self.fields["slug"].required = False

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            return cleaned
        self.duplicates = find_duplicates(
            doi=cleaned.get("doi", ""),
            pmid=cleaned.get("pmid", ""),
            title=cleaned.get("title", ""),
            year=cleaned.get("year"),
        )
        decision = self.data.get("_duplicate", "")
        reason = self.data.get("_duplicate_reason", "").strip()
        if self.duplicates and decision == "add" and not reason:
            raise ValidationError("Say why you are adding it although it looks the same.")
        if self.duplicates and decision != "add" and not decision.startswith("merge:"):
            raise ValidationError(
                "This looks like a document already in the bank (listed above). Open it, "
                "merge what you typed into it, or add this one anyway and say why."
            )
        self.duplicate_reason = reason
        if not cleaned.get("slug") and cleaned.get("title"):
            cleaned["slug"] = unique_slug({**cleaned, "authors": submitted_authors(self.data)})
            self.instance.slug = cleaned["slug"]
        return cleaned


def submitted_authors(data):
    """The authors typed into the form's author rows, in their order, as typed."""
    rows = []
    for key, name in data.items():
        if key.startswith("authorships-") and key.endswith("-name") and name.strip():
            prefix = key[: -len("-name")]
            if data.get(f"{prefix}-DELETE"):
                continue
            position = data.get(f"{prefix}-position") or "0"
            rows.append((int(position) if position.isdigit() else 0, key, name.strip()))
    return [name for _, _, name in sorted(rows)]


class AuthorForm(forms.ModelForm):
    """One box per author, as before: "Family, Given names" as the source gives them, or an
    organisation's whole name. The parts are kept; the cited form is made from them."""

    name = forms.CharField(
        label="Author",
        max_length=300,
        help_text="“Timko, Christine”, or “Miller, W. R.” when the source gives only "
        "initials; an organisation’s whole name (tick “an organisation” if it has a comma "
        "or no word such as Institute or Group).",
        widget=forms.TextInput(attrs={"size": 40}),
    )

    class Meta:
        model = DocumentAuthor
        fields = ["name", "corporate", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["name"] = self.instance.as_name().inverted

    def clean(self):
        cleaned = super().clean()
        typed = " ".join((cleaned.get("name") or "").split())
        if not typed:
            return cleaned
        person = Name(typed, corporate=True) if cleaned.get("corporate") else parse_name(typed)
        if person is None:
            self.add_error("name", "Type the author's name, or leave the row empty.")
            return cleaned
        self.instance.set_parts(person)
        cleaned["name"] = self.instance.name
        cleaned["corporate"] = person.corporate
        return cleaned


class AuthorInline(admin.TabularInline):
    model = DocumentAuthor
    form = AuthorForm
    extra = 1
    ordering = ["position", "pk"]


class SectionInline(MarkupAdminMixin, admin.StackedInline):
    model = DocumentSection
    formset = ProtectLinkedInlineFormSet
    extra = 0
    ordering = ["order", "pk"]


class FeaturedStudyInline(admin.TabularInline):
    model = FeaturedStudy
    fk_name = "analysis"
    extra = 0
    autocomplete_fields = ["study"]
    ordering = ["position", "pk"]
    verbose_name = "featured study"
    verbose_name_plural = "featured studies"


class TranslationInline(admin.StackedInline):
    model = AbstractTranslation
    extra = 0


class EffectMeasureInline(admin.TabularInline):
    model = EffectMeasure
    extra = 0
    ordering = ["position", "pk"]
    verbose_name_plural = "effect measures (as reported)"


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    """ISO 3166, loaded by a migration: looked up by the appraisal's country picker, read
    here, never edited."""

    list_display = ("name", "code", "part_of")
    search_fields = ("name", "code")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Setting, Population)
class VocabularyAdmin(admin.ModelAdmin):
    """The editable vocabularies of an appraisal: add a term, rename one, say what it
    covers. A term in use cannot be deleted without removing it from its documents."""

    list_display = ("name", "slug", "description")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ["name"]}

    def get_actions(self, request):
        # Deleted one at a time, so a term in use is never deleted in a batch.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.documents.exists():
            return False  # in use: take it off its documents first
        return super().has_delete_permission(request, obj)


class DecadeFilter(admin.SimpleListFilter):
    """Documents by decade: fixed choices, so listing them reads nothing (a year filter
    would read every year in the bank first)."""

    title = "decade"
    parameter_name = "decade"
    EARLIEST = 1950

    def lookups(self, request, model_admin):
        latest = timezone.localdate().year // 10 * 10
        decades = [(str(d), f"{d}s") for d in range(latest, self.EARLIEST - 1, -10)]
        return [*decades, ("earlier", f"Before {self.EARLIEST}"), ("none", "No year")]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "none":
            return queryset.filter(year__isnull=True)
        if value == "earlier":
            return queryset.filter(year__lt=self.EARLIEST)
        if value and value.isdigit():
            return queryset.filter(year__gte=int(value), year__lt=int(value) + 10)
        return queryset


@admin.register(Document)
class DocumentAdmin(ProtectLinkedAdminMixin, PendingAnchorsMixin, MarkupAdminMixin, EditorialAdmin):
    preview = True
    form = DocumentForm
    change_list_template = "admin/studies/document/change_list.html"
    list_display = ("title", "kind", "year", "status", "first_published")
    # Kinds, statuses and decades are fixed choices; subjects are read from their own table.
    # No date drill-down: it would read every document's date to offer its years.
    list_filter = ("kind", "status", "notice", "tags", DecadeFilter)
    # Declared for the picker (which needs search fields); what they search is
    # get_search_results's: Document.objects.matching.
    search_fields = ("title", "authorships__name", "doi", "source", "slug", "pmid")
    search_help_text = (
        "Words of the title, an author's name, the DOI or the source; a slug, PMID or "
        "accession number typed whole."
    )
    # The list's index order (document_list_order); a page is 100 rows of it, never counted
    # in full (ops.paging).
    ordering = ("-year", "title", "-pk")
    paginator = EstimatingPaginator
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["kind", "title", "slug", "tags"]}),
        ("Publishing", {"fields": ["status", "publish_at", "consultation_closes"]}),
        (
            "Citation",
            {
                "fields": [
                    "authors_et_al",
                    "year",
                    "issued",
                    "published_online",
                    "source",
                    "jurisdiction",
                    "volume",
                    "issue",
                    "pages",
                    "doi",
                    "pmid",
                    "accession_number",
                    "accession_database",
                    "url",
                    "free_url",
                    "affiliations",
                ]
            },
        ),
        ("Content", {"fields": ["standfirst", "key_points", "abstract", "commentary"]}),
        (
            "Appraisal",
            {
                "description": "How strong the evidence is, only as far as the source says: "
                "leave a field empty rather than guess. See the methods page for how each "
                "is judged.",
                "fields": [
                    "design",
                    ("participants", "studies_included"),
                    "countries",
                    "care_settings",
                    "populations",
                    "substances",
                    "comparison",
                    "follow_up",
                    "outcomes",
                    "effect_direction",
                    "risk_of_bias",
                    "risk_of_bias_note",
                    "funding",
                    "conflicts",
                ],
            },
        ),
        (
            "Publisher's notice",
            {
                "description": "A retraction, withdrawal, expression of concern or correction: "
                "the literature watch fills these from Crossref (with Retraction Watch's "
                "records) and OpenAlex; readers see it on the document and in its cells.",
                "fields": ["notice", "notice_doi", "notice_date", "notice_source"],
            },
        ),
        ("Dates", {"fields": ["first_published", "last_revised"]}),
    ]
    autocomplete_fields = ["countries"]
    filter_horizontal = ["care_settings", "populations"]
    inlines = [
        AuthorInline,
        SectionInline,
        FeaturedStudyInline,
        TranslationInline,
        EffectMeasureInline,
    ]
    pending_text_fields = ("standfirst", "key_points", "abstract", "commentary", "body")
    pending_anchor_fields = ("anchor",)

    def get_search_results(self, request, queryset, search_term):
        # Document.objects.matching: authors through EXISTS, so never a DISTINCT.
        return queryset.matching(search_term), False

    def save_model(self, request, obj, form, change):
        reason = getattr(form, "duplicate_reason", "")
        if reason:
            note = form.cleaned_data.get("change_note", "")
            form.cleaned_data["change_note"] = (
                f"{note} Added although it looks like a document already in the bank: {reason}"
            ).strip()
        super().save_model(request, obj, form, change)

    def add_view(self, request, form_url="", extra_context=None):
        if request.method == "POST" and request.POST.get("_duplicate", "").startswith("merge:"):
            return self.merge_view(request)
        return super().add_view(request, form_url, extra_context)

    def merge_view(self, request):
        """The add form's "merge into the existing document": fill what it lacks."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        target = Document.objects.filter(pk=request.POST["_duplicate"].split(":", 1)[1]).first()
        fieldsets = self.get_fieldsets(request, None)
        ModelForm = self.get_form(request, None, change=False, fields=flatten_fieldsets(fieldsets))
        form = ModelForm(request.POST)
        if target is None or not form.is_valid():
            messages.error(request, "That could not be merged; check the form and try again.")
            return super().add_view(request)
        fields = {**form.cleaned_data, "authors": submitted_authors(request.POST)}
        fields["tags"] = list(fields.get("tags") or [])
        filled = merge_into(target, fields, editor=request.user)
        messages.success(
            request,
            f"Merged into “{target}”: filled {', '.join(filled) or 'nothing it lacked'}.",
        )
        return redirect("admin:studies_document_change", target.pk)

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="studies_document_import"), *super().get_urls()]

    def import_view(self, request):
        """Paste or upload citation records; check a prefilled form for each; create drafts."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import citations",
            "read_form": ReadRecordsForm(),
        }
        if request.method == "POST" and "_read" in request.POST:
            read_form = ReadRecordsForm(request.POST)
            read_form.is_valid()
            records, errors = read_records(
                read_form.cleaned_data.get("records", ""), request.FILES.getlist("files")
            )
            context.update(
                read_form=read_form,
                errors=errors,
                formset=ImportFormSet(
                    initial=[ImportRecordForm.initial_from(record) for record in records]
                ),
            )
        elif request.method == "POST" and "_create" in request.POST:
            formset = ImportFormSet(request.POST)
            done, remaining = import_forms(formset, request.user)
            context.update(done=done, formset=formset, remaining=remaining)
            if done and not remaining:
                messages.success(request, f"{len(done)} record(s) done: see the list below.")
                # Nothing is left to create: the page shows what was made and the way to
                # read more records, not a "Create the drafts" that would find no fields.
                context.update(formset=None, read_form=ReadRecordsForm())
        return TemplateResponse(request, "admin/studies/document/import.html", context)

    def get_readonly_fields(self, request, obj=None):
        # Links elsewhere name documents by slug; changing it would break them.
        return ("slug",) if obj else ()

    def get_prepopulated_fields(self, request, obj=None):
        return {}  # slugs are made from author, year and title when left empty


@admin.register(DocumentSection)
class DocumentSectionAdmin(ProtectLinkedAdminMixin, MarkupAdminMixin, EditorialAdmin):
    """A section edited on its own page is a change to its document: the revision holds both."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        reversion.add_to_revision(obj.document)

    list_display = ("heading", "document", "anchor", "order")
    search_fields = ("heading", "body", "document__title")
    autocomplete_fields = ["document"]
