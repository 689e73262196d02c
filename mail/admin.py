"""Outgoing mail in the admin: what was sent to whom and why anything failed, reading it (in
development, the sent mail is also in the folder EMAIL_FILE_PATH names), queueing failed
messages again, and the undeliverable addresses, whose suppression editors may lift."""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse

from . import registry, services
from .models import LiftedSuppression, Mailing, OutboxMessage, Undeliverable


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.action(
    description="Send the selected failed or waiting messages again now", permissions=["retry"]
)
def queue_again(modeladmin, request, queryset):
    queued, left = services.queue_again(queryset)
    modeladmin.message_user(request, f"{queued} message(s) queued to go now.")
    if left:
        modeladmin.message_user(
            request,
            f"{left} message(s) left as they were: their address is suppressed. Lift the "
            "suppression first (Undeliverable addresses).",
            messages.WARNING,
        )


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnly):
    actions = [queue_again]
    list_display = (
        "pk",
        "kind",
        "to_email",
        "status",
        "failure",
        "attempts",
        "sent_at",
        "mailing",
    )
    list_filter = ("status", "failure", "kind")
    search_fields = ("to_email", "message_id")
    fields = [
        "kind", "to_email", "status", "failure", "last_error", "attempts", "message_id",
        "next_attempt_at", "sent_at",
    ]  # fmt: skip
    change_form_template = "admin/mail/outboxmessage/change_form.html"

    def has_retry_permission(self, request):
        return request.user.has_perm("mail.retry_outboxmessage")

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


class LiftForm(forms.Form):
    why = forms.CharField(
        label="Why lift it",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept with who lifted it and when (Lifted suppressions).",
    )
    requeue = forms.BooleanField(
        label="Queue again the messages that failed because of it", required=False, initial=True
    )


@admin.action(description="Lift the suppression of the selected addresses…", permissions=["lift"])
def lift_suppression(modeladmin, request, queryset):
    form = LiftForm(request.POST if "lift" in request.POST else None)
    if form.is_valid():
        lifted, queued = services.lift(
            queryset, request.user, form.cleaned_data["why"], requeue=form.cleaned_data["requeue"]
        )
        modeladmin.message_user(
            request, f"Lifted {lifted} suppression(s); {queued} message(s) queued again."
        )
        return None
    addresses = [
        (suppression, services.failed_by_suppression(suppression.email).count())
        for suppression in queryset.order_by("email")
    ]
    return TemplateResponse(
        request,
        "admin/mail/undeliverable/lift.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": "Lift the suppression",
            "addresses": addresses,
            "form": form,
            "opts": modeladmin.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        },
    )


@admin.register(Undeliverable)
class UndeliverableAdmin(admin.ModelAdmin):
    """Lifting is the only way off the list, so a record of it is always kept."""

    actions = [lift_suppression]
    list_display = ("email", "reason", "at")
    search_fields = ("email",)
    fields = ("email", "reason", "at")
    readonly_fields = ("at",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_lift_permission(self, request):
        return request.user.has_perm("mail.lift_undeliverable")


@admin.register(LiftedSuppression)
class LiftedSuppressionAdmin(ReadOnly):
    list_display = ("email", "lifted_at", "lifted_by", "why", "reason", "requeued")
    search_fields = ("email",)
    fields = ("email", "reason", "suppressed_at", "lifted_at", "lifted_by", "why", "requeued")

    def has_delete_permission(self, request, obj=None):
        return False
