"""The editors' admin at any size of bank: each screen runs a fixed number of queries however
many documents or entries it holds; the document list reads its page in its index's order and
never counts the whole bank; searching authors never needs DISTINCT. (Their speed at 100,000
documents is bench/admin_bench.py's.)"""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ops import paging
from ops.paging import EstimatingPaginator
from studies.models import Document
from tests.factories import get_cell, make_document, make_entry
from tests.htmlparse import page

pytestmark = pytest.mark.django_db

LIST = "/admin/studies/document/"
PICKER = "/admin/autocomplete/?app_label=matrix&model_name=cellentry&field_name=document&term="

# Every admin page: the session, the user and the user's permissions (two queries); the
# changelist's own transaction (a savepoint and its release, under the test's transaction).
# Document list: besides, the subjects for their filter, the count (at most COUNT_UP_TO rows
# read, or PostgreSQL's estimate) and the page.
# On PostgreSQL the unfiltered list first asks the table's estimate (pg_class).
LIST_QUERIES = 9 + (1 if connection.vendor == "postgresql" else 0)
# On PostgreSQL a searched word (three letters or more) first asks whether it is common: the
# trigram indexes find a rare one, the list's own order a common one (Document.objects.matching).
WORD_PROBE = 1 if connection.vendor == "postgresql" else 0
# Searched: the same, the search inside the count and the page.
SEARCH_QUERIES = 9 + WORD_PROBE
# Picker: the session, the user, the permissions (two), the page with one row more (never a
# count), the page's authors (for the labels).
PICKER_QUERIES = 6 + WORD_PROBE
# Cell form, with its savepoint and release: the session, the user, the cell, the
# permissions (two); the verdict, the count of entries, the page of entries, those entries
# with their documents and who judged them, the bite sections (each inline's formset and the
# stale-save fingerprint read the verdict, entries and sections: three more); the column and
# row shown, then every column and row with its matrix for the two selects; the count of
# bite sections for their folded section's heading; the literature watch's flow count (its
# watches with their runs' sums, its candidates by status and reason).
CELL_FORM_QUERIES = 24
# Dashboard: the session, the user, the editors' group, documents and cells out for
# consultation, scheduled, drafts (two each), messages and their count, the cells by
# freshness, the permissions (two) for the app list, the recent actions; the cells with
# records to screen, the watches whose last run failed and the publishers' notices found this
# month (the literature watch).
DASHBOARD_QUERIES = 18


def bank(count, surname="Smith", **fields):
    """``count`` more documents, each by two authors of one family name."""
    return [
        make_document(
            title=f"Outreach to older drinkers, report {number}",
            year=fields.pop("year", 1990 + number % 30),
            authors=(f"{surname} A.", f"{surname} B."),
            **fields,
        )
        for number in range(count)
    ]


def queries_of(client, url):
    with CaptureQueriesContext(connection) as run:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response, [q["sql"] for q in run.captured_queries]


def list_rows(response):
    """The titles a list page shows, in order."""
    tables = page(response).find_all(id="result_list")
    return [th.clean_text for table in tables for th in table.find("tbody").find_all("th")]


# The document list.


def test_the_document_list_runs_the_same_queries_at_any_size(editor_client, demo):
    bank(3)
    _, few = queries_of(editor_client, LIST)
    bank(150)
    response, many = queries_of(editor_client, LIST)
    assert len(few) == len(many) == LIST_QUERIES
    assert not [sql for sql in many if "DISTINCT" in sql.upper()]
    # Counted no further than a limit, and the page read in the order of its index.
    counts = [sql for sql in many if "COUNT(" in sql.upper()]
    assert len(counts) == 1 and "LIMIT 1001" in counts[0]
    (shown,) = [sql for sql in many if "LIMIT 100" in sql and "COUNT(" not in sql]
    in_order = r'ORDER BY "\w+"."year" DESC(?: NULLS FIRST)?, "\w+"."title" ASC, "\w+"."id" DESC'
    assert re.search(in_order, shown)
    total = Document.objects.count()
    assert f"{total:,} documents" in response.content.decode()


