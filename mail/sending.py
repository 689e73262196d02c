"""Putting messages in the outbox and sending them, exactly once in effect.

Workers claim rows in small batches: ``select_for_update(skip_locked=True)`` picks rows no
other worker holds (PostgreSQL), and an UPDATE guarded by the row still being queued, with a
claim token, makes the claim safe where row locks do not exist (SQLite, where one worker is
enough). Each message is marked sent the moment the SMTP server accepts it.

The gap between "accepted" and "marked sent" cannot be closed in SMTP; it is made harmless.
A worker killed inside it leaves its row claimed; when the lease runs out the row is queued
again and sent once more with the same Message-ID, so mail systems and clients treat the two
as one message. A worker killed before the server accepted loses nothing: the row is simply
sent again. ``tests/test_outbox_worker.py`` kills real workers both ways and counts what an
SMTP server received.
"""

import logging
import smtplib
import time
import uuid
from datetime import timedelta
from email.utils import parseaddr

from anymail.exceptions import AnymailError
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from . import refusals, registry
from .mime import Wire, serialise
from .models import Mailing, OutboxMessage, Undeliverable

logger = logging.getLogger(__name__)


def queue(kind, to_email, context=None, *, recipient="", mailing=None):
    """Put one message in the outbox and have the worker send it."""
    message = OutboxMessage.objects.create(
        kind=kind,
        to_email=to_email,
        recipient=str(recipient),
        context=context or {},
        mailing=mailing,
        message_id=OutboxMessage.new_message_id(),
        next_attempt_at=timezone.now(),
    )
    start_sending()
    return message


def queue_many(rows, *, mailing=None, batch=1000):
    """Bulk-add ``rows`` (dicts: kind, to_email, recipient, context), streaming: the caller
    may pass a generator of any length; memory holds one batch. Returns how many."""
    now, count, pending = timezone.now(), 0, []
    undeliverable = set(Undeliverable.objects.values_list("email", flat=True))
    for row in rows:
        if row["to_email"] in undeliverable:
            continue
        pending.append(
            OutboxMessage(
                mailing=mailing,
                message_id=OutboxMessage.new_message_id(),
                next_attempt_at=now,
                **row,
            )
        )
        if len(pending) >= batch:
            OutboxMessage.objects.bulk_create(pending)
            count += len(pending)
            pending = []
    if pending:
        OutboxMessage.objects.bulk_create(pending)
        count += len(pending)
    if mailing is not None:
        Mailing.objects.filter(pk=mailing.pk).update(built=timezone.now())
    return count


def start_sending(workers=1):
    """Ask the task worker(s) to send what is due, once the current transaction commits."""
    from .tasks import send_outbox

    def enqueue():
        for _ in range(workers):
            send_outbox.enqueue()

    transaction.on_commit(enqueue)


def requeue_stale(now=None):
    """Rows claimed by a worker that stopped (their lease ran out) go back in the queue."""
    now = now or timezone.now()
    lease = timedelta(seconds=settings.MAIL_LEASE_SECONDS)
    return OutboxMessage.objects.filter(
        status=OutboxMessage.Status.SENDING, claimed_at__lt=now - lease
    ).update(status=OutboxMessage.Status.QUEUED, claim_token="", claimed_by="")


def claim(worker, batch):
    """Take up to ``batch`` due rows for ``worker``; no other worker gets them."""
    now = timezone.now()
    token = uuid.uuid4().hex
    with transaction.atomic():
        ids = list(
            OutboxMessage.objects.due(now)
            .select_for_update(skip_locked=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch]
        )
        if not ids:
            return []
        OutboxMessage.objects.filter(pk__in=ids, status=OutboxMessage.Status.QUEUED).update(
            status=OutboxMessage.Status.SENDING,
            claim_token=token,
            claimed_by=worker,
            claimed_at=now,
            attempts=F("attempts") + 1,
        )
    return list(OutboxMessage.objects.filter(claim_token=token).order_by("pk"))


class Throttle:
    """At most ``rate`` messages a second (0: as fast as the server takes them)."""

    def __init__(self, rate):
        self.interval = 1 / rate if rate else 0
        self.next = time.monotonic()

    def wait(self):
        if not self.interval:
            return
        now = time.monotonic()
        if now < self.next:
            time.sleep(self.next - now)
        self.next = max(now, self.next) + self.interval


