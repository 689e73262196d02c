"""The emails readers get, rendered once per distinct content and personalised per reader.

Every email has a plain-text and an HTML part (a simple table layout, its styles inlined by
css-inline), absolute links, and the reader's own manage and unsubscribe links, with the
List-Unsubscribe and List-Unsubscribe-Post (RFC 8058 one-click) headers.
"""

from collections import defaultdict
from functools import lru_cache

from django.conf import settings
from django.urls import reverse

from editorial.models import Change
from mail.content import absolute, render_parts
from mail.registry import Content, Kind, register

from .models import Bulletin
from .tokens import manage_token, unsubscribe_token

# Stand-ins for each reader's own links while the shared content is rendered.
MANAGE = "https://manage.placeholder.invalid/"
UNSUBSCRIBE = "https://unsubscribe.placeholder.invalid/"


def render(template, context):
    """A reader's email, with stand-ins for their own links (``personalise`` fills them)."""
    context = {"manage_url": MANAGE, "unsubscribe_url": UNSUBSCRIBE, **context}
    return render_parts(f"readers/email/{template}", context)


def own_links(message):
    """The reader's own manage and unsubscribe addresses, for the stand-ins."""
    pk, _, key = message.recipient.partition(":")
    pk = int(pk) if pk.isdigit() else 0
    manage, unsubscribe = _link_shapes(settings.SITE_URL)
    return {
        MANAGE: manage.replace("TOKEN", manage_token(pk, key)),
        UNSUBSCRIBE: unsubscribe.replace("TOKEN", unsubscribe_token(pk, key)),
    }


@lru_cache
def _link_shapes(site_url):
    # Reversed once per site address: this runs for every message of a bulletin.
    return (
        absolute(reverse("readers:manage", args=["TOKEN"])),
        absolute(reverse("readers:unsubscribe", args=["TOKEN"])),
    )


ONE_CLICK = {  # RFC 8058
    "List-Unsubscribe": f"<{UNSUBSCRIBE}>",
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
}


def render_notice(context):
    """Confirming a sign-up or a new follow, or saying the address already follows it."""
    what = context["what"]
    confirm = absolute(reverse("readers:confirm", args=[context["token"]]))
    subjects = {
        "confirm": "Confirm your Evidence Bank updates",
        "add-follow": "Confirm what you want to follow",
        "already": "You already get Evidence Bank updates",
    }
    text, html = render(
        "notice", {"what": what, "confirm_url": confirm, "follow": context.get("follow", "")}
    )
    return Content(subjects[what], text, html, ONE_CLICK)


def change_items(changes, since=None):
    """Each change with the cells it concerns (named, with their addresses), the standfirst
    of what changed (where it has one), and whether a publication is a first one ("New") or
    of something readers were told of before ``since`` (the bulletin's period) and which was
    withdrawn since ("Published again")."""
    from .targets import describe, keys_of_changes

    keys, named = keys_of_changes(changes), {}
    standfirsts = standfirsts_of(changes)
    again = published_before(changes, since)
    items = []
    for change in changes:
        cells = sorted(k for k in keys[change.pk] if k.startswith("cell:"))
        for key in cells:
            if key not in named:
                named[key] = describe(key)
        items.append(
            {
                "change": change,
                "cells": [named[k] for k in cells if named[k]],
                "standfirst": standfirsts.get((change.content_type_id, change.object_id), ""),
                "again": change.pk in again,
            }
        )
    return items


def standfirsts_of(changes):
    """{(content type, object id): standfirst HTML} of the changed things that have one (a
    document, a hot topic), one query per kind of thing."""
    wanted = defaultdict(set)
    for change in changes:
        wanted[change.content_type].add(change.object_id)
    found = {}
    for content_type, ids in wanted.items():
        model = content_type.model_class()
        if model is None or "standfirst_html" not in {f.name for f in model._meta.fields}:
            continue
        for pk, html in model._default_manager.filter(pk__in=ids).values_list(
            "pk", "standfirst_html"
        ):
            if html:
                found[(content_type.pk, pk)] = html
    return found


def published_before(changes, since):
    """The publications among ``changes`` of things already published before ``since``:
    told as "Published again", not "New". (Published, withdrawn and published again all
    within the period is new to readers: ``bulletins.covered`` tells it once.)"""
    published = [c for c in changes if c.kind == Change.Kind.PUBLISHED]
    if not published or since is None:
        return set()
    earlier = set(
        Change.objects.filter(
            kind=Change.Kind.PUBLISHED,
            at__lte=since,
            content_type_id__in={c.content_type_id for c in published},
            object_id__in={c.object_id for c in published},
        ).values_list("content_type_id", "object_id")
    )
    return {c.pk for c in published if (c.content_type_id, c.object_id) in earlier}


def render_bulletin(context):
    bulletin = Bulletin.objects.get(pk=context["bulletin"])
    from .targets import visible_changes

    changes = list(visible_changes().filter(pk__in=context["changes"]).order_by("at", "pk"))
    items = change_items(changes, since=bulletin.period_start)
    text, html = render("bulletin", {"bulletin": bulletin, "items": items})
    subject = f"{bulletin.title}: {len(changes)} update{'s' * (len(changes) != 1)}"
    return Content(subject, text, html, ONE_CLICK)


def render_bite(context):
    change = Change.objects.select_related("content_type").get(pk=context["change"])
    text, html = render("bite", {"change": change})
    return Content(f"New in the Matrix Bite of {change.title}", text, html, ONE_CLICK)


def register_emails():
    register(Kind("readers.notice", render_notice, own_links))
    register(Kind("readers.bulletin", render_bulletin, own_links))
    register(Kind("readers.bite", render_bite, own_links))
