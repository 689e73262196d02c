"""Two editors press Save at the same instant: one save goes through, the other is refused as
stale; nothing is lost and nothing answers 500 (PostgreSQL and SQLite alike)."""

import threading

import pytest
from django.db import connection

from matrix.models import Cell, CellEntry
from studies.models import Document
from tests.admin_forms import cell_change_url, editor_named, entry_index, form_data
from tests.factories import get_cell, make_document, make_entry, make_matrix

ROUNDS = 10
STALE = "Someone else saved this"


def save_at_once(submissions):
    """POST each (client, url, data) from its own thread and database connection, all released
    by one barrier; return each response, or the exception it raised."""
    barrier = threading.Barrier(len(submissions))
    results = [None] * len(submissions)

    def submit(index, client, url, data):
        try:
            barrier.wait(timeout=30)
            results[index] = client.post(url, data)
        except Exception as exc:  # noqa: BLE001 - a 500 is what the test looks for
            results[index] = exc
        finally:
            connection.close()

    threads = [
        threading.Thread(target=submit, args=(index, *submission))
        for index, submission in enumerate(submissions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def outcome(result):
    """'saved', 'stale', or what else happened (an exception, another status)."""
    if isinstance(result, Exception):
        return f"raised {result!r}"
    if result.status_code == 302:
        return "saved"
    if result.status_code == 200 and STALE in result.text:
        return "stale"
    return f"answered {result.status_code}"


@pytest.mark.django_db(transaction=True)
def test_two_saves_of_a_document_at_the_same_instant_lose_nothing():
    document = make_document(slug="contested", standfirst="Start.", commentary="Start.")
    url = f"/admin/studies/document/{document.pk}/change/"
    alice, bob = editor_named("alice"), editor_named("bob")
    for round_ in range(ROUNDS):
        before = Document.objects.get(pk=document.pk)
        alice_form = form_data(alice.get(url))
        bob_form = form_data(bob.get(url))
        alice_form["standfirst"] = f"Alice's standfirst, round {round_}."
        bob_form["commentary"] = f"Bob's commentary, round {round_}."

        results = save_at_once([(alice, url, alice_form), (bob, url, bob_form)])

        outcomes = sorted(outcome(result) for result in results)
        assert outcomes == ["saved", "stale"], f"round {round_}: {outcomes}"
        stored = Document.objects.get(pk=document.pk)
        if outcome(results[0]) == "saved":
            expected = (alice_form["standfirst"], before.commentary)
        else:
            expected = (before.standfirst, bob_form["commentary"])
        assert (stored.standfirst, stored.commentary) == expected


@pytest.mark.django_db(transaction=True)
def test_two_saves_of_a_cell_and_its_entries_at_the_same_instant_lose_nothing():
    make_matrix()
    cell = get_cell("alcohol", "E4")
    entry = make_entry(cell)
    url = cell_change_url(cell)
    alice, bob = editor_named("alice"), editor_named("bob")
    for round_ in range(ROUNDS):
        before = Cell.objects.get(pk=cell.pk).scope, CellEntry.objects.get(pk=entry.pk).headline
        alice_form = form_data(alice.get(url))
        bob_form = form_data(bob.get(url))
        alice_form["scope"] = f"Alice's scope, round {round_}."
        bob_form[f"entries-{entry_index(bob_form, entry)}-headline"] = f"Bob {round_}"

        results = save_at_once([(alice, url, alice_form), (bob, url, bob_form)])

        outcomes = sorted(outcome(result) for result in results)
        assert outcomes == ["saved", "stale"], f"round {round_}: {outcomes}"
        stored = Cell.objects.get(pk=cell.pk).scope, CellEntry.objects.get(pk=entry.pk).headline
        if outcome(results[0]) == "saved":
            assert stored == (alice_form["scope"], before[1])
        else:
            assert stored == (before[0], f"Bob {round_}")


@pytest.mark.django_db(transaction=True)
def test_an_entry_saved_on_its_own_page_and_in_its_cell_at_the_same_instant_loses_nothing():
    make_matrix()
    cell = get_cell("alcohol", "E4")
    entry = make_entry(cell, annotation="Start.")
    cell_url, entry_url = cell_change_url(cell), f"/admin/matrix/cellentry/{entry.pk}/change/"
    alice, bob = editor_named("alice"), editor_named("bob")
    for round_ in range(ROUNDS):
        before = CellEntry.objects.get(pk=entry.pk)
        alice_form = form_data(alice.get(cell_url))
        bob_form = form_data(bob.get(entry_url))
        alice_form[f"entries-{entry_index(alice_form, entry)}-headline"] = f"Alice {round_}"
        bob_form["annotation"] = f"Bob's annotation, round {round_}."

        results = save_at_once([(alice, cell_url, alice_form), (bob, entry_url, bob_form)])

        outcomes = sorted(outcome(result) for result in results)
        assert outcomes == ["saved", "stale"], f"round {round_}: {outcomes}"
        stored = CellEntry.objects.get(pk=entry.pk)
        if outcome(results[0]) == "saved":
            expected = (f"Alice {round_}", before.annotation)
        else:
            expected = (before.headline, bob_form["annotation"])
        assert (stored.headline, stored.annotation) == expected
