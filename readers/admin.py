"""Editors run bulletins here: gathered from the "what changed" record, an introduction to
write, a preview as any reader would get it, a test to themselves, then schedule or send."""

from urllib.parse import quote

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from mail.registry import kind as mail_kind
from mail.sending import queue

from . import bulletins, schedules
from .models import Bulletin, BulletinSchedule, Subscriber
from .tasks import send_bulletin


@admin.register(BulletinSchedule)
class BulletinScheduleAdmin(admin.ModelAdmin):
    """When the weekly and monthly bulletins go by themselves; pause to stop them."""

    list_display = ("__str__", "when", "notice_hours", "paused", "next_prepared")
    fields = ["weekday", "day_of_month", "time", "notice_hours", "paused"]

    def has_add_permission(self, request):
        return False  # one weekly, one monthly

    def has_delete_permission(self, request, obj=None):
        return False  # pause it instead

    def get_fields(self, request, obj=None):
        if obj is not None:
            day = "weekday" if obj.frequency == "weekly" else "day_of_month"
            return [day, "time", "notice_hours", "paused"]
        return self.fields

    @admin.display(description="Goes")
    def when(self, schedule):
        if schedule.frequency == "weekly":
            day = f"every {schedule.get_weekday_display()}"
        else:
            day = f"on day {schedule.day_of_month} of each month"
        return f"{day} at {schedule.time:%H:%M}"

    @admin.display(description="Next, prepared")
    def next_prepared(self, schedule):
        bulletin = schedule.bulletins.filter(status=Bulletin.Status.SCHEDULED).first()
        if bulletin is None:
            return "Paused." if schedule.paused else "Not prepared yet."
        url = reverse("admin:readers_bulletin_change", args=[bulletin.pk])
        return format_html('<a href="{}">{}</a>', url, bulletin.title)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.paused:
            held = schedules.hold_prepared(obj)
            if held:
                messages.info(request, "The bulletin it had prepared is held, as a draft.")
        schedules.plan(obj.frequency, force=True)


class BulletinForm(forms.ModelForm):
    class Meta:
        model = Bulletin
        fields = ["frequency", "title", "introduction", "send_at"]


