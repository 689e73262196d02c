"""``EditorialAdmin``: the base admin of every content model, composed of the mixins for
stale saves, preview and history, with the form's own fields and the save itself."""

from django.utils import timezone
from reversion.admin import VersionAdmin

from .. import services
from ..models import Change
from ..visibility import Workflow
from .forms import EditorialForm
from .history import HistoryMixin
from .inlines import inline_fk
from .preview import PreviewMixin
from .stale import StaleSaveMixin


class EditorialAdmin(StaleSaveMixin, PreviewMixin, HistoryMixin, VersionAdmin):
    """Base admin for content: history, stale-save protection, hiding confirmed, preview."""

    form = EditorialForm
    change_form_template = "admin/editorial/change_form.html"

    # Forms.

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"editorial_admin": self, "editorial_request": request})

    OWN_FIELDS = ("edit_token", "change_note", "mark_revised", "revision_note")

    def get_fieldsets(self, request, obj=None):
        # Without declared fieldsets Django lists the form's fields, ours among them: take
        # them out, then put them where they belong.
        fieldsets = [
            (name, {**opts, "fields": [f for f in opts["fields"] if f not in self.OWN_FIELDS]})
            for name, opts in super().get_fieldsets(request, obj)
        ]
        own = ["change_note"]
        if obj is not None:
            if issubclass(self.model, Workflow):
                own += ["mark_revised", "revision_note"]
            (name, options), *rest = fieldsets
            fieldsets = [(name, {**options, "fields": [*options["fields"], "edit_token"]}), *rest]
        return [*fieldsets, ("This change", {"fields": own})]

    def inline_rows(self, request, obj, inline):
        """The rows of ``obj`` an inline shows (a big cell's entries: one page of them)."""
        fk = inline_fk(self.model, inline)
        return inline.get_queryset(request).filter(**{fk.name: obj})

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if obj is not None and obj.pk:
            kwargs["queryset"] = self.inline_rows(request, obj, inline)
        return kwargs

    # Saving: the history's note, the revision readers see, and who acts.

    def save_model(self, request, obj, form, change):
        request.editorial_note = form.cleaned_data.get("change_note", "")
        if form.cleaned_data.get("mark_revised"):
            obj.last_revised = timezone.localdate()
        # Written in save_related, which has the inlines too: the write path is one call.

    def save_related(self, request, form, formsets, change):
        obj = form.instance
        revised = bool(form.cleaned_data.get("mark_revised"))
        services.save_content(
            obj,
            formsets,
            editor=request.user,
            note=obj.revision_note if revised else "",
            revised=revised,
            bite=revised and self.revision_touches_bite(obj, formsets),
            save_m2m=form.save_m2m,
            validated=True,  # the form's clean() has rendered and checked the markup
        )
        restore = getattr(request, "editorial_restore", None)
        if restore is not None:
            self.finish_restore(obj, restore)
        elif not revised and "revision_note" in form.changed_data:
            # The note of the last revision corrected: readers read it in the archive too.
            last = Change.objects.about(obj).filter(kind=Change.Kind.REVISED).first()
            if last is not None:
                Change.objects.filter(pk=last.pk).update(note=obj.revision_note)

    def delete_model(self, request, obj):
        services.delete_content(obj, editor=request.user)

    def revision_touches_bite(self, obj, formsets):
        """Whether this save changed the part of the object that is its Matrix Bite."""
        return False
