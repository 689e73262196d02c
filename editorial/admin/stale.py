"""Stale saves: the change form's fingerprint of what it showed, checked under a row lock.

The form carries an edit token (when it was opened, and a digest of each field and inline
row). A save locks the row, loads it, and compares: if someone saved since, the save is
refused with who changed what and when, and the form keeps what was typed.
"""

import base64
import hashlib
import json
import zlib
from datetime import UTC, datetime

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from .inlines import inline_fk


def _digest(value):
    return hashlib.sha1(repr(value).encode()).hexdigest()[:10]


def _row_values(obj, exclude=()):
    return [
        f.value_from_object(obj)
        for f in obj._meta.concrete_fields
        if f.editable and not f.primary_key and f.name not in exclude
    ]


def encode_token(opened_at, parts):
    raw = json.dumps({"at": opened_at, "parts": parts}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(zlib.compress(raw)).decode()


def decode_token(token):
    try:
        data = json.loads(zlib.decompress(base64.urlsafe_b64decode(token.encode())))
        return float(data["at"]), dict(data["parts"])
    except (ValueError, TypeError, KeyError, zlib.error):
        return None


class StaleSaveFormMixin:
    """The form's side: set the token it shows, refuse a posted token that is out of date.

    Needs an ``edit_token`` field (declared on the form) and ``editorial_admin``."""

    def check_stale(self, now_parts):
        """Show the current fingerprint; if the posted one differs, keep why for ``clean``."""
        current = encode_token(timezone.now().timestamp(), now_parts)
        self.fields["edit_token"].initial = current
        if not self.is_bound:
            return
        posted = decode_token(self.data.get(self.add_prefix("edit_token"), ""))
        if posted is not None and posted[1] != now_parts:
            self.stale_message = self.editorial_admin.describe_stale_save(
                self.editorial_request,
                self.instance,
                opened_at=posted[0],
                before=posted[1],
                now=now_parts,
            )
            # The form is shown again with what was typed; from now on it knows the current
            # version, so the editor's next save (after merging) goes through.
            self.data = self.data.copy()
            self.data[self.add_prefix("edit_token")] = current

    def clean_stale(self):
        if self.stale_message:
            raise ValidationError(self.stale_message, code="stale")


class StaleSaveMixin:
    """The admin's side: lock before loading, fingerprint, and say what changed."""

    def get_object(self, request, object_id, from_field=None):
        # A save locks the row before loading it: the form then compares its fingerprint
        # with what no other save can still change.
        if request.method == "POST" and transaction.get_connection().in_atomic_block:
            self.lock_for_save(object_id, from_field)
        return super().get_object(request, object_id, from_field)

    def lock_for_save(self, object_id, from_field=None):
        """Hold the object's row, and first the rows of the forms that show it as an inline
        (an entry's cell), until the save commits. PostgreSQL; on SQLite every transaction
        takes the database's one write lock as it begins (``transaction_mode``)."""
        opts = self.model._meta
        field = opts.pk if from_field is None else opts.get_field(from_field)
        try:
            rows = self.model._base_manager.filter(**{field.name: field.to_python(object_id)})
        except (ValidationError, ValueError):
            return
        for owner in self.owner_fields():
            owners = owner.related_model._base_manager.filter(pk__in=rows.values(owner.attname))
            list(owners.select_for_update(no_key=True).values_list("pk", flat=True))
        list(rows.select_for_update(no_key=True).values_list("pk", flat=True))

    def owner_fields(self):
        """Foreign keys to the models whose change forms show this model as an inline."""
        owners = []
        for field in self.model._meta.concrete_fields:
            owner_admin = field.is_relation and self.admin_site._registry.get(field.related_model)
            if owner_admin and any(inline.model is self.model for inline in owner_admin.inlines):
                owners.append(field)
        return owners

    def edit_snapshot(self, request, obj):
        """{part: digest} of everything the change form shows: fields and inline rows."""
        parts = {}
        for f in obj._meta.concrete_fields:
            if f.editable and not f.primary_key:
                parts[f"field:{f.name}"] = _digest(f.value_from_object(obj))
        if hasattr(obj, "tags"):
            parts["field:tags"] = _digest(sorted(obj.tags.names()))
        for inline in self.get_inline_instances(request, obj):
            fk = inline_fk(self.model, inline)
            prefix = fk.remote_field.get_accessor_name(model=inline.model)
            for row in self.inline_rows(request, obj, inline):
                parts[f"{prefix}:{row.pk}"] = _digest(_row_values(row, exclude=[fk.name]))
        return parts

    def describe_stale_save(self, request, obj, *, opened_at, before, now):
        opts = obj._meta
        changed = [k for k in now if k in before and now[k] != before[k]]
        added = [k for k in now if k not in before]
        removed = [k for k in before if k not in now]
        what = []
        fields = [k.split(":", 1)[1] for k in changed if k.startswith("field:")]
        if fields:
            names = [str(opts.get_field(n).verbose_name) if n != "tags" else "tags" for n in fields]
            what.append("changed " + ", ".join(names))
        rows = {}
        for key, verb in (
            [(k, "changed") for k in changed if not k.startswith("field:")]
            + [(k, "added") for k in added]
            + [(k, "removed") for k in removed]
        ):
            prefix = key.split(":", 1)[0]
            rows[(prefix, verb)] = rows.get((prefix, verb), 0) + 1
        for (prefix, verb), count in rows.items():
            what.append(f"{count} {prefix.replace('_', ' ')} {verb}")
        who = self._last_saved_by(obj, opened_at)
        return (
            f"Someone else saved this {opts.verbose_name} after you opened it: {who}"
            f"{' ' + '; '.join(what) if what else ''}. Nothing you typed has been saved, and "
            "it is all still in the form below. Open this page in another tab to see the "
            "current version, merge their changes into yours, then save again."
        )

    def _last_saved_by(self, obj, opened_at):
        since = datetime.fromtimestamp(opened_at, tz=UTC)
        entry = (
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(obj),
                object_id=str(obj.pk),
                action_time__gt=since,
            )
            .select_related("user")
            .order_by("-action_time")
            .first()
        )
        if entry is None:
            return "it was changed outside this form;"
        when = date_format(timezone.localtime(entry.action_time), "H:i, j F Y")
        message = entry.get_change_message()
        return f"{entry.user.get_username()} at {when}{f' ({message})' if message else ''};"
