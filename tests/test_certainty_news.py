"""A change in the certainty of a cell's evidence is news: recorded, in bulletins and feeds.

Only on a cell readers see, only when the level itself changes, and never for a verdict
written with the cell's first publication or for the demo as it is loaded.
"""

import feedparser
import pytest
from django.utils import timezone

from editorial.models import Change
from mail.models import OutboxMessage
from mail.sending import send_pending
from matrix.models import Cell, CellVerdict
from readers import bulletins
from readers.models import Bulletin, Subscriber
from readers.services import set_preferences
from tests.admin_forms import cell_change_url, form_data
from tests.smtp import SMTPServer

pytestmark = pytest.mark.django_db

HEADLINE = "changed from low to moderate"


@pytest.fixture
def smtp(settings):
    with SMTPServer() as server:
        for name, value in server.settings().items():
            setattr(settings, name, value)
        settings.SITE_URL = "https://evidence.example.org"
        yield server


def reader(email, *, follows=(), everything=False):
    subscriber = Subscriber.objects.create(
        email=email, confirmed_at=timezone.now(), frequency="weekly"
    )
    set_preferences(
        subscriber, everything=everything, targets=list(follows), searches=[],
        frequency="weekly", paused=False,
    )  # fmt: skip
    return subscriber


def certainty_changes():
    return Change.objects.filter(kind=Change.Kind.CERTAINTY)


def reappraise(client, cell, certainty="moderate", reasons=("indirectness",), note=None, **more):
    """What an editor does: the verdict card's certainty changed in the cell's form."""
    data = form_data(client.get(cell_change_url(cell)))
    data["verdict-0-certainty"] = certainty
    data["verdict-0-certainty_reasons"] = list(reasons)
    if note is not None:
        data["verdict-0-certainty_note"] = note
    data.update(more)
    response = client.post(cell_change_url(cell), data)
    assert response.status_code == 302, response.context and [
        f.errors for f in response.context["inline_admin_formsets"][0].formset.forms
    ]
    return response


def test_the_demo_as_loaded_has_no_certainty_news(demo):
    assert CellVerdict.objects.exists()
    assert not certainty_changes().exists()


def test_an_editor_changing_the_certainty_makes_news_with_the_levels_and_why(
    editor_client, editor, e4
):
    reappraise(editor_client, e4, note="Two new trials agree with the old ones.")
    change = certainty_changes().get()
    assert (change.was, change.now, change.editor) == ("Low", "Moderate", editor)
    assert change.public
    assert change.subject == e4 and change.url == e4.get_absolute_url()
    assert change.headline == f"Certainty of the evidence in {e4.title} {HEADLINE}"
    assert change.note == "Lowered for indirectness. Two new trials agree with the old ones."


def test_only_a_change_of_level_is_news(editor_client, e4):
    # The same level with other reasons, or another field of the card: not news.
    reappraise(editor_client, e4, certainty="low", reasons=("imprecision",))
    reappraise(editor_client, e4, certainty="low", **{"verdict-0-bottom_line": "Said again."})
    assert not certainty_changes().exists()


def test_a_long_why_is_cut_at_a_word(editor_client, e4):
    reappraise(editor_client, e4)  # the demo's note is far longer than a bulletin line
    note = certainty_changes().get().note
    assert len(note) <= 300 and note.endswith("…") and not note.endswith(" …")
    assert note.startswith("Lowered for indirectness. The core is three randomised trials")


def test_a_draft_cells_certainty_is_never_news(editor_client, e4):
    Cell.objects.filter(pk=e4.pk).update(status="draft")
    reappraise(editor_client, e4)
    assert not certainty_changes().exists()
    # Published with its new certainty in the same save: a publication, not a change.
    reappraise(editor_client, e4, certainty="high", status="published")
    assert not certainty_changes().exists()
    assert Change.objects.filter(kind=Change.Kind.PUBLISHED, object_id=e4.pk).exists()


def test_a_verdict_written_for_the_first_time_is_not_a_change(editor_client, e4):
    CellVerdict.objects.filter(cell=e4).delete()
    data = form_data(editor_client.get(cell_change_url(e4)))
    data.update({"verdict-0-certainty": "moderate", "verdict-0-bottom_line": "It works."})
    assert editor_client.post(cell_change_url(e4), data).status_code == 302
    assert CellVerdict.objects.get(cell=e4).certainty == "moderate"
    assert not certainty_changes().exists()


def test_a_save_from_the_shell_is_news_too_without_an_editor(e4):
    verdict = CellVerdict.objects.get(cell=e4)
    verdict.certainty = "very_low"
    verdict.save()
    change = certainty_changes().get()
    assert (change.was, change.now, change.editor) == ("Low", "Very low", None)


def test_followers_of_the_cell_read_it_in_their_bulletin(editor_client, smtp, e4):
    reader("cell@example.org", follows=["cell:alcohol/E4"])
    reader("other@example.org", follows=["row:alcohol/1"])
    reappraise(editor_client, e4, note="Two new trials agree.")
    bulletin = Bulletin.objects.create(title="Weekly bulletin")
    assert bulletins.send(bulletin) == 1
    assert set(OutboxMessage.objects.values_list("to_email", flat=True)) == {"cell@example.org"}
    send_pending("test-worker", time_budget=30)
    message = smtp.messages[-1]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    line = f"Certainty of the evidence in {e4.title} {HEADLINE}"
    why = "Lowered for indirectness. Two new trials agree."
    assert line in text and why in text and "Reappraised" in text
    assert line in html and why in html
    assert "https://evidence.example.org/matrices/alcohol/E4/" in text

    # The archive page and its feed say the same.
    page = editor_client.get(bulletin.get_absolute_url()).text
    assert f"{line}</a>: {why}" in page


def test_the_cell_and_matrix_feeds_carry_it(client, editor_client, e4):
    reappraise(editor_client, e4, note="Two new trials agree.")
    reappraise(editor_client, e4, certainty="high", reasons=())
    for path in ("/feeds/matrices/alcohol/E4/", "/feeds/matrices/alcohol/"):
        feed = feedparser.parse(client.get(path).content)
        assert not feed.bozo, path
        news = [entry for entry in feed.entries if "Certainty of the evidence" in entry.title]
        assert [entry.title.rsplit(" ", 4)[-3:] for entry in news] == [
            ["moderate", "to", "high"],
            ["low", "to", "moderate"],
        ]
        assert news[1].summary == "Lowered for indirectness. Two new trials agree."
        assert news[0].link.endswith("/matrices/alcohol/E4/#verdict-heading")
        assert len({entry.id for entry in feed.entries}) == len(feed.entries)  # ids unique


def test_a_withdrawn_cells_certainty_news_leaves_bulletins_and_feeds(client, editor_client, e4):
    reappraise(editor_client, e4)
    Cell.objects.filter(pk=e4.pk).update(status="draft")
    assert not bulletins.visible_changes().filter(kind=Change.Kind.CERTAINTY).exists()
    assert client.get("/feeds/matrices/alcohol/E4/").status_code == 404
    feed = feedparser.parse(client.get("/feeds/matrices/alcohol/").content)
    assert not [e for e in feed.entries if "Certainty of the evidence" in e.title]
