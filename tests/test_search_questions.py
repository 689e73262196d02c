"""Search that answers a commissioner's question: forgiving matching, relevance over every
match, where studies would sit, results first. The same cases on PostgreSQL and SQLite."""

import pytest
from django.contrib.auth.models import User
from django.db import connection

from search import indexing, ranking
from search.models import RankingBoosts, SearchEntry, SearchTerm, SynonymGroup
from search.params import SearchParams
from search.query import STOP_WORDS, parse
from studies.models import Document
from tests.factories import make_document
from tests.test_search import all_found, found

pytestmark = pytest.mark.django_db


def results(query):
    params = SearchParams.from_query_dict(query)
    return SearchEntry.objects.search_page(None, params)


def test_question_words_never_exclude_a_document(demo):
    question = all_found({"q": "does linking patients to mutual aid groups work"})
    assert {"manning-2012-active-referral", "timko-debenedetti-2007-intensive-referral"} <= set(
        question[:5]
    )
    # "does" and "work" only rank: everything the plain words find is still found.
    plain = all_found({"q": "linking patients mutual aid groups"})
    assert set(plain) <= set(question)
    understood = parse("linking work", known={"linking", "work"})
    assert [c.optional for c in understood.clauses] == [False, True]
    # Nothing but filler: the words are looked for after all.
    assert not parse("what works", known=set()).clauses[0].optional


def test_when_no_document_has_every_word_those_with_most_come_first(client, demo):
    slugs, tree = found(client, "?q=brief+intervention+in+primary+care")
    assert slugs and set(slugs) >= {"mocam-2006", "nice-2011-alcohol-commissioning"}
    notice = tree.find("p", class_="relaxed").clean_text
    assert "No document has all your words; these have most of them" in notice
    # Row 1 is named as where such studies sit.
    assert tree.find("aside", class_="search-places").find("a", href="/matrices/alcohol/rows/1/")
    page_ = results({"q": "brief intervention in primary care"})
    assert page_.relaxed and page_.all_words_total == 0


def test_the_rarer_words_count_for_more_when_relaxed(demo):
    # "timko" is in one document, "alcohol" in many: the one with the rare word comes first.
    make_document(slug="common-only", title="Alcohol alcohol alcohol services")
    ranked = all_found({"q": "timko alcohol zzzunheard"})
    assert ranked[0] == "timko-debenedetti-2007-intensive-referral"


def test_abbreviations_and_words_cut_short(client, demo):
    slugs, tree = found(client, "?q=cost+effectiveness+of+residential+rehab")
    assert {"residential-placement-criteria-2001", "findings-2003-residential-care"} <= set(slugs)
    places = tree.find("aside", class_="search-places")
    assert places.find("a", href="/topics/residential-rehabilitation/")
    # The starter vocabulary ships with the migrations, in our own words.
    groups = [g.term_list() for g in SynonymGroup.objects.all()]
    for terms in (["rehab", "rehabilitation"], ["CBT"], ["MI"], ["SBI"], ["OST", "OAT"]):
        assert any(set(terms) <= set(group) for group in groups), terms
    # Without the vocabulary, a word the bank does not hold matches as the start of others.
    SynonymGroup.objects.all().delete()
    assert all_found({"q": "rehab"}) == []  # a word the bank holds is whole
    assert "residential-placement-criteria-2001" in all_found({"q": "rehabil"})
    # A word the bank holds is whole.
    assert parse("care home", known={"care", "home"}).clauses[1].prefixes == ()
    assert parse("rehab care", known={"care"}).clauses[0].prefixes == ("rehab",)


def test_nothing_in_the_bank_says_where_it_would_sit(client, demo):
    slugs, tree = found(client, "?q=naltrexone")
    assert slugs == []
    assert (
        "The bank has no document on “naltrexone” yet"
        in tree.find("p", class_="result-count").clean_text
    )
    help_ = tree.find("section", class_="no-results")
    assert "Alcohol row 3 (Medical treatment)" in help_.clean_text
    assert help_.find("a", href="/matrices/drug/rows/3/")
    follow = help_.find("form", class_="follow-form")
    assert follow.find("input", name="follow")["value"] == "row:alcohol/3"
    # The search itself can be followed too.
    assert tree.find("input", name="follow", value="search:naltrexone")


