"""The one write path: what a save does is said in editorial.services, and what is derived from
it is refreshed only by the refreshers registered in editorial.refreshers."""

import pytest
import reversion
from django.apps import apps
from django.contrib.auth.models import User
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_init,
    post_save,
    pre_delete,
    pre_save,
)

from editorial import refreshers as write_path
from editorial.models import Change
from editorial.refreshers import Refresher, refreshers
from editorial.services import delete_content, publish, save_content, withdraw
from markup.models import Anchor, MarkupOwner
from pagecache import receivers as pagecache_receivers
from studies.models import Document
from tests.factories import make_document

WRITE_SIGNALS = {
    "pre_save": pre_save,
    "post_save": post_save,
    "pre_delete": pre_delete,
    "post_delete": post_delete,
    "m2m_changed": m2m_changed,
}
# Libraries' own bookkeeping, which derives nothing of ours.
LIBRARIES = ("reversion.", "taggit.", "django.")


def content_models():
    """Every model with a history or with markup, and the many-to-many tables between them."""
    found = {m for m in apps.get_models() if reversion.is_registered(m)}
    found |= {m for m in apps.get_models() if issubclass(m, MarkupOwner)}
    for model in list(found):
        found |= {f.remote_field.through for f in model._meta.many_to_many}
    return sorted(found, key=lambda m: m._meta.label)


def foreign_receivers():
    """(signal, sender, receiver) of every receiver a content model's write reaches that is
    neither the write path's nor a library's."""
    ours = set(write_path.RECEIVERS)
    found = []
    for model in content_models():
        for name, signal in WRITE_SIGNALS.items():
            sync, async_ = signal._live_receivers(model)
            for receiver in [*sync, *async_]:
                if receiver in ours or receiver.__module__.startswith(LIBRARIES):
                    continue
                found.append((name, model._meta.label, f"{receiver.__module__}.{receiver}"))
        # The page cache's read side notes what a page shows; nothing else listens to loads.
        sync, async_ = post_init._live_receivers(model)
        for receiver in [*sync, *async_]:
            if receiver is not pagecache_receivers._seen:
                if not receiver.__module__.startswith(LIBRARIES):
                    found.append(("post_init", model._meta.label, str(receiver)))
    return found


def test_content_models_are_the_ones_with_texts_and_histories():
    labels = {m._meta.label for m in content_models()}
    assert {"studies.Document", "matrix.Cell", "matrix.CellEntry", "matrix.BiteSection"} <= labels
    assert {"matrix.Chart", "topics.HotTopic", "studies.DocumentSection"} <= labels


def test_a_content_models_write_reaches_no_receiver_but_the_write_paths():
    assert foreign_receivers() == []


@pytest.mark.parametrize("signal", list(WRITE_SIGNALS.values()) + [post_init])
def test_a_receiver_added_for_content_is_caught(signal):
    def derive_something(sender, **kwargs):
        pass

    signal.connect(derive_something, sender=Document)
    try:
        assert [row[1] for row in foreign_receivers()] == ["studies.Document"]
    finally:
        signal.disconnect(derive_something, sender=Document)
    # One listening to every sender is caught for every content model.
    signal.connect(derive_something)
    try:
        assert len(foreign_receivers()) == len(content_models())
    finally:
        signal.disconnect(derive_something)


@pytest.fixture
def seen():
    """The writes each refresh hands the refreshers, batch by batch."""
    batches = []
    with refreshers.temporarily(Refresher("probe", lambda writes: batches.append(list(writes)))):
        yield batches


@pytest.mark.django_db
def test_save_content_records_with_the_editor_and_refreshes_once_at_the_end(seen):
    editor = User.objects.create_user("ed", is_staff=True)
    document = make_document(slug="probe", title="Probe trial", status=Document.Status.DRAFT)
    seen.clear()
    publish(document, editor=editor)
    [batch] = [b for b in seen if any(w.instance is document for w in b)]
    [write] = [w for w in batch if w.instance is document]
    assert (write.public_before, write.public_after, write.visibility_changed) == (
        False,
        True,
        True,
    )
    change = Change.objects.about(document).get()
    assert (change.kind, change.editor) == (Change.Kind.PUBLISHED, editor)
    withdraw(document, editor=editor)
    assert Change.objects.about(document).filter(kind=Change.Kind.WITHDRAWN).get().editor == editor
    # The row is no longer collected once the service returns: a later save refreshes itself.
    seen.clear()
    document.title = "Probe trial, again"
    document.save()
    assert any(w.instance is document for batch in seen for w in batch)


@pytest.mark.django_db
def test_save_content_refuses_a_text_that_breaks_and_writes_nothing(seen):
    from django.core.exceptions import ValidationError

    document = make_document(slug="linking", title="Linking trial")
    document.commentary = "See [x](doc:Not_A_Slug)."
    with pytest.raises(ValidationError):
        save_content(document, editor=None)
    assert "Not_A_Slug" not in Document.objects.get(pk=document.pk).commentary


@pytest.mark.django_db
def test_delete_content_forgets_the_rows_anchors_and_links(seen):
    document = make_document(slug="gone", title="Gone trial")
    source = document.anchor_source()
    document.commentary = "A passage. {#kept}"
    save_content(document, editor=None)
    assert Anchor.objects.filter(source=source).exists()
    delete_content(document, editor=None)
    assert not Anchor.objects.filter(source=source).exists()
    assert any(w.deleted and isinstance(w.instance, Document) for b in seen for w in b)
