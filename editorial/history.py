"""Comparing two revisions of an object field by field, with a readable diff of texts.

Revisions are django-reversion's: one revision holds a version of the object and of every
row it follows (a cell's entries and bite sections, a document's authors and sections…).
"""

import difflib
import re
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import mark_safe

from markup.texts import normalise_text

WORD_RE = re.compile(r"\s+|[^\s]+")
HIDDEN_FIELDS = {"id", "created", "updated"}


def word_diff(old, new):
    """HTML of ``new`` against ``old``, word by word: removals struck, additions marked."""
    old_words, new_words = WORD_RE.findall(old or ""), WORD_RE.findall(new or "")
    parts = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape("".join(old_words[a1:a2])))
            continue
        if op in ("delete", "replace"):
            parts.append(f"<del>{escape(''.join(old_words[a1:a2]))}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{escape(''.join(new_words[b1:b2]))}</ins>")
    return mark_safe("".join(parts))


@dataclass
class FieldChange:
    name: str
    old: object
    new: object

    @property
    def diff(self):
        if isinstance(self.old, str) or isinstance(self.new, str):
            return word_diff(str(self.old or ""), str(self.new or ""))
        return mark_safe(
            f"<del>{escape(self.old if self.old not in (None, '') else '—')}</del> → "
            f"<ins>{escape(self.new if self.new not in (None, '') else '—')}</ins>"
        )


@dataclass
class RowChange:
    label: str
    state: str  # "added", "removed", "changed"
    fields: list = field(default_factory=list)


@dataclass
class Comparison:
    fields: list  # FieldChange of the object itself
    groups: dict  # related model's plural name -> [RowChange]

    @property
    def unchanged(self):
        return not self.fields and not any(self.groups.values())


def _fields(model, values):
    shown = {}
    for f in model._meta.concrete_fields:
        if f.name in HIDDEN_FIELDS or f.primary_key or not f.editable:
            continue
        shown[str(f.verbose_name)] = values.get(f.attname)
    return shown


def _stored(value):
    # A revision saved before texts had one rule may hold CRLF or a trailing newline.
    return normalise_text(value) if isinstance(value, str) else value


def _changes(model, old, new):
    old, new = _fields(model, old), _fields(model, new)
    return [
        FieldChange(name, old.get(name), new.get(name))
        for name in new
        if _stored(old.get(name)) != _stored(new.get(name))
    ]


def _related(version, main_key):
    rows = {}
    for other in version.revision.version_set.all():
        key = (other.content_type_id, other.object_id)
        if key != main_key:
            rows[key] = other
    return rows


def compare(old_version, new_version):
    """What changed from ``old_version`` to ``new_version`` of the same object."""
    model = new_version._model
    main_key = (new_version.content_type_id, new_version.object_id)
    comparison = Comparison(
        fields=_changes(model, old_version.field_dict, new_version.field_dict), groups={}
    )
    before, after = _related(old_version, main_key), _related(new_version, main_key)
    for key in sorted(set(before) | set(after), key=lambda k: (k[0], str(k[1]))):
        old, new = before.get(key), after.get(key)
        version = new or old
        related_model = version._model
        if related_model is None:
            continue
        group = comparison.groups.setdefault(str(related_model._meta.verbose_name_plural), [])
        if old is None:
            group.append(RowChange(new.object_repr, "added"))
        elif new is None:
            group.append(RowChange(old.object_repr, "removed"))
        else:
            changes = _changes(related_model, old.field_dict, new.field_dict)
            if changes:
                group.append(RowChange(new.object_repr, "changed", changes))
    comparison.groups = {name: rows for name, rows in comparison.groups.items() if rows}
    return comparison
