from django.contrib import admin

from markup.admin import (
    MarkupAdminMixin,
    PendingAnchorsMixin,
    ProtectLinkedAdminMixin,
    ProtectLinkedInlineFormSet,
)

from .models import AbstractTranslation, Document, DocumentAuthor, DocumentSection, FeaturedStudy


class AuthorInline(admin.TabularInline):
    model = DocumentAuthor
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


class TranslationInline(admin.StackedInline):
    model = AbstractTranslation
    extra = 0


@admin.register(Document)
class DocumentAdmin(
    ProtectLinkedAdminMixin, PendingAnchorsMixin, MarkupAdminMixin, admin.ModelAdmin
):
    list_display = ("title", "kind", "year", "status", "first_published")
    list_filter = ("kind", "status", "tags", "year")
    search_fields = ("title", "slug", "authorships__name", "source", "doi", "pmid")
    date_hierarchy = "first_published"
    prepopulated_fields = {"slug": ("title",)}
    fieldsets = [
        (None, {"fields": ["kind", "status", "title", "slug", "tags"]}),
        (
            "Citation",
            {
                "fields": [
                    "authors_et_al",
                    "year",
                    "source",
                    "jurisdiction",
                    "volume",
                    "issue",
                    "pages",
                    "doi",
                    "pmid",
                    "url",
                    "free_url",
                    "affiliations",
                ]
            },
        ),
        ("Content", {"fields": ["standfirst", "key_points", "abstract", "commentary"]}),
        ("Dates", {"fields": ["first_published", "last_revised"]}),
    ]
    inlines = [AuthorInline, SectionInline, FeaturedStudyInline, TranslationInline]
    pending_text_fields = ("standfirst", "key_points", "abstract", "commentary", "body")
    pending_anchor_fields = ("anchor",)

    def get_readonly_fields(self, request, obj=None):
        # Links elsewhere name documents by slug; changing it would break them.
        return ("slug",) if obj else ()

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj else self.prepopulated_fields


@admin.register(DocumentSection)
class DocumentSectionAdmin(ProtectLinkedAdminMixin, MarkupAdminMixin, admin.ModelAdmin):
    list_display = ("heading", "document", "anchor", "order")
    search_fields = ("heading", "body", "document__title")
    autocomplete_fields = ["document"]
