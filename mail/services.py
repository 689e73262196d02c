"""What editors do to the outbox from the admin: queue failed messages again once the cause is
fixed, and lift a suppression, with who, when and why kept."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import LiftedSuppression, OutboxMessage, Undeliverable
from .sending import start_sending


def _again():
    return {
        "status": OutboxMessage.Status.QUEUED,
        "failure": "",
        "attempts": 0,
        "next_attempt_at": timezone.now(),
        "claim_token": "",
        "claimed_by": "",
        "claimed_at": None,
    }


def queue_again(messages):
    """Queue the failed ones among ``messages`` again, and have those waiting for a retry go
    now, but none to a suppressed address: (how many will go now, how many were left because
    their address is suppressed)."""
    Status = OutboxMessage.Status
    failed = messages.filter(
        Q(status=Status.FAILED) | Q(status=Status.QUEUED, next_attempt_at__gt=timezone.now())
    )
    suppressed = Undeliverable.objects.values("email")
    left = failed.filter(to_email__in=suppressed).count()
    queued = failed.exclude(to_email__in=suppressed).update(**_again())
    if queued:
        start_sending()
    return queued, left


def failed_by_suppression(email):
    """Messages to ``email`` that failed only because the address was refused or suppressed."""
    Failure = OutboxMessage.Failure
    return OutboxMessage.objects.filter(
        to_email=email,
        status=OutboxMessage.Status.FAILED,
        failure__in=[Failure.ADDRESS, Failure.SUPPRESSED],
    )


@transaction.atomic
def lift(suppressions, by, why, *, requeue):
    """Take each address off the list, keeping a record; with ``requeue``, queue again what
    failed only because of it. Returns (addresses lifted, messages queued again)."""
    lifted = queued = 0
    for suppression in suppressions.select_for_update().order_by("email"):
        again = failed_by_suppression(suppression.email).update(**_again()) if requeue else 0
        LiftedSuppression.objects.create(
            email=suppression.email,
            reason=suppression.reason,
            suppressed_at=suppression.at,
            lifted_by=by,
            why=why,
            requeued=again,
        )
        suppression.delete()
        lifted, queued = lifted + 1, queued + again
    if queued:
        start_sending()
    return lifted, queued
