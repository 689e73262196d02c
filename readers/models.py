"""Readers who follow parts of the bank by email, and the bulletins sent to them.

A reader gives only an email address. They follow everything or any mix of matrices, rows,
columns, cells, hot topics, subjects and saved searches, as often as things happen, weekly
or monthly.
"""

import datetime
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from markup.models import MarkupOwner


def new_key():
    return secrets.token_urlsafe(16)


class SubscriberQuerySet(models.QuerySet):
    def receiving(self, frequency):
        """Confirmed, not paused, at this frequency, their address not known undeliverable."""
        from mail.models import Undeliverable

        return self.filter(confirmed_at__isnull=False, paused=False, frequency=frequency).exclude(
            email__in=Undeliverable.objects.values("email")
        )


class Subscriber(models.Model):
    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", "As it happens"
        WEEKLY = "weekly", "Weekly"
        MONTHLY = "monthly", "Monthly"

    email = models.EmailField(unique=True)
    key = models.CharField(
        max_length=40, default=new_key, help_text="Part of their own links; new on every sign-up."
    )
    created = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    everything = models.BooleanField(default=False, help_text="Follows the whole bank.")
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY)
    paused = models.BooleanField(default=False)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.email

    @property
    def recipient(self):
        """What an outbox row keeps to make this reader's own links without a query."""
        return f"{self.pk}:{self.key}"


class Follow(models.Model):
    """One thing a reader follows: ``cell:alcohol/E4``, ``row:alcohol/4``, ``column:drug/E``,
    ``matrix:alcohol``, ``topic:slug``, ``subject:slug`` or ``search:words``."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="follows")
    target = models.CharField(max_length=300)

    class Meta:
        ordering = ["subscriber", "target"]
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "target"], name="unique_follow")
        ]

    def __str__(self):
        return self.target


class BulletinSchedule(models.Model):
    """When the weekly and the monthly bulletins go out by themselves.

    Each is prepared ``notice_hours`` before its time: from then until it goes, it waits in
    the bulletins' list as Scheduled, where editors can preview it, add an introduction, or
    hold it (it then becomes an ordinary draft and does not go by itself). A paused schedule
    prepares nothing. ``readers.schedules`` runs it, on the task worker.
    """

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    frequency = models.CharField(
        max_length=10,
        unique=True,
        choices=[
            (Subscriber.Frequency.WEEKLY, "Weekly"),
            (Subscriber.Frequency.MONTHLY, "Monthly"),
        ],
    )
    weekday = models.PositiveSmallIntegerField(
        choices=Weekday.choices, default=Weekday.MONDAY, help_text="The weekly bulletin's day."
    )
    day_of_month = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text="The monthly bulletin's day (1 to 28, so every month has it).",
    )
    time = models.TimeField(default=datetime.time(8, 0), help_text="UK time.")
    notice_hours = models.PositiveSmallIntegerField(
        default=48,
        validators=[MaxValueValidator(24 * 27)],
        help_text="How long before it goes the bulletin is prepared, for editors to preview, "
        "introduce or hold.",
    )
    paused = models.BooleanField(
        default=False, help_text="Prepare and send nothing by itself until unpaused."
    )
    # The planner's next run: a second run for the same moment finds it set and queues no
    # third (two chains of runs become one).
    wakes_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["frequency"]

    def __str__(self):
        return f"{self.get_frequency_display()} bulletin"


class BulletinQuerySet(models.QuerySet):
    def archive(self):
        """Sent bulletins, newest first, for the public archive and its feed."""
        return self.filter(status=Bulletin.Status.SENT).order_by("-sent_at", "-pk")

    def archive_page(self, pk):
        """A sent bulletin with what it covered that readers may still see."""
        from .bulletins import covered
        from .emails import change_items

        bulletin = self.archive().get(pk=pk)
        return {
            "bulletin": bulletin,
            "items": change_items(covered(bulletin), since=bulletin.period_start),
        }


class Bulletin(MarkupOwner):
    """An update bulletin: what changed since the last one at its frequency."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"

    frequency = models.CharField(
        max_length=10,
        choices=Subscriber.Frequency.choices,
        default=Subscriber.Frequency.WEEKLY,
        help_text="Who gets it: the readers who chose this frequency.",
    )
    title = models.CharField(max_length=200)
    introduction = models.TextField(blank=True, help_text="Markup, at the top of the email.")
    introduction_html = models.TextField(blank=True, editable=False)
    period_start = models.DateTimeField(null=True, blank=True)
    period_end = models.DateTimeField(null=True, blank=True)
    changes = models.ManyToManyField("editorial.Change", blank=True, related_name="bulletins")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    send_at = models.DateTimeField(
        null=True, blank=True, help_text="Leave empty and use “Send now”, or set a time."
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    recipients = models.PositiveIntegerField(default=0)
    mailing = models.OneToOneField(
        "mail.Mailing", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    schedule = models.ForeignKey(
        BulletinSchedule,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bulletins",
        editable=False,
        help_text="The schedule that prepared it, if it was not made by an editor.",
    )

    markup_fields = ("introduction",)
    objects = BulletinQuerySet.as_manager()

    class Meta:
        ordering = ["-period_end", "-pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("readers:bulletin", args=[self.pk])

    def markup_key(self):
        return f"bulletin:{self.pk or 'new'}"

    def is_page(self):
        return True