class Renderer:
    """Renders and serialises each distinct content once per worker run; a message is then
    that content with the recipient's own values put in.

    With an SMTP connection the serialised message (``mail.mime``: parts 8-bit as written,
    or quoted-printable where a line would be too long, stand-ins whole) is copied with its
    stand-ins replaced: building MIME takes longer than sending it, and a bulletin's readers
    share its content. Other backends (django-anymail's, the file backend) get an ordinary
    Django message.
    """

    TO, ID = "recipient@stand-in.invalid", "<message-id@stand-in.invalid>"

    def __init__(self):
        self.cache = {}
        self.wires = {}
        self.sender = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]  # the envelope's From

    def content(self, row):
        kind = registry.kind(row.kind)
        key = (row.kind, repr(sorted(row.context.items())))
        if key not in self.cache:
            self.cache[key] = kind.render(row.context)
        return key, self.cache[key], (kind.own(row) if kind.own else {})

    def message(self, row, connection):
        _, content, own = self.content(row)
        content = content.personalised(own)
        email = EmailMultiAlternatives(
            subject=content.subject,
            body=content.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[row.to_email],
            headers={"Message-ID": row.message_id, **content.headers},
            connection=connection,
        )
        email.attach_alternative(content.html, "text/html")
        return email

    def wire(self, row):
        """The message as bytes for SMTP."""
        key, content, own = self.content(row)
        if key not in self.wires:
            self.wires[key] = Wire(content, self.TO, self.ID, list(own))
        data = self.wires[key].fill({**own, self.TO: row.to_email, self.ID: row.message_id})
        if data is None:  # a value too long for the shared copy: this message on its own
            data = serialise(content.personalised(own), row.to_email, row.message_id)
        return data


def retry_delay(attempts):
    delays = settings.MAIL_RETRY_DELAYS
    return timedelta(seconds=delays[min(attempts, len(delays)) - 1])


def mark(row, **fields):
    """Update the row only while this claim holds it (a requeued row is another's now)."""
    OutboxMessage.objects.filter(pk=row.pk, claim_token=row.claim_token).update(**fields)


SENT_SQL = (
    "UPDATE mail_outboxmessage SET status = %s, sent_at = %s, last_error = '' "
    "WHERE id = %s AND claim_token = %s"
)


def mark_sent(row):
    """``mark(row, status=SENT…)``, once per message in the hot loop: one prepared statement
    rather than a query built anew each time."""
    with db_connection.cursor() as cursor:
        cursor.execute(
            SENT_SQL, [OutboxMessage.Status.SENT, timezone.now(), row.pk, row.claim_token]
        )


def send_pending(worker, *, time_budget=None, batch=None):
    """Send due messages until none are left or the time budget is spent; return counts."""
    batch = batch or settings.MAIL_BATCH
    deadline = time.monotonic() + (time_budget or settings.MAIL_TASK_SECONDS)
    requeue_stale()
    counts = {"sent": 0, "retry": 0, "failed": 0}
    throttle, renderer = Throttle(settings.MAIL_SEND_RATE), Renderer()
    connection = get_connection(fail_silently=False)
    fast_commits(True)
    try:
        while time.monotonic() < deadline:
            rows = claim(worker, batch)
            if not rows:
                break
            for n, row in enumerate(rows):
                throttle.wait()
                try:
                    counts[send_one(row, renderer, connection)] += 1
                except SessionRefused as refusal:
                    hold(row, rows[n + 1 :], str(refusal))
                    counts["retry"] += 1
                    return counts
    finally:
        fast_commits(False)
        try:
            connection.close()
        except (smtplib.SMTPException, OSError):
            pass
    return counts


def fast_commits(on):
    """While sending, PostgreSQL need not wait for the disk before each "sent" mark returns.

    A database crash could then forget the last marks of a fraction of a second; those rows
    are sent again under the same Message-ID, which is harmless, as after a worker crash.
    Waiting for the disk once per message would instead cap sending at the disk's pace.
    """
    if db_connection.vendor == "postgresql":
        with db_connection.cursor() as cursor:
            cursor.execute(f"SET synchronous_commit TO {'OFF' if on else 'DEFAULT'}")


class SessionRefused(Exception):
    """The server refused our connection or sign-in: the server's or our settings' fault."""


