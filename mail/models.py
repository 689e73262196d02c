"""The outbox: one row per recipient of each message, with its status.

queued → sending (claimed by one worker, with a claim token) → sent;
or → queued again with a later ``next_attempt_at`` after a temporary failure (backoff);
or → failed, with why (``failure``) and the server's reply (``last_error``): the server
refused this message, or refused the address (which is then suppressed), or the address was
suppressed before it was sent, or too many tries. Failed messages can be queued again.
A row claimed by a worker that died is queued again once its lease runs out.
"""

import uuid

from django.conf import settings
from django.db import models


class Mailing(models.Model):
    """Messages sent together (a bulletin, a Matrix Bite release): their progress."""

    kind = models.CharField(max_length=30)
    title = models.CharField(max_length=300)
    created = models.DateTimeField(auto_now_add=True)
    built = models.DateTimeField(null=True, blank=True, help_text="When its outbox was full.")

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return self.title


class OutboxQuerySet(models.QuerySet):
    def due(self, now):
        return self.filter(status=OutboxMessage.Status.QUEUED, next_attempt_at__lte=now)


class OutboxMessage(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    class Failure(models.TextChoices):
        MESSAGE = "message", "The server refused this message"
        ADDRESS = "address", "The server refused the address"
        SUPPRESSED = "suppressed", "Not sent: the address is suppressed"
        ATTEMPTS = "attempts", "Too many temporary failures"

    mailing = models.ForeignKey(
        Mailing, null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    kind = models.CharField(max_length=30)
    to_email = models.EmailField(db_index=True)
    recipient = models.CharField(
        max_length=100, blank=True, help_text="Whose it is, for their own links (a subscriber)."
    )
    context = models.JSONField(default=dict, help_text="What its content is made from.")
    message_id = models.CharField(max_length=200, unique=True, editable=False)
    status = models.CharField(
        max_length=8, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    claimed_by = models.CharField(max_length=100, blank=True)
    claim_token = models.CharField(max_length=40, blank=True, db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failure = models.CharField("why it failed", max_length=10, choices=Failure.choices, blank=True)
    last_error = models.TextField(
        blank=True, help_text="The mail server's reply to the last try, and where it came."
    )
    created = models.DateTimeField(auto_now_add=True)

    objects = OutboxQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = "outgoing message"
        permissions = [("retry_outboxmessage", "Can queue failed messages again")]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.kind} to {self.to_email} ({self.get_status_display()})"

    @staticmethod
    def new_message_id():
        # Stable for the row: a resend after a crash carries the same id, so mail systems
        # and readers' clients see one message, not two.
        return f"<{uuid.uuid4().hex}@{settings.MAIL_ID_DOMAIN}>"


class Undeliverable(models.Model):
    """A suppressed address: the mail server refused the recipient, or a provider reported a
    bounce or complaint. No mailing includes it until an editor lifts the suppression."""

    email = models.EmailField(unique=True)
    reason = models.CharField(max_length=300)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "undeliverable address"
        verbose_name_plural = "undeliverable addresses"
        permissions = [("lift_undeliverable", "Can lift a suppression")]

    def __str__(self):
        return self.email


class LiftedSuppression(models.Model):
    """An address taken off the undeliverable list: who lifted it, when and why, with why it
    had been suppressed."""

    email = models.EmailField(db_index=True)
    reason = models.CharField("why it was suppressed", max_length=300)
    suppressed_at = models.DateTimeField()
    lifted_at = models.DateTimeField(auto_now_add=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    why = models.TextField("why it was lifted")
    requeued = models.PositiveIntegerField(
        "messages queued again", default=0, help_text="Failed because of the suppression."
    )

    class Meta:
        ordering = ["-lifted_at", "-pk"]

    def __str__(self):
        return f"{self.email}, lifted {self.lifted_at:%d %B %Y}"