def test_a_long_list_says_more_than_rather_than_counting_on(editor_client, demo, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_UP_TO", 10)  # never fewer than a page: 100
    bank(130)
    response = editor_client.get(LIST)
    text = page(response).find(class_="paginator").clean_text
    assert "more than 100 documents" in text
    assert len(list_rows(response)) == 100
    # The next page holds the rest; a page past them is empty, not an error.
    second = editor_client.get(LIST + "?p=2")
    assert len(list_rows(second)) == Document.objects.count() - 100
    assert editor_client.get(LIST + "?p=9").status_code == 200
    assert "more than 100 results" in editor_client.get(LIST + "?q=Smith").content.decode()


def test_the_list_filters_by_decade_from_fixed_choices(editor_client, demo):
    fifties = make_document(title="A study from the fifties", year=1957)
    undated = make_document(title="A study with no year", year=None)
    _, sql = queries_of(editor_client, LIST)
    assert not [s for s in sql if '"year"' in s and "DISTINCT" in s.upper()]
    assert list_rows(editor_client.get(LIST + "?decade=1950")) == [fifties.title]
    assert list_rows(editor_client.get(LIST + "?decade=none")) == sorted(
        Document.objects.filter(year=None).values_list("title", flat=True)
    )
    assert undated.title in list_rows(editor_client.get(LIST + "?decade=none"))
    # Nonsense is ignored, never a 500.
    assert editor_client.get(LIST + "?decade=19x0").status_code == 200
    tree = page(editor_client.get(LIST))
    assert "1950s" in tree.find(id="changelist-filter").clean_text
    assert "first_published__year" not in response_text(editor_client, LIST)  # no drill-down


def response_text(client, url):
    return client.get(url).content.decode()


# Search and the picker.


def test_search_matches_authors_once_without_distinct(editor_client, demo):
    (smiths,) = bank(1, surname="Okonkwo")  # two authors of one name: listed once
    smiths.authorships.update(given="Adaeze")
    other = make_document(title="Okonkwo's question, answered", authors=["Bell C."])
    pmid = make_document(title="Found by its PMID", pmid="12345678")
    doi = make_document(title="Found by its DOI", doi="10.5555/Evidence.42")
    response, sql = queries_of(editor_client, LIST + "?q=okonkwo")
    assert len(sql) == SEARCH_QUERIES
    assert not [s for s in sql if "DISTINCT" in s.upper()]
    assert sorted(list_rows(response)) == sorted([smiths.title, other.title])
    assert list_rows(editor_client.get(LIST + "?q=adaeze")) == [smiths.title]  # given names
    assert list_rows(editor_client.get(LIST + "?q=12345678")) == [pmid.title]
    assert list_rows(editor_client.get(LIST + "?q=evidence.42")) == [doi.title]
    assert list_rows(editor_client.get(LIST + f"?q={smiths.slug}")) == [smiths.title]
    # Every word must match somewhere; a quoted phrase is one word.
    assert list_rows(editor_client.get(LIST + "?q=okonkwo+answered")) == [other.title]
    assert list_rows(editor_client.get(LIST + '?q="question,+answered"')) == [other.title]
    assert list_rows(editor_client.get(LIST + "?q=okonkwo+qqxj")) == []
    # A lone quote, or quotes around nothing, is no word: the whole list, never an error.
    for nothing in ('"', '""', "%20'%20"):
        assert len(list_rows(editor_client.get(LIST + f"?q={nothing}"))) == Document.objects.count()


def test_the_list_search_runs_the_same_queries_at_any_size(editor_client, demo):
    bank(2)
    _, few = queries_of(editor_client, LIST + "?q=smith")
    bank(120)
    _, many = queries_of(editor_client, LIST + "?q=smith")
    assert len(few) == len(many) == SEARCH_QUERIES


def test_the_picker_runs_the_same_queries_at_any_size(editor_client, demo):
    bank(2, surname="Quintero")
    response, few = queries_of(editor_client, PICKER + "quinter")
    assert len(response.json()["results"]) == 2
    assert not response.json()["pagination"]["more"]
    bank(40, surname="Quintero")
    response, many = queries_of(editor_client, PICKER + "quinter")
    assert len(few) == len(many) == PICKER_QUERIES
    assert not [s for s in many if "DISTINCT" in s.upper()]
    found = response.json()
    assert len(found["results"]) == 20 and found["pagination"]["more"]
    assert all("Quintero A. et al." in result["text"] for result in found["results"])
    assert len(editor_client.get(PICKER + "quinter&page=3").json()["results"]) == 2


# The cell form.


@pytest.mark.parametrize("entries", [40, 150])
def test_the_cell_form_runs_the_same_queries_whatever_its_entries(editor_client, demo, entries):
    cell = get_cell("alcohol", "E5")
    made = [make_entry(cell, order=number) for number in range(entries)]
    response, sql = queries_of(editor_client, f"/admin/matrix/cell/{cell.pk}/change/")
    assert len(sql) == CELL_FORM_QUERIES
    # Each row's picker names its document, read with the rows.
    tree = page(response)
    first = tree.find(id="id_entries-0-document")
    (chosen,) = first.find_all("option")
    assert chosen.attrs["value"] == str(made[0].document_id)
    assert chosen.clean_text == str(made[0].document)
    assert "selected" in chosen.attrs
    assert tree.find(id="id_column").find_all("option")[1].clean_text.startswith("Alcohol ")


# The dashboard.


def test_the_dashboard_runs_the_same_queries_at_any_size(editor_client, demo):
    today = timezone.localdate()

    def work(count):
        bank(count, status="draft")
        for document in bank(count, status="consultation"):
            document.consultation_closes = today + timedelta(days=3)
            document.save()
        for document in bank(count, status="draft"):
            document.publish_at = timezone.now() + timedelta(days=2)
            document.save()

    work(1)
    _, few = queries_of(editor_client, "/admin/")
    work(20)
    _, many = queries_of(editor_client, "/admin/")
    assert len(few) == len(many) == DASHBOARD_QUERIES


# The paginator itself.


def test_a_small_table_is_counted_exactly(demo):
    paginator = EstimatingPaginator(Document.objects.order_by("pk"), 10)
    assert paginator.count == Document.objects.count()
    assert not paginator.estimated
    assert paginator.count_words == f"{Document.objects.count():,}"


def test_the_table_estimate_is_postgresql_s_statistics(demo):
    estimate = paging.table_estimate(Document)
    if connection.vendor != "postgresql":
        assert estimate is None
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE studies_document")
    assert paging.table_estimate(Document) == Document.objects.count()
