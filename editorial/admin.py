"""The admin's protection of editors' work, shared by every content model's admin.

- **Every change is a revision** (django-reversion): who, when, and the editor's note. Any two
  revisions can be compared field by field, any revision restored (through the same
  validation as a save), and a deleted object recovered.
- **Stale saves are caught.** The change form carries a fingerprint of what it showed (each
  field, each inline row). If the object changed since, the save is refused, saying who
  changed what and when, and everything typed stays in the form; the next save goes through.
  A save locks the row before loading it, so this holds for two saves at the same instant;
  a restore is checked against the live version the same way.
- **Hiding is confirmed.** Making a document or cell that readers see somewhere a draft lists
  every place that will stop showing it, and needs a tick to go ahead; restoring a draft
  revision of it too.
- **Revisions readers see.** Ticking "Readers should know about this change" moves "Last
  revised" and shows the note for readers (``revision_note``, which it needs) on the page;
  it goes into the "what changed" record. The note for the history never leaves the admin.
"""

import base64
import copy
import hashlib
import json
import zlib
from datetime import UTC, datetime

from django import forms
from django.contrib import messages
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import quote, unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.signals import pre_delete
from django.forms.models import _get_foreign_key
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from reversion import set_comment
from reversion.admin import VersionAdmin
from reversion.models import Version

from . import places, services
from .history import compare
from .models import Change
from .refreshers import Write, refresh
from .visibility import Publishable, Workflow

CONFIRM_HIDE = "_confirm_hide"


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


class EditorialForm(forms.ModelForm):
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
        admin_ = self.editorial_admin
        if restore is not None:
            # A restore overwrites the live version: it is stale if that changed since the
            # restore form was opened. (Nothing to compare when recovering a deleted object.)
            now_parts = restore.get("current_parts")
            if now_parts is None:
                return
            if not self.is_bound and self.public_before and not instance.is_public:
                self.hide_places = places.places(instance)
        else:
            # The instance was loaded after its row was locked (EditorialAdmin.get_object), so
            # this is the version the save will overwrite.
            now_parts = admin_.edit_snapshot(request, instance)
        current = encode_token(timezone.now().timestamp(), now_parts)
        self.fields["edit_token"].initial = current
        if not self.is_bound:
            return
        posted = decode_token(self.data.get(self.add_prefix("edit_token"), ""))
        if posted is not None and posted[1] != now_parts:
            self.stale_message = admin_.describe_stale_save(
                request, instance, opened_at=posted[0], before=posted[1], now=now_parts
            )
            # The form is shown again with what was typed; from now on it knows the current
            # version, so the editor's next save (after merging) goes through.
            self.data = self.data.copy()
            self.data[self.add_prefix("edit_token")] = current

    @cached_property
    def changed_data(self):
        # What the history records as changed: the object's own fields, never this form's
        # (the fingerprint, the note, the tick).
        stored = {f.name for f in self._meta.model._meta.get_fields()}
        return [name for name in super().changed_data if name in stored]

    def clean(self):
        cleaned = super().clean()
        if self.stale_message:
            raise ValidationError(self.stale_message, code="stale")
        if cleaned.get("mark_revised"):
            self.check_reader_note(cleaned.get("revision_note", "").strip())
        if self.public_before and not self.data.get(CONFIRM_HIDE):
            probe = copy.copy(self.instance)
            for name in self.instance.visibility_fields:
                if name in cleaned:
                    setattr(probe, name, cleaned[name])
            if not probe.is_public:
                self.hide_places = places.places(self.instance)
                if self.hide_places:
                    raise ValidationError(
                        f"Readers see this {self.instance._meta.verbose_name} in "
                        f"{len(self.hide_places)} place(s), listed above, which will stop "
                        "showing it. Tick “Hide it from readers” and save again to go ahead.",
                        code="confirm_hide",
                    )
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


