"""export_bank and import_bank: a round trip that loses nothing, subject links included."""

import json
import re

import pytest
import reversion
from django.core.management import CommandError, call_command
from django.utils import timezone
from taggit.models import TaggedItem

from editorial.changes import record
from editorial.models import Change
from feedback.models import EditorMessage
from mail.models import LiftedSuppression, Undeliverable
from ops.bank import MODELS, export_bank, registered_models, unaccounted_models
from readers import bulletins
from readers.models import Bulletin, Subscriber
from readers.services import set_preferences
from studies.models import Document

PAGES = [
    "/",
    "/matrices/alcohol/",
    "/matrices/alcohol/E4/?bite=open",
    "/documents/timko-debenedetti-2007-intensive-referral/",
    "/documents/nugget-4-3-mutual-supports/",
    "/topics/twelve-step-mutual-aid/",
    "/search/?q=mutual+aid",
    "/bulletins/",
]


def tables():
    """Every exported table, rows in their portable form (content types and users by name)."""
    from io import StringIO

    stream = StringIO()
    export_bank(stream)
    rows = {}
    for obj in json.loads(stream.getvalue())["objects"]:
        rows.setdefault(obj["model"], []).append(obj)
    return rows


def pages(client):
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
    return {url: strip.sub("", client.get(url).content.decode()) for url in PAGES}


def editors_at_work():
    """Beyond the demo: a revision, changes, a subject, readers, a bulletin, a message."""
    document = Document.objects.get(slug="timko-debenedetti-2007-intensive-referral")
    with reversion.create_revision():
        document.revision_note, document.last_revised = "added follow-up", timezone.localdate()
        document.save()
        document.tags.add("round trip")
    record(document, Change.Kind.REVISED, note="added follow-up")
    reader = Subscriber.objects.create(email="reader@example.org", confirmed_at=timezone.now())
    set_preferences(
        reader,
        everything=False,
        targets=["cell:alcohol/E4"],
        searches=["aid"],
        frequency="weekly",
        paused=False,
    )
    bulletins.send(Bulletin.objects.create(title="A weekly bulletin"))
    gone = Undeliverable.objects.create(email="gone@example.org", reason="550")
    LiftedSuppression.objects.create(
        email="back@example.org", reason="550", suppressed_at=gone.at, why="restored"
    )
    EditorMessage.objects.create(kind="comment", name="A", email="a@example.org", message="Hi")


def new_database_rows():
    """What migrate puts in a new database and the bank does not export: flush removed it.
    ISO 3166's countries (studies 0008), which the demo's documents now name."""
    from importlib import import_module

    from django.apps import apps

    import_module("studies.migrations.0008_countries_and_vocabularies").forwards(apps, None)


@pytest.mark.django_db(transaction=True)
def test_export_then_import_into_an_empty_bank_loses_nothing(client, tmp_path):
    call_command("load_demo", verbosity=0)
    editors_at_work()
    before, shown = tables(), pages(client)
    assert len(before["taggit.taggeditem"]) > 100  # every subject link
    path = tmp_path / "bank.json"
    call_command("export_bank", str(path))

    call_command("flush", interactive=False, verbosity=0)
    assert not Document.objects.exists()
    new_database_rows()
    call_command("import_bank", str(path))

    after = tables()
    assert set(after) == set(before)
    for model in before:
        assert after[model] == before[model], model
    assert pages(client) == shown
    # New rows after the import get new ids (the sequences moved on).
    Document(slug="after-import", kind="study", title="Added after the import").save()
    assert TaggedItem.objects.count() == len(before["taggit.taggeditem"])


@pytest.mark.django_db
def test_import_refuses_a_bank_with_content(tmp_path, demo):
    path = tmp_path / "bank.json"
    call_command("export_bank", str(path))
    with pytest.raises(CommandError, match="The bank is not empty"):
        call_command("import_bank", str(path))


@pytest.mark.django_db
def test_import_refuses_a_file_that_is_not_an_export(tmp_path):
    path = tmp_path / "other.json"
    path.write_text(json.dumps({"objects": []}))
    with pytest.raises(CommandError, match="not an Evidence Bank export"):
        call_command("import_bank", str(path))


def test_every_table_is_exported_or_left_out_on_purpose():
    assert unaccounted_models() == []
    assert len(registered_models()) == len(MODELS)
