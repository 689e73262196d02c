"""Signed tokens in readers' links: confirming (expires), managing and unsubscribing.

Each carries the subscriber's id and their ``key``, which is new whenever they sign up again,
so the links in old emails stop working once an address has been deleted.
"""

import re

from django.core import signing

from ops.inputs import CONTROL_RE

CONFIRM_DAYS = 3
CONFIRM_SALT, MANAGE_SALT, UNSUBSCRIBE_SALT = "readers.confirm", "readers.manage", "readers.unsub"
KEY_RE = re.compile(r"[A-Za-z0-9_-]{1,40}")  # Subscriber.key: secrets.token_urlsafe()


class BadToken(Exception):
    """A link that was forged, mistyped, expired or belongs to a deleted subscription."""


def confirm_token(subscriber, follow=""):
    return signing.dumps({"s": subscriber.pk, "k": subscriber.key, "f": follow}, salt=CONFIRM_SALT)


def manage_token(pk, key):
    return signing.dumps({"s": pk, "k": key}, salt=MANAGE_SALT)


def unsubscribe_token(pk, key):
    return signing.dumps({"s": pk, "k": key}, salt=UNSUBSCRIBE_SALT)


def well_formed(data):
    """Whether a payload holds what we sign: a subscriber's id (an int, not a string, float
    or bool), their key, and what they follow as text with no control characters."""
    # A correctly signed payload holding anything else is a bad link like any other.
    return (
        isinstance(data, dict)
        and type(data.get("s")) is int
        and 0 < data["s"] < 2**63
        and isinstance(data.get("k"), str)
        and KEY_RE.fullmatch(data["k"]) is not None
        and isinstance(data.get("f", ""), str)
        and not CONTROL_RE.search(data.get("f", ""))
    )


def read(token, salt, max_age=None):
    """(subscriber, payload); BadToken if the link is no good."""
    from .models import Subscriber

    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise BadToken("expired") from None
    except signing.BadSignature:
        raise BadToken("invalid") from None
    if not well_formed(data):
        raise BadToken("invalid")
    subscriber = Subscriber.objects.filter(pk=data["s"], key=data["k"]).first()
    if subscriber is None:
        raise BadToken("invalid")
    return subscriber, data


def read_confirm(token):
    return read(token, CONFIRM_SALT, max_age=CONFIRM_DAYS * 24 * 3600)
