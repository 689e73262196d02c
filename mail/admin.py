"""Outgoing mail in the admin: what was sent to whom, and reading it (in development, the
sent mail is also in the folder EMAIL_FILE_PATH names)."""

from django.contrib import admin

from . import registry
from .models import Mailing, OutboxMessage, Undeliverable


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnly):
    list_display = (
        "pk", "kind", "to_email", "status", "failure", "attempts", "sent_at", "mailing",
    )  # fmt: skip
    list_filter = ("status", "failure", "kind")
    search_fields = ("to_email", "message_id")
    fields = [
        "kind", "to_email", "status", "failure", "last_error", "attempts", "message_id",
        "next_attempt_at", "sent_at",
    ]  # fmt: skip
    change_form_template = "admin/mail/outboxmessage/change_form.html"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        message = self.get_object(request, object_id)
        if message is not None:
            kind = registry.kind(message.kind)
            content = kind.render(message.context)
            if kind.own:
                content = content.personalised(kind.own(message))
            extra_context = {"content": content, **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Mailing)
class MailingAdmin(ReadOnly):
    list_display = ("title", "kind", "created", "built")


@admin.register(Undeliverable)
class UndeliverableAdmin(admin.ModelAdmin):
    list_display = ("email", "reason", "at")
    search_fields = ("email",)
