"""Signed tokens in readers' links: confirming (expires), managing and unsubscribing.

Each carries the subscriber's id and their ``key``, which is new whenever they sign up again,
so the links in old emails stop working once an address has been deleted.
"""

from django.core import signing

CONFIRM_DAYS = 3
CONFIRM_SALT, MANAGE_SALT, UNSUBSCRIBE_SALT = "readers.confirm", "readers.manage", "readers.unsub"


class BadToken(Exception):
    """A link that was forged, mistyped, expired or belongs to a deleted subscription."""


def confirm_token(subscriber, follow=""):
    return signing.dumps({"s": subscriber.pk, "k": subscriber.key, "f": follow}, salt=CONFIRM_SALT)


def manage_token(pk, key):
    return signing.dumps({"s": pk, "k": key}, salt=MANAGE_SALT)


def unsubscribe_token(pk, key):
    return signing.dumps({"s": pk, "k": key}, salt=UNSUBSCRIBE_SALT)


def read(token, salt, max_age=None):
    """(subscriber, payload); BadToken if the link is no good."""
    from .models import Subscriber

    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
        subscriber = Subscriber.objects.get(pk=data["s"], key=data["k"])
    except signing.SignatureExpired:
        raise BadToken("expired") from None
    except (signing.BadSignature, KeyError, TypeError, Subscriber.DoesNotExist):
        raise BadToken("invalid") from None
    return subscriber, data


def read_confirm(token):
    return read(token, CONFIRM_SALT, max_age=CONFIRM_DAYS * 24 * 3600)
