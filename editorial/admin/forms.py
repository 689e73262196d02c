"""The change form every content model's admin uses (``EditorialAdmin.form``)."""

from django import forms
from django.utils.formats import date_format
from django.utils.functional import cached_property

from markup.admin import QuietErrorList

from ..visibility import Publishable, Workflow
from .hiding import HideConfirmationFormMixin
from .stale import StaleSaveFormMixin


class EditorialForm(HideConfirmationFormMixin, StaleSaveFormMixin, forms.ModelForm):
    """The change form's own fields: the fingerprint of what it showed, this change's note
    for the history (editors only), and for documents and cells whether readers should know
    of it, with the note they will read (the model's ``revision_note``)."""

    edit_token = forms.CharField(widget=forms.HiddenInput, required=False)
    change_note = forms.CharField(
        label="Note for the history (editors only)",
        required=False,
        max_length=300,
        help_text=(
            "What you changed and why, kept with this revision in the history. Readers never "
            "see it."
        ),
    )
    mark_revised = forms.BooleanField(
        label="Readers should know about this change",
        required=False,
        help_text=(
            "Moves “Last revised” to today and shows the note for readers below on the page, "
            "e.g. “Revised 3 March 2027: added the 2026 trial”. Followers hear of it in their "
            "bulletin."
        ),
    )
    READER_NOTE = {
        "label": "Note for readers (public)",
        "help_text": (
            "Readers see this note: on the page, after “Revised” and the date, and in their "
            "bulletins. Needed when “Readers should know” is ticked: say what this revision "
            "changed for them."
        ),
    }

    editorial_admin = None  # set by EditorialAdmin.get_form
    editorial_request = None

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("error_class", QuietErrorList)
        super().__init__(*args, **kwargs)
        self.stale_message = ""
        self.hide_places = []
        instance = self.instance
        if "revision_note" in self.fields:
            for name, value in self.READER_NOTE.items():
                setattr(self.fields["revision_note"], name, value)
        elif "mark_revised" in self.fields:
            del self.fields["mark_revised"]  # a revision needs the note readers will see
        if "mark_revised" in self.fields and not (instance.pk and isinstance(instance, Workflow)):
            del self.fields["mark_revised"]
        request = self.editorial_request
        restore = getattr(request, "editorial_restore", None)
        if restore is not None:
            # The instance already holds the revision being restored: what readers see now is
            # what the live row showed before it.
            self.public_before = restore["public_before"]
        else:
            self.public_before = (
                instance.is_public if instance.pk and isinstance(instance, Publishable) else None
            )
        if not instance.pk or self.editorial_admin is None:
            return
        if restore is not None:
            # A restore overwrites the live version: it is stale if that changed since the
            # restore form was opened. (Nothing to compare when recovering a deleted object.)
            now_parts = restore.get("current_parts")
            if now_parts is None:
                return
            self.list_places_restored_hidden()
        else:
            # The instance was loaded after its row was locked (EditorialAdmin.get_object), so
            # this is the version the save will overwrite.
            now_parts = self.editorial_admin.edit_snapshot(request, instance)
        self.check_stale(now_parts)

    @cached_property
    def changed_data(self):
        # What the history records as changed: the object's own fields, never this form's
        # (the fingerprint, the note, the tick).
        stored = {f.name for f in self._meta.model._meta.get_fields()}
        return [name for name in super().changed_data if name in stored]

    def clean(self):
        cleaned = super().clean()
        self.clean_stale()
        if cleaned.get("mark_revised"):
            self.check_reader_note(cleaned.get("revision_note", "").strip())
        self.clean_hiding(cleaned)
        return cleaned

    def check_reader_note(self, note):
        """A marked revision needs its own note for readers: never the history's, never the
        last revision's left in place."""
        if not note:
            self.add_error(
                "revision_note",
                "Say in a few words what changed: readers will see this note. (The note for "
                "the history is for editors only.)",
            )
        elif "revision_note" not in self.changed_data and self.instance.last_revised:
            when = date_format(self.instance.last_revised, "j F Y")
            self.add_error(
                "revision_note",
                f"This is still the note of the revision of {when}: say what this change "
                "does for readers.",
            )