def test_where_it_sits_is_editable_vocabulary(client, demo, admin_client):
    from matrix.models import Row

    row = Row.objects.get(matrix__slug="alcohol", number=3)
    assert "naltrexone" in row.covers
    # Editors change it in the admin.
    form = admin_client.get(f"/admin/matrix/row/{row.pk}/change/").content.decode()
    assert 'name="covers"' in form and "naltrexone" in form
    row.covers = "acamprosate"
    row.save()
    _, tree = found(client, "?q=naltrexone")
    assert not tree.find_all("a", href="/matrices/alcohol/rows/3/")


def test_spelling_suggestions_prefer_the_banks_common_words(client, demo):
    for number in range(4):
        make_document(title=f"Treatment in the community, study {number}")
    _, tree = found(client, "?q=treatmnet")
    assert tree.find("section", class_="no-results").find("a", href="?q=treatment")
    assert not SearchTerm.objects.filter(word__in=STOP_WORDS).exists()


def test_page_51_of_a_common_word_is_as_full_as_page_1(client, demo, monkeypatch):
    Document.objects.bulk_create(
        Document(
            slug=f"paging-{n}",
            title=f"Outcomes of treatment, study {n}",
            year=1970 + n % 55,
            kind=Document.Kind.STUDY,
            status=Document.Status.PUBLISHED,
        )
        for n in range(1030)
    )
    # Indexed as the write path does (a rebuild would ANALYZE, and PostgreSQL keeps the
    # planner's statistics past the test's rollback).
    indexing.reindex_documents(
        Document.objects.filter(slug__startswith="paging-").values_list("pk", flat=True)
    )
    first = results({"q": "treatment"})
    assert first.total > 1020 and len(first.results) == 20
    slugs, tree = found(client, "?q=treatment&page=51")
    assert len(slugs) == 20
    # The order past the early stop is the one scoring every match gives (for strict and
    # relaxed searches), scored as a search with many matches.
    monkeypatch.setattr(ranking, "FIELDS_UP_TO", 50)
    monkeypatch.setattr(ranking, "SCORE_ALL_UP_TO", 10**9)
    full = [r.document.slug for r in results({"q": "treatment", "page": "51"}).results]
    relaxed_full = [r.document.slug for r in results({"q": "treatment timko"}).results]
    monkeypatch.setattr(ranking, "SCORE_ALL_UP_TO", 50)
    early = [r.document.slug for r in results({"q": "treatment", "page": "51"}).results]
    relaxed_early = [r.document.slug for r in results({"q": "treatment timko"}).results]
    assert early == full and len(early) == 20
    assert relaxed_early == relaxed_full and relaxed_early[0] == (
        "timko-debenedetti-2007-intensive-referral"
    )


def test_editors_tune_the_boosts_and_the_index_is_rescored(
    admin_client, demo, django_capture_on_commit_callbacks
):
    guidance = SearchEntry.objects.get(document__slug="mocam-2006")
    before = guidance.prior
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/search/rankingboosts/add/",
            {
                "seminal": 0.6,
                "key": 0.5,
                "review": 0.3,
                "guidance": 3.0,
                "recency": 0.4,
                "high_certainty": 0.4,
                "moderate_certainty": 0.2,
            },  # fmt: skip
        )
    assert response.status_code == 302
    guidance.refresh_from_db()
    assert guidance.prior == pytest.approx(before + 2.7, abs=1e-3)
    assert all_found({"q": "screening"})[0] in {"mocam-2006", "nice-2011-alcohol-commissioning"}
    # One row only: no second one can be added, and it cannot be deleted.
    assert admin_client.get("/admin/search/rankingboosts/add/").status_code == 403
    assert RankingBoosts.objects.count() == 1


def test_a_drafts_words_and_priors_never_reach_readers(demo):
    manning = Document.objects.get(slug="manning-2012-active-referral")
    manning.status = Document.Status.DRAFT
    manning.save()
    found_ = all_found({"q": "does linking patients to mutual aid groups work"})
    assert "manning-2012-active-referral" not in found_
    staff = User.objects.create_user("s", is_staff=True)
    assert "manning-2012-active-referral" in all_found(
        {"q": "does linking patients to mutual aid groups work"}, user=staff
    )


def test_results_come_before_follow_and_cite(client, demo):
    html = client.get("/search/?q=mutual+aid").content.decode()
    assert html.index('class="results"') < html.index('class="follow-form"')
    assert html.index('class="results"') < html.index('class="exports"')
    assert connection.vendor in ("sqlite", "postgresql")
