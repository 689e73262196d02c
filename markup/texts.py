"""The one rule for stored text: line feeds only, and no blank space at either end.

Browsers send every line break in a text box as CRLF; Django's forms strip what is typed
but keep the CRs. Form posts are normalised as they arrive (``config.middleware``) and every
text an editor types is normalised again as it is saved, whatever wrote it (an import, a
restore, a script: ``MarkupOwner.save`` and the write path, ``editorial.refreshers``), so a
text saved untouched compares equal to what was stored.
"""

import re

from django.db import models

LINE_ENDINGS_RE = re.compile(r"\r\n?")


def normalise_line_endings(value):
    """CRLF and lone CR as LF."""
    return LINE_ENDINGS_RE.sub("\n", value)


def normalise_text(value):
    """``value`` as it is stored: LF line endings, stripped as Django's forms strip it (so
    no trailing newline)."""
    return normalise_line_endings(value).strip()


def normalise_text_fields(instance):
    """Apply the rule to every text field of ``instance`` an editor types (not stored HTML)."""
    for field in instance._meta.concrete_fields:
        if field.editable and isinstance(field, models.CharField | models.TextField):
            value = getattr(instance, field.attname)
            if isinstance(value, str):
                setattr(instance, field.attname, normalise_text(value))
