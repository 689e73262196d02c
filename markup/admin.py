"""Admin helpers shared by every model with markup, and the read-only list of link targets."""

import re

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.forms.utils import ErrorList
from django.urls import reverse
from django.utils.safestring import SafeString

from .models import Anchor, Link, describe_links
from .registry import cheat_sheet
from .render import render


class MarkupAdminMixin:
    """Adds the markup cheat sheet to every markup field, gives them room, and (with
    JavaScript) an "Insert a link…" search under each."""

    class Media:
        js = ["admin-editors/link-finder.js"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in getattr(self.model, "markup_fields", ()):
            guide, finder = reverse("admin:markup_guide"), reverse("admin:link_lookup")
            help_text = (
                f"{cheat_sheet()} Full guide, with live examples: {guide}; find a link's "
                f"reference: {finder}."
            )
            field.help_text = " ".join(filter(None, [str(field.help_text), help_text]))
            field.widget.attrs.update(
                {
                    "rows": 8,
                    "cols": 90,
                    "data-markup": "",
                    "data-link-finder": finder,
                }
            )
        return field


def anchors_submitted(post, page, text_fields, anchor_fields):
    """Passage and section names a form submission is about to create on ``page``.

    Lets an editor add a bite section and link to it from an entry in the same save.
    """
    names = set()
    for key, value in post.items():
        if not value:
            continue
        prefix = key.rsplit("-", 1)[0]
        if post.get(f"{prefix}-DELETE"):
            continue
        field = key.rsplit("-", 1)[-1]
        if field in anchor_fields and re.fullmatch(r"[a-z][a-z0-9-]*", value):
            names.add(value)
        elif field in text_fields:
            names.update(render(value, page).anchors)
    return frozenset((page, name) for name in names)


class PendingAnchorsMixin:
    """Admin for a page-owning model whose inlines may link to each other's new anchors."""

    pending_text_fields = ()
    pending_anchor_fields = ()

    def submitted_anchors(self, request, obj):
        return anchors_submitted(
            request.POST, obj.markup_key(), self.pending_text_fields, self.pending_anchor_fields
        )

    def anchors_pending(self, request, object_id):
        """Note on the request the anchors its form submits, for the forms to hand over."""
        request.pending_anchors = frozenset()
        if request.method == "POST" and object_id:
            obj = self.get_object(request, object_id)
            if obj is not None:
                request.pending_anchors = self.submitted_anchors(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return handing_over(form, getattr(request, "pending_anchors", frozenset()))

    def get_formsets_with_inlines(self, request, obj=None):
        pending = getattr(request, "pending_anchors", frozenset())
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            formset.form = handing_over(formset.form, pending)  # a class made for this request
            yield formset, inline

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        self.anchors_pending(request, object_id)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def preview_view(self, request, object_id=None):
        self.anchors_pending(request, object_id)
        return super().preview_view(request, object_id)


def handing_over(form_class, pending):
    """``form_class`` whose instance validates its markup with ``pending`` anchors (the
    model's ``clean()`` passes them to ``render_markup``)."""
    if not pending:
        return form_class

    class HandingOver(form_class):
        def full_clean(self):
            self.instance.pending_anchors = pending
            super().full_clean()

    HandingOver.__name__ = form_class.__name__
    return HandingOver


class ProtectLinkedAdminMixin:
    """Refuses to delete what other texts still link to, naming the links (the admin shows
    them as protected objects on its delete confirmation page)."""

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        protected = list(protected)
        for obj in objs:
            protected.extend(describe_links(obj.links_in_the_way()))
        return deleted, counts, perms_needed, protected


class QuietErrorList(ErrorList):
    """An error list that renders nothing, without a template, when it is empty. The admin
    prints every field's errors; Django renders its template even for none, and a cell's
    form of 40 entries rendered it 1,000 times a request for empty strings."""

    def render(self, template_name=None, context=None, renderer=None):
        if not self.data:
            return SafeString("")
        return super().render(template_name, context, renderer)


class ProtectLinkedInlineFormSet(BaseInlineFormSet):
    """The same for inline rows ticked for deletion (a bite section, an entry…)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("error_class", QuietErrorList)
        super().__init__(*args, **kwargs)

    def clean(self):
        super().clean()
        problems = []
        for form in self.deleted_forms:
            if form.instance.pk:
                problems.extend(describe_links(form.instance.links_in_the_way()))
        if problems:
            raise ValidationError(
                [f"Cannot delete: {p}; change that link first." for p in problems]
            )


class RegistryAdmin(admin.ModelAdmin):
    """The registries are derived from content when it is saved: read them, never edit them."""

    list_per_page = 100

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Anchor)
class AnchorAdmin(RegistryAdmin):
    """Every place a link can point to, for editors looking up an anchor name."""

    list_display = ("page", "name", "label", "public")
    list_filter = ("public",)
    search_fields = ("page", "name", "label")


@admin.register(Link)
class LinkAdmin(RegistryAdmin):
    """What links where: search a target (doc:slug, cell:alcohol/E4#about) to see its links."""

    list_display = ("target", "label", "page")
    search_fields = ("target", "label")