@admin.register(Bulletin)
class BulletinAdmin(admin.ModelAdmin):
    form = BulletinForm
    list_display = ("title", "frequency", "status", "period_end", "sent_at", "recipients")
    list_filter = ("status", "frequency")
    readonly_fields = ("status", "period_start", "period_end", "covers", "sent_at", "recipients")
    change_form_template = "admin/readers/bulletin/change_form.html"

    def get_changeform_initial_data(self, request):
        return {"title": bulletins.default_title("weekly")}

    def get_readonly_fields(self, request, obj=None):
        if obj and obj.status == Bulletin.Status.SCHEDULED and obj.schedule_id:
            # Prepared by its schedule: an introduction may be added before it goes.
            return [*self.readonly_fields, "frequency", "title", "send_at", "schedule"]
        if obj and obj.status != Bulletin.Status.DRAFT:
            return [*self.readonly_fields, "frequency", "title", "introduction", "send_at"]
        return self.readonly_fields

    @admin.display(description="What it covers")
    def covers(self, bulletin):
        return f"{bulletin.changes.count()} change(s)" if bulletin.pk else "—"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if obj.status == Bulletin.Status.DRAFT:
            bulletins.gather(obj)  # what changed since the last one, up to now

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/preview/", view(self.preview_view), name="readers_bulletin_preview"),
            path("<int:pk>/act/", view(self.act_view), name="readers_bulletin_act"),
            *super().get_urls(),
        ]

    def preview_view(self, request, pk):
        """The bulletin as one reader would get it (or the news that they would get none).

        Posted from the change form (its Preview button), it shows what the form holds: the
        form is saved inside a transaction that is always rolled back, so nothing is kept."""
        bulletin = get_object_or_404(Bulletin, pk=pk)
        data = request.POST if request.method == "POST" else request.GET
        email = data.get("subscriber", "").strip().lower()
        errors, typed = [], False
        with transaction.atomic():
            if bulletin.status == Bulletin.Status.SCHEDULED and bulletin.period_end is None:
                bulletin = bulletins.gather(bulletin)  # as it would go now (rolled back below)
            if request.method == "POST" and bulletin.status == Bulletin.Status.DRAFT:
                if not self.has_change_permission(request, bulletin):
                    raise PermissionDenied
                form = BulletinForm(request.POST, instance=Bulletin.objects.get(pk=pk))
                typed = form.is_valid()
                if typed:  # as saving it would: its frequency's changes up to now
                    bulletin = bulletins.gather(form.save())
                errors = [f"{name}: {e}" for name, found in form.errors.items() for e in found]
            content, note = self.render_preview(bulletin, email)
            transaction.set_rollback(True)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Preview: {bulletin.title}",
            "bulletin": bulletin,
            "content": content,
            "note": note,
            "email": email,
            "typed": typed,
            "errors": errors,
        }
        return TemplateResponse(request, "admin/readers/bulletin/preview.html", context)

    def render_preview(self, bulletin, email):
        """(content or None, who it is shown as) for the reader with ``email``, or any."""
        subscriber = Subscriber.objects.filter(email=email).first() if email else None
        changes = bulletins.covered(bulletin)
        if subscriber is None:
            selected = [c.pk for c in changes]
            note = "As a reader who follows everything would get it."
        else:
            scope = Subscriber.objects.filter(pk=subscriber.pk)
            found = list(bulletins.selections(scope, changes))
            selected = found[0][3] if found else []
            note = f"As {subscriber.email} would get it ({subscriber.get_frequency_display()})."
        if not selected:
            return None, note
        content = mail_kind("readers.bulletin").render(
            {"bulletin": bulletin.pk, "changes": selected}
        )
        return content, note

    def act_view(self, request, pk):
        if request.method != "POST" or not self.has_change_permission(request):
            raise PermissionDenied
        bulletin = get_object_or_404(Bulletin, pk=pk)
        action = request.POST.get("action")
        back = reverse("admin:readers_bulletin_change", args=[pk])
        if action == "hold" and bulletin.status == Bulletin.Status.SCHEDULED:
            schedules.hold(bulletin)
            messages.success(
                request, "Held: it will not go by itself. It is a draft now; send it when ready."
            )
        elif bulletin.status != Bulletin.Status.DRAFT and action != "test":
            messages.error(request, "This bulletin has already been scheduled or sent.")
        elif action == "gather":
            bulletins.gather(bulletin)
            messages.success(request, f"Gathered {bulletin.changes.count()} change(s).")
        elif action == "test":
            if not request.user.email:
                where = reverse("admin:own_email") + "?next=" + quote(back)
                messages.error(
                    request,
                    format_html(
                        'Your account has no email address to send a test to: <a href="{}">'
                        "add your email address</a>, then send the test again.",
                        where,
                    ),
                )
            else:
                changes = [c.pk for c in bulletins.covered(bulletin)]
                queue(
                    "readers.bulletin",
                    request.user.email,
                    {"bulletin": bulletin.pk, "changes": changes},
                    recipient="0:test",
                )
                messages.success(request, f"A test is on its way to {request.user.email}.")
        elif action == "schedule":
            if not bulletin.send_at or bulletin.send_at <= timezone.now():
                messages.error(request, "Set a sending time in the future, save, then schedule.")
            else:
                Bulletin.objects.filter(pk=pk).update(status=Bulletin.Status.SCHEDULED)
                send_bulletin.using(run_after=bulletin.send_at).enqueue(bulletin.pk)
                messages.success(request, f"Scheduled for {bulletin.send_at:%d %B %Y, %H:%M}.")
        elif action == "send":
            count = bulletins.send(bulletin)
            messages.success(request, f"Sending to {count} reader(s).")
        return redirect(back)


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ("email", "confirmed_at", "frequency", "everything", "paused")
    list_filter = ("frequency", "paused", "everything")
    search_fields = ("email",)
    fields = ["email", "confirmed_at", "frequency", "everything", "paused", "created"]
    readonly_fields = ["created"]
