"""The main pages run a fixed number of queries, however much content they show."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from studies.models import AbstractTranslation, Document, DocumentSection, FeaturedStudy
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

# Cell page: the cell with its labels, its entries with their documents, its bite sections,
# and the cells of its matrix (for the neighbours).
CELL_PAGE_QUERIES = 4
# Grid: the matrix, its cells with their coverage (S/K/R/G counts, newest study), its
# columns, and the jurisdictions of its entries with their counts (for the filter links).
GRID_QUERIES = 4
# Document: the document, then its authors, sections, featured studies, translations, tags,
# cell entries (with their cells) and hot topics, one query each.
DOCUMENT_QUERIES = 8
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
            jurisdiction="UK" if "G" in roles else "",
        )
        previous = f" Compare [the one before](#entry-{documents[-1].slug})." if documents else ""
        make_entry(
            cell,
            document=document,
            roles=roles,
            order=number,
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


@pytest.mark.parametrize("entries", [15, 150])
def test_cell_page_queries_do_not_grow_with_its_entries(
    client, matrix, django_assert_num_queries, entries
):
    fill_cell(get_cell(matrix, "B3"), entries)
    tree = count_queries(client, "/matrices/test/B3/", django_assert_num_queries, CELL_PAGE_QUERIES)
    assert len(tree.find_all("li", class_="entry")) == entries
    # Filtered by jurisdiction, the same queries: the filter works on the entries it read.
    tree = count_queries(
        client, "/matrices/test/B3/?jurisdiction=UK", django_assert_num_queries, CELL_PAGE_QUERIES
    )
    assert 0 < len(tree.find_all("li", class_="entry")) < entries
    assert len(tree.find_all("section", class_="bite-section")) == 6
    assert len(tree.find_all("figure", class_="chart")) == 3
    assert tree.find("nav", class_="neighbours").find("a", href="/matrices/test/A3/")


@pytest.mark.parametrize("query", ["", "?jurisdiction=UK"])
@pytest.mark.parametrize("entries", [15, 150])
def test_grid_queries_do_not_grow_with_the_entries(
    client, matrix, django_assert_num_queries, entries, query
):
    fill_cell(get_cell(matrix, "B3"), entries)
    fill_cell(get_cell(matrix, "E5"), 15)
    tree = count_queries(client, f"/matrices/test/{query}", django_assert_num_queries, GRID_QUERIES)
    counts = tree.find("td", id="test-cell-B3").find_all("span", class_="count")
    total = sum(int(count.find("span", class_="count-n").text) for count in counts)
    if query:  # only the guidance is from the UK: every third entry
        assert 0 < total < entries
    else:
        assert total > entries  # entries with two roles count under both


@pytest.mark.parametrize("cells", [1, 20])
def test_document_page_queries_do_not_grow_with_the_cells_it_appears_in(
    client, matrix, django_assert_num_queries, cells
):
    document = make_document(
        slug="much-cited", authors=["A.", "B.", "C."], abstract="**Background** x"
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
# On PostgreSQL one more sets the statement timeout for them (search/limits.py).
SEARCH_QUERIES = 6


@pytest.mark.parametrize("documents", [3, 40])
def test_search_queries_do_not_grow_with_the_results(client, django_assert_num_queries, documents):
    for number in range(documents):
        make_document(title=f"Mutual aid study {number}").tags.add("mutual aid", f"s{number}")
    make_topic(title="Mutual aid groups")
    # The tag lookup needs the document content type, which Django caches per process.
    ContentType.objects.get_for_model(Document)
    expected = SEARCH_QUERIES + (connection.vendor == "postgresql")
    tree = count_queries(client, "/search/?q=mutual+aid", django_assert_num_queries, expected)
    results = tree.find("ol", class_="results").find_all("li", class_="result")
    assert len(results) == min(documents, 20)
    assert "Mutual aid groups" in [a.clean_text for a in tree.find_all("a")]
