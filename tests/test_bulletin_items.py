"""What a bulletin's items say (issue 21): each carries the standfirst of what changed, in
both parts, the plain one without markup; a document published, withdrawn and published again
within one bulletin's period is told once as "New"; one readers were told of before and which
came back is "Published again"."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from editorial.models import Change
from mail.registry import kind as mail_kind
from readers import bulletins
from readers.models import Bulletin
from studies.models import Document
from tests.factories import make_document

pytestmark = pytest.mark.django_db

MARKUP_SYNTAX = re.compile(r"\]\(|\[[^\]]*\]\^|\^\[|\*\*|(doc|cell|topic|chart):[a-z]")


def set_status(document, status):
    document.status = status
    document.save()
    return document


def rendered(bulletin):
    changes = [c.pk for c in bulletins.covered(bulletin)]
    return mail_kind("readers.bulletin").render({"bulletin": bulletin.pk, "changes": changes})


def kinds_told(html):
    return re.findall(r'<div class="kind"[^>]*>([^<]+)</div>', html)


def test_each_item_carries_its_standfirst_in_words(demo):
    document = make_document(
        slug="standfirst-study",
        title="A trial of linking patients to mutual aid",
        status="draft",
        standfirst="Linking helped: see **the trial** and [cell E4](cell:alcohol/E4).",
    )
    set_status(document, "published")
    bulletin = bulletins.gather(Bulletin.objects.create(title="Weekly"))
    content = rendered(bulletin)
    assert "<strong>the trial</strong>" in content.html
    assert 'class="standfirst"' in content.html
    text = content.text
    assert "Linking helped: see the trial and cell E4 <" in text
    assert not MARKUP_SYNTAX.search(text), text


def test_published_withdrawn_and_published_again_in_one_period_is_new_once(demo):
    document = make_document(slug="twice", title="Published twice in a week", status="draft")
    for status in ("published", "draft", "published"):  # withdrawn: back to draft
        set_status(document, status)
    assert Change.objects.about(document).filter(kind="published").count() == 2
    bulletin = bulletins.gather(Bulletin.objects.create(title="Weekly"))
    html = rendered(bulletin).html
    assert html.count("Published twice in a week") == 1
    assert kinds_told(html).count("New") == 1 and "Published again" not in html


def test_one_told_of_before_and_back_again_is_published_again(client, demo):
    document = make_document(slug="back", title="Back after a withdrawal", status="draft")
    set_status(document, "published")
    Change.objects.about(document).update(at=timezone.now() - timedelta(days=10))
    last_week = timezone.now() - timedelta(days=7)
    Bulletin.objects.create(title="Last week", status="sent", period_end=last_week)
    set_status(document, "draft")  # withdrawn
    set_status(Document.objects.get(pk=document.pk), "published")
    bulletin = bulletins.gather(Bulletin.objects.create(title="This week"))
    html = rendered(bulletin).html
    assert html.count("Back after a withdrawal") == 1
    assert "Published again" in kinds_told(html)
    # The bulletin's public page says the same.
    bulletins.send(bulletin)
    archived = client.get(bulletin.get_absolute_url()).content.decode()
    assert "Published again" in archived and archived.count("Back after a withdrawal") == 1
