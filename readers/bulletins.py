"""Gathering a bulletin from the "what changed" record, and filling its outbox.

The outbox is filled by streaming subscribers a chunk at a time, so memory stays flat
whether there are a hundred readers or a hundred thousand: each row holds only the ids of
the changes that reader should hear of; the worker renders each distinct selection once.
"""

from collections import defaultdict
from itertools import islice

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from editorial.models import Change
from editorial.refreshers import Write, refresh
from mail.models import Mailing
from mail.sending import queue_many, start_sending

from .models import Bulletin, Follow, Subscriber
from .targets import keys_of_changes, search_matches, visible_changes

CHUNK = 2000


def default_title(frequency, when=None):
    day = date_format(timezone.localtime(when or timezone.now()), "j F Y")
    label = {
        "immediate": "What changed",
        "weekly": "Weekly bulletin",
        "monthly": "Monthly bulletin",
    }
    return f"{label[frequency]}, {day}"


def gather(bulletin, now=None):
    """Set the bulletin's period (since the last one sent at its frequency) and changes."""
    now = now or timezone.now()
    previous = (
        Bulletin.objects.filter(frequency=bulletin.frequency, status=Bulletin.Status.SENT)
        .exclude(pk=bulletin.pk)
        .order_by("-period_end")
        .first()
    )
    bulletin.period_start = previous.period_end if previous else None
    bulletin.period_end = now
    bulletin.save()
    changes = visible_changes().filter(at__lte=now)
    if bulletin.period_start:
        changes = changes.filter(at__gt=bulletin.period_start)
    bulletin.changes.set(changes)
    return bulletin


def covered(bulletin):
    """The bulletin's changes readers may still see, oldest first; a thing published more than
    once in its period (published, withdrawn, published again) is told once, at its last."""
    changes = list(
        visible_changes().filter(pk__in=bulletin.changes.values("pk")).order_by("at", "pk")
    )
    return without_repeated_publications(changes)


def without_repeated_publications(changes):
    last = {
        (c.content_type_id, c.object_id): c.pk for c in changes if c.kind == Change.Kind.PUBLISHED
    }
    return [
        c
        for c in changes
        if c.kind != Change.Kind.PUBLISHED or last[(c.content_type_id, c.object_id)] == c.pk
    ]


def _chunks(iterable, size):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def selections(subscribers, changes):
    """(subscriber pk, key, email, [change ids]) for each reader with something to hear."""
    keys = keys_of_changes(changes)
    all_ids = [c.pk for c in changes]
    searches = (
        Follow.objects.filter(subscriber__in=subscribers, target__startswith="search:")
        .order_by()  # DISTINCT over the target alone, not the default ordering's columns
        .values_list("target", flat=True)
        .distinct()
    )
    matches = search_matches(list(searches), changes)
    rows = subscribers.order_by("pk").values_list("pk", "key", "email", "everything")
    for chunk in _chunks(rows.iterator(chunk_size=CHUNK), CHUNK):
        follows = defaultdict(set)
        for pk, target in Follow.objects.filter(
            subscriber_id__in=[row[0] for row in chunk]
        ).values_list("subscriber_id", "target"):
            follows[pk].add(target)
        for pk, key, email, everything in chunk:
            mine = follows[pk]
            if everything:
                selected = all_ids
            else:
                found = set().union(*(matches.get(t, ()) for t in mine if t in matches))
                selected = [cid for cid in all_ids if keys[cid] & mine or cid in found]
            if selected:
                yield pk, key, email, selected


def build_outbox(bulletin):
    """One outbox row per reader of the bulletin's frequency who has something in it."""
    changes = covered(bulletin)
    mailing = Mailing.objects.create(kind="bulletin", title=bulletin.title)
    subscribers = Subscriber.objects.receiving(bulletin.frequency)
    rows = (
        {
            "kind": "readers.bulletin",
            "to_email": email,
            "recipient": f"{pk}:{key}",
            "context": {"bulletin": bulletin.pk, "changes": selected},
        }
        for pk, key, email, selected in selections(subscribers, changes)
    )
    count = queue_many(rows, mailing=mailing)
    return mailing, count


@transaction.atomic
def send(bulletin, workers=1):
    """Fill the outbox and start sending; the bulletin joins the public archive."""
    if bulletin.period_end is None:
        gather(bulletin)
    mailing, count = build_outbox(bulletin)
    Bulletin.objects.filter(pk=bulletin.pk).update(
        status=Bulletin.Status.SENT, sent_at=timezone.now(), recipients=count, mailing=mailing
    )
    bulletin.refresh_from_db()
    refresh([Write(bulletin, listed=True)])  # written with an update: pages list it now
    start_sending(workers)
    return count


def send_immediate():
    """The "as it happens" bulletin: sent by itself when something has changed."""
    bulletin = Bulletin(frequency=Subscriber.Frequency.IMMEDIATE, title=default_title("immediate"))
    bulletin.save()
    gather(bulletin)
    if not bulletin.changes.exists():
        bulletin.delete()
        return 0
    return send(bulletin)


def release_bite(change):
    """A cell's Matrix Bite was published or revised: tell the cell's own followers."""
    if not (change.bite and change.public):
        return 0
    cell_key = "cell:" + change.subject.key
    mailing = Mailing.objects.create(kind="bite", title=f"Matrix Bite: {change.title}")
    subscribers = Subscriber.objects.filter(
        confirmed_at__isnull=False, paused=False, follows__target=cell_key
    ).distinct()
    rows = (
        {
            "kind": "readers.bite",
            "to_email": email,
            "recipient": f"{pk}:{key}",
            "context": {"change": change.pk},
        }
        for pk, key, email in subscribers.values_list("pk", "key", "email").iterator()
    )
    count = queue_many(rows, mailing=mailing)
    start_sending()
    return count
