"""The main pages run a fixed number of queries, however much content they show."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from matrix.models import CellVerdict
from studies.models import (
    AbstractTranslation,
    Document,
    DocumentSection,
    EffectMeasure,
    FeaturedStudy,
    Population,
    Setting,
)
from tests.factories import (
    get_cell,
    make_chart,
    make_document,
    make_entry,
    make_matrix,
    make_section,
    make_topic,
)
from tests.htmlparse import page

pytestmark = pytest.mark.django_db

# Cell page: the cell with its labels and verdict card, its entries with their documents,
# their documents' countries, its bite sections, and the cells of its matrix (for the
# neighbours), when its literature was last searched (the watch's line); with a verdict card,
# one more for the economic evaluations it links to.
CELL_PAGE_QUERIES = 6
# Evidence table (the page and its CSV): the cell, its entries with their documents, their
# countries and their effect measures.
EVIDENCE_TABLE_QUERIES = 4
# Grid: the matrix, its columns, its cells with their kept coverage (S/K/R/G counts, newest
# study, entries by country: CellTally), and the names of those countries (for the filter
# links and their counts).
GRID_QUERIES = 4
# Document: the document, then its authors, sections, featured studies and their authors,
# translations, tags, countries, settings, populations, effect measures, cell entries (with
# their cells) and hot topics, one query each.
DOCUMENT_QUERIES = 13
# Home: the matrices, their columns, all cells with counts, latest additions, hot topics.
HOME_QUERIES = 5
# Row: the row with its matrix, its cells with counts.
ROW_QUERIES = 2


def fill_cell(cell, entries):
    """A cell with `entries` entries (all four roles, guidance with an issuer, notes and
    cross-links in the annotations) and a full Matrix Bite with a chart."""
    documents = []
    for number in range(entries):
        roles = ["S", "K", "R", "G", "KR", "SG"][number % 6]
        document = make_document(
            kind="guidance" if "G" in roles else "study",
            source="National Institute for Health and Care Excellence",
            design="guideline" if "G" in roles else "randomised-trial",
            participants=100 + number,
            outcomes="Abstinence\nDrinking days",
            effect_direction="favours-intervention",
        )
        # Guidance from the UK, studies from England and the US: the UK counts its nations.
        document.countries.set(["GB"] if "G" in roles else ["GB-ENG", "US"])
        EffectMeasure.objects.create(
            document=document, outcome="Abstinent", measure="risk ratio", value="1.2"
        )
        previous = f" Compare [the one before](#entry-{documents[-1].slug})." if documents else ""
        make_entry(
            cell,
            document=document,
            roles=roles,
            order=number,
            certainty=["high", "moderate", "low", "not_rated"][number % 4],
            certainty_reasons=["imprecision"] if number % 4 == 2 else [],
            annotation=(
                f'A [phrase]^[with a note] and [a link](doc:{document.slug} "A note").'
                f"{previous} For discussion [see below](#issue-one)."
            ),
        )
        documents.append(document)
    chart = f"{cell.matrix.slug}-{cell.code.lower()}-{entries}"
    make_chart(slug=chart, source=documents[0])
    make_section(cell, kind="about", body="About {#about-point}", order=0)
    make_section(cell, kind="start", body="[Start here](#about-point).", order=1)
    make_section(cell, kind="highlighted", anchor="highlighted", body="The study.", order=2)
    for number in range(1, 4):
        make_section(
            cell,
            kind="issue",
            heading=f"Issue {number}",
            anchor=f"issue-{'one' if number == 1 else number}",
            body=(
                "Text.\n\n/// supplement | More\nHidden text.\n///\n\n"
                f"[[chart:{chart}]]\n\n/// pullquote\nQuote.\n///"
            ),
            order=2 + number,
        )
    cell.scope = "What this cell covers."
    cell.more_query = "mutual aid"
    cell.save()
    return documents


@pytest.fixture
def matrix():
    return make_matrix("test", "Test")


def count_queries(client, url, django_assert_num_queries, expected):
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    return page(response)


def give_verdict(cell, evaluations):
    verdict = CellVerdict(
        cell=cell,
        bottom_line="It works.",
        certainty="moderate",
        certainty_reasons=["imprecision"],
        cost_band=2,
        cost_note="Staff time.",
    )
    verdict.save()
    verdict.economic_evaluations.set(evaluations)


@pytest.mark.parametrize("verdict", [False, True])
@pytest.mark.parametrize("entries", [15, 150])
def test_cell_page_queries_do_not_grow_with_its_entries(
    client, matrix, django_assert_num_queries, entries, verdict
):
    documents = fill_cell(get_cell(matrix, "B3"), entries)
    if verdict:
        give_verdict(get_cell(matrix, "B3"), documents[:5])
    expected = CELL_PAGE_QUERIES + verdict
    tree = count_queries(client, "/matrices/test/B3/", django_assert_num_queries, expected)
    assert len(tree.find_all("li", class_="entry")) == entries
    assert len(tree.find_all("p", class_="entry-appraisal")) == entries
    assert bool(tree.find_all("div", class_="verdict-cost")) == verdict
    # Filtered by country and design, the same queries: the filters work on what it read.
    for query in ("?country=US", "?country=GB&design=guideline"):
        tree = count_queries(
            client, f"/matrices/test/B3/{query}", django_assert_num_queries, expected
        )
        assert 0 < len(tree.find_all("li", class_="entry")) < entries
    assert len(tree.find_all("section", class_="bite-section")) == 6
    assert len(tree.find_all("figure", class_="chart")) == 3
    assert tree.find("nav", class_="neighbours").find("a", href="/matrices/test/A3/")


@pytest.mark.parametrize("query", ["", "?sort=-certainty", "?country=GB&sort=size"])
@pytest.mark.parametrize("entries", [15, 150])
def test_evidence_table_queries_do_not_grow_with_its_entries(
    client, matrix, django_assert_num_queries, entries, query
):
    fill_cell(get_cell(matrix, "B3"), entries)
    url = f"/matrices/test/B3/evidence/{query}"
    tree = count_queries(client, url, django_assert_num_queries, EVIDENCE_TABLE_QUERIES)
    rows = tree.find("table", class_="evidence-table").find("tbody").find_all("tr")
    assert len(rows) == (entries if not query.startswith("?country") else len(rows))
    assert rows
    csv_url = f"/matrices/test/B3/evidence.csv{query}"
    with django_assert_num_queries(EVIDENCE_TABLE_QUERIES):
        response = client.get(csv_url)
    assert response.status_code == 200
    assert response.content.decode("utf-8-sig").count("\r\n") == len(rows) + 1


@pytest.mark.parametrize("query", ["", "?country=GB"])
@pytest.mark.parametrize("entries", [15, 150])
def test_grid_queries_do_not_grow_with_the_entries(
    client, matrix, django_assert_num_queries, entries, query
):
    fill_cell(get_cell(matrix, "B3"), entries)
    fill_cell(get_cell(matrix, "E5"), 15)
    tree = count_queries(client, f"/matrices/test/{query}", django_assert_num_queries, GRID_QUERIES)
    counts = tree.find("td", id="test-cell-B3").find_all("span", class_="count")
    total = sum(int(count.find("span", class_="count-n").text) for count in counts)
    if query:  # the guidance is from the UK, the studies from England and the US: all
        assert total > entries
    else:
        assert total > entries  # entries with two roles count under both


@pytest.mark.parametrize("cells", [1, 20])
def test_document_page_queries_do_not_grow_with_the_cells_it_appears_in(
    client, matrix, django_assert_num_queries, cells
):
    document = make_document(
        slug="much-cited",
        authors=["A.", "B.", "C."],
        abstract="**Background** x",
        design="randomised-trial",
        participants=120,
        funding="A research council.",
    )
    document.countries.set(["GB-SCT", "US"])
    document.care_settings.set(Setting.objects.all()[:2])
    document.populations.set(Population.objects.all()[:2])
    for outcome in ("Abstinent", "Drinking days"):
        EffectMeasure.objects.create(
            document=document, outcome=outcome, measure="risk ratio", value="1.1"
        )
    DocumentSection(document=document, heading="Findings", anchor="findings", body="x").save()
    AbstractTranslation.objects.create(document=document, language="zh-hans", text="**背景** x")
    document.tags.add("mutual aid", "aftercare")
    for position in range(3):
        FeaturedStudy.objects.create(analysis=document, study=make_document(), position=position)
    codes = [f"{c}{r}" for r in range(1, 6) for c in "ABCDE"][:cells]
    for number, code in enumerate(codes):
        make_entry(get_cell(matrix, code), document=document, roles="KR"[number % 2])
    make_topic(slug="one", documents=[document])
    make_topic(slug="two", title="Another", documents=[document])
    tree = count_queries(
        client, "/documents/much-cited/", django_assert_num_queries, DOCUMENT_QUERIES
    )
    appears = tree.find("section", class_="appears")
    assert len(appears.find_all("a")) == cells + 2
    appraisal = tree.find("section", class_="appraisal")
    assert "Scotland, United States" in appraisal.clean_text
    assert len(appraisal.find("div", class_="appraisal-effect").find_all("li")) == 2


@pytest.mark.parametrize("size", [1, 10])
def test_home_page_queries_are_fixed(client, django_assert_num_queries, size):
    for number in range(size):
        matrix = make_matrix(f"m{number}", f"Matrix {number}", position=number)
        fill_cell(get_cell(matrix, "A1"), 3)
        make_topic(slug=f"topic-{number}", title=f"Topic {number}")
    tree = count_queries(client, "/", django_assert_num_queries, HOME_QUERIES)
    assert len(tree.find_all("table", class_="grid")) == size
    assert len(tree.find_all("td", class_="grid-cell")) == 25 * size


@pytest.mark.parametrize("entries", [3, 30])
def test_row_page_queries_are_fixed(client, matrix, django_assert_num_queries, entries):
    for code in ("A2", "C2", "E2"):
        fill_cell(get_cell(matrix, code), entries)
    tree = count_queries(client, "/matrices/test/rows/2/", django_assert_num_queries, ROW_QUERIES)
    assert len(tree.find_all("li", class_="course-cell")) == 5


# Search: the synonym list, the labels of the cells the user may see (facets, filters and
# places), whether there are more matches than are counted exactly (the planner's estimate on
# PostgreSQL, a capped count on SQLite), the total with every facet count and the subjects'
# names (one statement, over a sample when there are many), one page of matches with their
# snippets and listings (one statement: no query for the documents, their authors or their
# cells), and the cells, bite sections and topics the user may see, with whether each matches.
# Then: which typed words the bank holds (a word it does not may be cut short), how many
# documents hold each word (one statement: the words' rarity weighs relevance), and the rows
# and columns whose words the search uses (where such studies sit).
# On PostgreSQL one more sets the statement timeout for them (search/limits.py), and one
# more asks the planner how common each word is before counting the rare ones.
SEARCH_QUERIES = 9


@pytest.mark.parametrize("documents", [3, 40])
def test_search_queries_do_not_grow_with_the_results(client, django_assert_num_queries, documents):
    for number in range(documents):
        make_document(title=f"Mutual aid study {number}").tags.add("mutual aid", f"s{number}")
    make_topic(title="Mutual aid groups")
    # The tag lookup needs the document content type, which Django caches per process.
    ContentType.objects.get_for_model(Document)
    expected = SEARCH_QUERIES + 2 * (connection.vendor == "postgresql")
    tree = count_queries(client, "/search/?q=mutual+aid", django_assert_num_queries, expected)
    results = tree.find("ol", class_="results").find_all("li", class_="result")
    assert len(results) == min(documents, 20)
    assert "Mutual aid groups" in [a.clean_text for a in tree.find_all("a")]
