"""History: every change a revision with the editor's note; compare any two revisions,
restore any one through the change form (checked like a save), recover what was deleted."""

from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from reversion import set_comment
from reversion.models import Version

from ..history import compare
from ..refreshers import Write, refresh
from ..visibility import Publishable
from .restoring import restore_problems


class HistoryMixin:
    """For a ``reversion.admin.VersionAdmin``; the restore runs through the change form,
    whose stale-save check reads ``request.editorial_restore`` (``StaleSaveMixin``)."""

    object_history_template = "admin/editorial/object_history.html"
    revision_form_template = "admin/editorial/revision_form.html"
    recover_form_template = "admin/editorial/recover_form.html"
    history_latest_first = True

    def get_urls(self):
        opts = self.model._meta
        info = f"{opts.app_label}_{opts.model_name}"
        compare_url = path(
            "<path:object_id>/history/compare/",
            self.admin_site.admin_view(self.compare_view),
            name=f"{info}_compare",
        )
        return [compare_url, *super().get_urls()]

    # The history's note: what the editor typed, then what Django says changed.

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

    # Reading and comparing.

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

    # Restoring and recovering.

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
