"""Hiding is confirmed: a save (or a restore) that stops readers seeing a document or cell
lists every place that will stop showing it, and goes ahead only with a tick."""

import copy

from django.core.exceptions import ValidationError

from .. import places

CONFIRM_HIDE = "_confirm_hide"  # the tick's name in the change form's template


class HideConfirmationFormMixin:
    """The form's side; ``public_before`` says whether readers see the object now."""

    def list_places_restored_hidden(self):
        """A restore form, as first shown, names the places a draft revision would empty."""
        instance = self.instance
        if not self.is_bound and self.public_before and not instance.is_public:
            self.hide_places = places.places(instance)

    def clean_hiding(self, cleaned):
        if not self.public_before or self.data.get(CONFIRM_HIDE):
            return
        probe = copy.copy(self.instance)
        for name in self.instance.visibility_fields:
            if name in cleaned:
                setattr(probe, name, cleaned[name])
        if probe.is_public:
            return
        self.hide_places = places.places(self.instance)
        if self.hide_places:
            raise ValidationError(
                f"Readers see this {self.instance._meta.verbose_name} in "
                f"{len(self.hide_places)} place(s), listed above, which will stop "
                "showing it. Tick “Hide it from readers” and save again to go ahead.",
                code="confirm_hide",
            )