def send_one(row, renderer, connection):
    smtp = isinstance(connection, SMTPBackend)
    direct = smtp and row.to_email.isascii()
    try:
        message = renderer.wire(row) if direct else renderer.message(row, connection)
    except Exception as error:  # what it is made from is gone, or a bug: this message alone
        logger.exception("Outbox message %s could not be written", row.pk)
        return unsent(row, f"Could not be written: {type(error).__name__}: {error}")
    if smtp:
        try:
            connection.open()
        except (smtplib.SMTPException, OSError) as error:  # timeouts are OSErrors
            raise SessionRefused(refusals.describe(*refusals.reply_of(error), "session")) from error
    try:
        if direct:
            connection.connection.sendmail(renderer.sender, [row.to_email], message)
        else:
            connection.send_messages([message])
    except AnymailError as error:  # first: its API errors are OSErrors, some ValueErrors
        verdict, reason = refusals.judge_provider(error)
        if verdict == refusals.SESSION:
            raise SessionRefused(reason) from error
        return settle(row, verdict, reason[:2000], by="the provider")
    except (smtplib.SMTPException, OSError) as error:
        return failed(row, error, connection)
    except ValueError as error:  # Django's SMTP backend cannot write a non-ASCII local part
        return unsent(row, f"Not sent: {error}")
    mark_sent(row)
    return "sent"


def unsent(row, reason):
    """Fail a message that could not be handed to the server; nobody else is touched."""
    failure = OutboxMessage.Failure.MESSAGE
    mark(row, status=OutboxMessage.Status.FAILED, failure=failure, last_error=reason[:2000])
    return "failed"


def failed(row, error, connection):
    """Fail the message, suppress its address, or try again later, as the reply says."""
    code, text = refusals.reply_of(error)
    stage = refusals.stage_of(error)
    verdict = refusals.judge(code, text, stage)
    reason = refusals.describe(code, text, stage)[:2000]
    smtp = getattr(connection, "connection", None)
    if isinstance(error, (smtplib.SMTPServerDisconnected, OSError)) or (
        smtp is not None and smtp.sock is None  # smtplib hung up itself (a 421)
    ):
        try:
            connection.close()  # reopened by the next send
        except (smtplib.SMTPException, OSError):
            pass
    return settle(row, verdict, reason)


def settle(row, verdict, reason, by="the mail server"):
    """Fail the message (and suppress its address if ``by`` refused it), or queue it again."""
    Failure, failed = OutboxMessage.Failure, OutboxMessage.Status.FAILED
    if verdict == refusals.ADDRESS:
        mark(row, status=failed, failure=Failure.ADDRESS, last_error=reason)
        suppress(row.to_email, f"refused by {by}: {reason}")
        return "failed"
    if verdict == refusals.MESSAGE:
        mark(row, status=failed, failure=Failure.MESSAGE, last_error=reason)
        return "failed"
    if row.attempts >= settings.MAIL_MAX_ATTEMPTS:
        mark(row, status=failed, failure=Failure.ATTEMPTS, last_error=reason)
        return "failed"
    mark(
        row,
        status=OutboxMessage.Status.QUEUED,
        claim_token="",
        claimed_by="",
        next_attempt_at=timezone.now() + retry_delay(row.attempts),
        last_error=reason,
    )
    return "retry"


def hold(row, rest, reason):
    """The server refused the session: wait, then try again, failing nothing. Only the
    message tried counts an attempt (its count sets the wait); whatever is due waits too, so
    no worker keeps knocking before then."""
    later = timezone.now() + retry_delay(row.attempts)
    queued = {"status": OutboxMessage.Status.QUEUED, "claim_token": "", "claimed_by": ""}
    mark(row, next_attempt_at=later, last_error=reason, **queued)
    OutboxMessage.objects.filter(pk__in=[r.pk for r in rest], claim_token=row.claim_token).update(
        next_attempt_at=later, attempts=F("attempts") - 1, **queued
    )
    OutboxMessage.objects.due(timezone.now()).update(next_attempt_at=later)
    logger.error("The mail server refused the session; sending resumes at %s: %s", later, reason)


def suppress(email, reason):
    """Never send to ``email`` again, and fail what is still queued for it."""
    Undeliverable.objects.update_or_create(email=email, defaults={"reason": reason[:300]})
    OutboxMessage.objects.filter(to_email=email, status=OutboxMessage.Status.QUEUED).update(
        status=OutboxMessage.Status.FAILED,
        failure=OutboxMessage.Failure.SUPPRESSED,
        last_error=f"Not sent: the address was suppressed, {reason}"[:2000],
    )


def outstanding():
    """Rows still to send: queued, or held by a worker (which may have died)."""
    return OutboxMessage.objects.filter(
        Q(status=OutboxMessage.Status.QUEUED) | Q(status=OutboxMessage.Status.SENDING)
    )