class EditorialAdmin(VersionAdmin):
    """Base admin for content: history, stale-save protection, hiding confirmed."""

    form = EditorialForm
    change_form_template = "admin/editorial/change_form.html"
    object_history_template = "admin/editorial/object_history.html"
    revision_form_template = "admin/editorial/revision_form.html"
    recover_form_template = "admin/editorial/recover_form.html"
    history_latest_first = True

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
        fk = _get_foreign_key(self.model, inline.model, fk_name=inline.fk_name)
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

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        self._set_note(request, entry)
        return entry

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        self._set_note(request, entry)
        return entry

    def _set_note(self, request, entry):
        note = getattr(request, "editorial_note", "")
        if note:
            set_comment(f"{note}\n{entry.get_change_message()}".strip())

    # Stale saves.

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
            fk = _get_foreign_key(self.model, inline.model, fk_name=inline.fk_name)
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

    # History: compare any two revisions, restore any one.

    def get_urls(self):
        opts = self.model._meta
        info = f"{opts.app_label}_{opts.model_name}"
        view = self.admin_site.admin_view
        urls = [
            path(
                "<path:object_id>/history/compare/",
                view(self.compare_view),
                name=f"{info}_compare",
            )
        ]
        if self.preview:
            urls += [
                path("preview/", view(self.preview_view), name=f"{info}_preview_new"),
                path("<path:object_id>/preview/", view(self.preview_view), name=f"{info}_preview"),
            ]
        return [*urls, *super().get_urls()]

    # Preview: the unsaved form as readers will see it.

    preview = False  # admins of models with a page of their own set this

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if self.preview:
            opts = self.model._meta
            name = f"admin:{opts.app_label}_{opts.model_name}_preview"
            url = reverse(name, args=[object_id]) if object_id else reverse(f"{name}_new")
            extra_context = {"preview_url": url, **(extra_context or {})}
        return super().changeform_view(request, object_id, form_url, extra_context)

    def preview_view(self, request, object_id=None):
        """Render the page from the posted, unsaved form, then undo everything.

        The change is saved inside a transaction that is always rolled back, published for
        the moment so the page shows as readers will see it, and the public view renders it
        for an anonymous reader. Markup errors are listed above the page; links that do not
        resolve show as plain text, as they would to readers; rows the page leaves out (the
        model's ``left_out_for_readers()``: entries whose document is a draft) are named.
        """
        if request.method != "POST":
            return redirect(request.path.rsplit("preview/", 1)[0] or "../")
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        if object_id and obj is None:
            raise PermissionDenied
        if not (
            self.has_change_permission(request, obj) if obj else self.has_add_permission(request)
        ):
            raise PermissionDenied
        request.editorial_preview = True
        from .preview import render_for_readers

        fieldsets = self.get_fieldsets(request, obj)
        ModelForm = self.get_form(
            request,
            obj,
            change=obj is not None,
            fields=[f for _, o in fieldsets for f in o["fields"]],
        )
        html, errors, left_out = None, [], []
        with transaction.atomic():  # rolled back: nothing it writes or records stays
            form = ModelForm(request.POST, request.FILES, instance=obj)
            formsets, _ = self._create_formsets(request, form.instance, change=obj is not None)
            form.is_valid()
            errors += _errors_of(form)
            for formset in formsets:
                formset.is_valid()
                for inline_form in formset.forms:
                    errors += _errors_of(inline_form)
                errors += [str(e) for e in formset.non_form_errors()]
            try:
                saved = self.save_for_preview(form, formsets)
                html = render_for_readers(saved)
                if hasattr(saved, "left_out_for_readers"):
                    left_out = saved.left_out_for_readers()
            except Exception as exc:  # noqa: BLE001 - anything unsaveable is reported, not raised
                errors.append(f"The preview could not be drawn from this form: {exc}")
            transaction.set_rollback(True)
        context = {"page_html": html, "errors": list(dict.fromkeys(errors)), "left_out": left_out}
        return TemplateResponse(
            request, "admin/editorial/preview.html", {**context, "opts": self.model._meta}
        )

    def save_for_preview(self, form, formsets):
        """Save what the form holds (inside the preview's rolled-back transaction)."""
        obj = form.instance
        if isinstance(obj, Workflow):
            obj.status = Workflow.Status.PUBLISHED
        if hasattr(obj, "slug") and not obj.slug:
            obj.slug = "preview"
        obj.save()
        if hasattr(form, "save_m2m") and form.is_valid():
            form.save_m2m()
        for formset in formsets:
            for inline_form in formset.forms:
                if not inline_form.has_changed() and not inline_form.instance.pk:
                    continue
                if inline_form in getattr(formset, "deleted_forms", []):
                    if inline_form.instance.pk:
                        inline_form.instance.delete()
                    continue
                if inline_form.is_valid():
                    instance = inline_form.save(commit=False)
                    setattr(instance, formset.fk.name, obj)
                    instance.save()
        return type(obj)._default_manager.get(pk=obj.pk)

    def versions_of(self, object_id):
        return (
            Version.objects.get_for_object_reference(self.model, object_id)
            .select_related("revision", "revision__user")
            .order_by("-revision__date_created", "-pk")
        )

    def history_view(self, request, object_id, extra_context=None):
        versions = list(self.versions_of(unquote(object_id)))
        opts = self.model._meta
        context = {
            "versions": versions,
            "compare_url": reverse(
                f"admin:{opts.app_label}_{opts.model_name}_compare", args=[quote(object_id)]
            ),
        }
        context.update(extra_context or {})
        return super().history_view(request, object_id, context)

    def compare_view(self, request, object_id):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        object_id = unquote(object_id)
        versions = self.versions_of(object_id)
        try:
            old = versions.get(pk=request.GET.get("old"))
            new = versions.get(pk=request.GET.get("new"))
        except (Version.DoesNotExist, ValueError):
            messages.error(request, "Choose two revisions of this item to compare.")
            return redirect(self._history_url(object_id))
        if old.revision.date_created > new.revision.date_created:
            old, new = new, old
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "opts": opts,
            "title": f"Compare two revisions of {new.object_repr}",
            "object_id": object_id,
            "object_repr": new.object_repr,
            "old": old,
            "new": new,
            "comparison": compare(old, new),
            "history_url": self._history_url(object_id),
        }
        return TemplateResponse(request, "admin/editorial/compare.html", context)

    def _history_url(self, object_id):
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[quote(object_id)])

    def revision_view(self, request, object_id, version_id, extra_context=None):
        object_id = unquote(object_id)
        version = get_object_or_404(Version, pk=version_id, object_id=object_id)
        # Reversion reverts the row and then runs the change form, all in one transaction:
        # lock the live row first, and fingerprint it as it was before the revert.
        with transaction.atomic():
            if request.method == "POST":
                self.lock_for_save(object_id)
            problems = restore_problems(version)
            if problems:
                messages.error(
                    request,
                    "This revision cannot be restored as it is, because restoring it would "
                    "break links: " + " ".join(problems),
                )
                return redirect(self._history_url(object_id))
            current = self.model._default_manager.filter(pk=object_id).first()
            request.editorial_restore = {
                "public_before": current.is_public if isinstance(current, Publishable) else None,
                "current_parts": self.edit_snapshot(request, current) if current else None,
                "version": version,
            }
            when = date_format(timezone.localtime(version.revision.date_created), "j F Y, H:i")
            context = {"restore_when": when, **(extra_context or {})}
            return super().revision_view(request, quote(object_id), version_id, context)

    def recover_view(self, request, version_id, extra_context=None):
        version = get_object_or_404(Version, pk=version_id)
        problems = restore_problems(version)
        if problems:
            messages.error(request, "Recovering this would break links: " + " ".join(problems))
            opts = self.model._meta
            return redirect(f"admin:{opts.app_label}_{opts.model_name}_recoverlist")
        request.editorial_restore = {"public_before": None, "version": version}
        return super().recover_view(request, version_id, extra_context)

    def finish_restore(self, obj, restore):
        """Django-reversion restores rows as they were stored; let each finish itself (texts
        rendered again, anchors and links registered), and say if readers now see it."""
        for version in restore["version"].revision.version_set.all():
            restored = version.object
            if hasattr(restored, "after_restore"):
                restored.after_restore()
        if isinstance(obj, Publishable):
            obj.refresh_from_db()
            if restore["public_before"] != obj.is_public:
                refresh(
                    [
                        Write(
                            obj,
                            created=restore["public_before"] is None,
                            public_before=restore["public_before"],
                            public_after=obj.is_public,
                        )
                    ]
                )


def _errors_of(form):
    return [
        f"{form.fields[name].label or name}: {message}" if name in form.fields else str(message)
        for name, messages_ in form.errors.items()
        for message in messages_
    ]


def restore_problems(version):
    """What restoring ``version``'s revision would break, found by trying it and rolling back.

    Models say for themselves (``deletion_problems()``, ``restore_problems()``): texts whose
    links would no longer resolve, rows it would delete or passages it would drop that other
    texts link to.
    """
    problems = []

    def deleting(sender, instance, **kwargs):
        if hasattr(instance, "deletion_problems"):
            problems.extend(instance.deletion_problems())

    with transaction.atomic():
        pre_delete.connect(deleting)
        try:
            version.revision.revert(delete=True)
        finally:
            pre_delete.disconnect(deleting)
        for restored in version.revision.version_set.all():
            obj = restored.object
            if hasattr(obj, "restore_problems"):
                problems.extend(obj.restore_problems())
        transaction.set_rollback(True)
    return list(dict.fromkeys(problems))
