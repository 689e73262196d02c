"""Subscribing, confirming, managing and leaving: the multi-step writes for readers."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from mail.models import LiftedSuppression, OutboxMessage, Undeliverable
from mail.sending import queue

from .models import Follow, Subscriber
from .targets import describe
from .tokens import CONFIRM_DAYS, confirm_token


def normalise_email(email):
    return (email or "").strip().lower()


def expire_unconfirmed(now=None):
    """Sign-ups never confirmed are deleted after the confirmation link expires."""
    cutoff = (now or timezone.now()) - timedelta(days=CONFIRM_DAYS)
    return Subscriber.objects.filter(confirmed_at__isnull=True, created__lt=cutoff).delete()[0]


@transaction.atomic
def subscribe(email, follow=""):
    """Start a sign-up, or add a follow, by email. The answer to the reader is the same
    whatever happens here (no one learns whether an address is subscribed): only the
    email's owner finds out, from what arrives."""
    email = normalise_email(email)
    target = describe(follow) if follow else None
    expire_unconfirmed()
    if Undeliverable.objects.filter(email=email).exists():
        return
    subscriber = Subscriber.objects.filter(email=email).first()
    if subscriber is None:
        subscriber = Subscriber.objects.create(email=email, everything=target is None)
        what = "confirm"
    elif subscriber.confirmed_at is None:
        what = "confirm"
    elif target and not subscriber.follows.filter(target=target.key).exists():
        what = "add-follow"
    else:
        what = "already"
    queue(
        "readers.notice",
        email,
        {
            "what": what,
            "token": confirm_token(subscriber, target.key if target else ""),
            "follow": target.label if target else "",
        },
        recipient=subscriber.recipient,
    )


@transaction.atomic
def confirm(subscriber, follow=""):
    """The reader pressed the button on the confirmation page."""
    if subscriber.confirmed_at is None:
        subscriber.confirmed_at = timezone.now()
        subscriber.save(update_fields=["confirmed_at"])
    target = describe(follow) if follow else None
    if target:
        Follow.objects.get_or_create(subscriber=subscriber, target=target.key)
    return target


@transaction.atomic
def set_preferences(subscriber, *, everything, targets, searches, frequency, paused):
    subscriber.everything = everything
    subscriber.frequency = frequency
    subscriber.paused = paused
    subscriber.save(update_fields=["everything", "frequency", "paused"])
    wanted = {t.key for t in map(describe, targets) if t}
    wanted |= {t.key for t in (describe(f"search:{s}") for s in searches) if t}
    subscriber.follows.exclude(target__in=wanted).delete()
    have = set(subscriber.follows.values_list("target", flat=True))
    Follow.objects.bulk_create(
        Follow(subscriber=subscriber, target=key) for key in sorted(wanted - have)
    )


@transaction.atomic
def forget(subscriber):
    """Delete everything held about a reader: their subscription, what they follow, every
    message to them in the outbox, sent or not, and any record of a suppression lifted."""
    OutboxMessage.objects.filter(to_email=subscriber.email).delete()
    LiftedSuppression.objects.filter(email=subscriber.email).delete()
    subscriber.delete()
