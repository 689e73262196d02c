"""Which foreign key ties an inline's rows to the object its form edits."""

from functools import cache

from django.forms.models import inlineformset_factory


@cache
def _fk(parent_model, model, fk_name):
    # The public way to ask Django which key it would use (the same rules, the same errors
    # as the inline's own formset); a model pair never changes its key, so ask once.
    return inlineformset_factory(parent_model, model, fields=(), fk_name=fk_name).fk


def inline_fk(parent_model, inline):
    """The foreign key from ``inline``'s model to ``parent_model``."""
    return _fk(parent_model, inline.model, inline.fk_name)
