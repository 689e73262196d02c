"""Every page answers with its content; unknown things are 404 with our page."""

import pytest
from django.contrib.auth.models import User

from matrix.models import Cell
from studies.models import AbstractTranslation, FeaturedStudy
from tests.factories import get_cell, make_document, make_entry, make_matrix, make_section
from tests.htmlparse import ids, page

pytestmark = pytest.mark.django_db

E4 = "/matrices/alcohol/E4/"
NICE_CITATION = "([UK] National Institute for Health and Care Excellence, 2011)"


def get_page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, f"{url} answered {response.status_code}"
    return response, page(response)


# Home and matrices.


def test_home_shows_both_matrices_latest_additions_topics_and_search(client, demo):
    response, tree = get_page(client, "/")
    main = tree.find("main")
    titles = [h2.clean_text for h2 in main.find_all("h2")]
    assert "Alcohol Treatment Matrix" in titles and "Drug Treatment Matrix" in titles
    assert len(main.find_all("td", class_="grid-cell")) == 50
    assert main.find("td", id="alcohol-cell-E4").find("a")["href"] == E4
    assert main.find("td", id="drug-cell-E1").find("a")["href"] == "/matrices/drug/E1/"
    latest = main.find("section", **{"aria-labelledby": "latest-heading"})
    latest_links = [a["href"] for a in latest.find_all("a")]
    assert latest_links[0] == "/documents/kepner-humphreys-2025-mutual-help-review/"
    assert len(latest_links) == 6
    topics = main.find("section", **{"aria-labelledby": "topics-heading"})
    assert (
        topics.find("a", href="/topics/twelve-step-mutual-aid/").text == "12-step mutual aid groups"
    )
    search = main.find("form", role="search")
    assert search["action"] == "/search/"
    assert search.find("input")["name"] == "q"


def test_matrix_page_shows_the_grid_with_headers_counts_and_guidance(client, demo):
    response, tree = get_page(client, "/matrices/alcohol/")
    assert tree.find("h1").text == "Alcohol Treatment Matrix"
    grid = tree.find("table", class_="grid")
    headers = grid.find("thead").find_all("th")
    assert [th.find("span", class_="grid-name").text for th in headers] == [
        "Interventions",
        "Practitioners",
        "Management/supervision",
        "Organisational functioning",
        "Treatment systems",
    ]
    assert headers[4].find("span", class_="grid-desc").text.startswith("How areas and nations")
    row_headers = grid.find("tbody").find_all("th", scope="row")
    assert [th.find("span", class_="grid-name").text for th in row_headers][3] == (
        "Psychosocial therapies"
    )
    assert row_headers[3].find("a", class_="grid-course")["href"] == "/matrices/alcohol/rows/4/"
    cells = grid.find_all("td", class_="grid-cell")
    assert len(cells) == 25
    e4 = grid.find("td", id="alcohol-cell-E4")
    assert e4.find("a")["href"] == E4
    counts = {
        count.find("span", class_="badge").text: count.find("span", class_="count-n").text
        for count in e4.find_all("span", class_="count")
    }
    assert counts == {"S": "1", "K": "6", "R": "5", "G": "4"}
    assert not e4.has_class("is-empty")
    a1 = grid.find("td", id="alcohol-cell-A1")
    assert a1.has_class("is-empty")
    assert a1.find("span", class_="counts-empty").text == "No documents yet"
    assert a1.find("a")["href"] == "/matrices/alcohol/A1/"  # empty, but not broken
    assert len(grid.find_all("td", class_="is-empty")) == 24
    guidance = tree.find("section", class_="audience")
    assert guidance.find("h2").text == "Where to look"
    assert guidance.find("div", class_="prose").clean_text
    assert tree.find_all("p", class_="highlight-note") == []
    assert tree.find_all(class_="is-highlighted") == []


def test_drug_matrix_page(client, demo):
    response, tree = get_page(client, "/matrices/drug/")
    assert tree.find("h1").text == "Drug Treatment Matrix"
    grid = tree.find("table", class_="grid")
    assert len(grid.find_all("td", class_="grid-cell")) == 25
    e1 = grid.find("td", id="drug-cell-E1")
    assert e1["data-column"] == "E: Local and national systems"
    assert "Local and national systems; Reducing harm" in e1.text


def test_row_query_highlights_a_row(client, demo):
    response, tree = get_page(client, "/matrices/alcohol/?row=4")
    assert tree.find("p", class_="highlight-note").clean_text.startswith("Highlighting row 4.")
    highlighted_rows = tree.find_all("tr", class_="is-highlighted")
    assert len(highlighted_rows) == 1
    assert highlighted_rows[0].find("th").find("span", class_="grid-name").text == (
        "Psychosocial therapies"
    )
    highlighted = [td["id"] for td in tree.find_all("td", class_="is-highlighted")]
    assert highlighted == [f"alcohol-cell-{c}4" for c in "ABCDE"]


def test_col_query_highlights_a_column(client, demo):
    response, tree = get_page(client, "/matrices/drug/?col=e")
    assert tree.find("p", class_="highlight-note").clean_text.startswith("Highlighting column E.")
    assert [th.find("a").text for th in tree.find_all("th", class_="is-highlighted")] == ["E"]
    highlighted = [td["id"] for td in tree.find_all("td", class_="is-highlighted")]
    assert highlighted == [f"drug-cell-E{r}" for r in range(1, 6)]


@pytest.mark.parametrize("query", ["?row=9", "?row=x", "?col=F", "?col=AB"])
def test_nonsense_highlights_are_ignored(client, demo, query):
    response, tree = get_page(client, f"/matrices/alcohol/{query}")
    assert tree.find_all(class_="is-highlighted") == []
    assert tree.find_all("p", class_="highlight-note") == []


# The cell page.


@pytest.fixture
def e4_page(client, e4):
    return get_page(client, E4)[1]


def test_cell_page_header_and_scope(e4_page):
    header = e4_page.find("header", class_="cell-header")
    assert header.find("p", class_="kicker").text == "Matrix cell"
    assert header.find("span", class_="cell-code").text == "Alcohol Treatment Matrix cell E4"
    assert (
        header.find("span", class_="cell-title").text == "Treatment systems; Psychosocial therapies"
    )
    assert header.find("div", class_="scope").clean_text.startswith(
        "Research on how local, regional and national systems"
    )
    assert "Alcohol E4: Treatment systems; Psychosocial therapies" in e4_page.find("title").text


def test_cell_page_legends(e4_page):
    legend = e4_page.find("dl", class_="role-legend")
    assert [dt.clean_text for dt in legend.find_all("dt")] == ["S", "K", "R", "G", "MORE"]
    howto = e4_page.find("ul", class_="howto")
    assert (
        howto.find("span", role="tooltip")["id"]
        == howto.find("span", class_="note-phrase")["aria-describedby"]
    )
    assert howto.find("details", class_="supplement")


def test_cell_page_lists_all_16_entries_grouped_s_k_r_g_with_badges(e4_page):
    entries = e4_page.find("section", id="entries")
    groups = entries.find_all("section", class_="role-group")
    assert [group.find("h3").clean_text for group in groups] == [
        "S Seminal studies",
        "K Key studies",
        "R Reviews",
        "G Guidance",
    ]
    per_group = [len(group.find_all("li", class_="entry")) for group in groups]
    assert per_group == [1, 6, 5, 4]
    for group, code in zip(groups, "SKRG", strict=True):
        for entry in group.find_all("li", class_="entry"):
            badges = entry.find("span", class_="badges")
            assert [b.text for b in badges.find_all("span", class_="badge")] == [code]
            assert entry["id"].startswith("entry-")
    first = groups[0].find("li", class_="entry")
    assert first["id"] == "entry-sisson-mallams-1981-systematic-encouragement"
    title = first.find("a", class_="entry-title")
    assert title["href"] == "/documents/sisson-mallams-1981-systematic-encouragement/"
    assert title.text == "Systematic linking takes next-week mutual aid attendance from none to all"
    assert first.find("span", class_="entry-when").text == "(1981)"
    assert "Seminal study" in first.find("span", class_="visually-hidden").text


def test_guidance_entries_cite_the_issuing_body_with_its_jurisdiction(e4_page):
    nice = e4_page.find("li", id="entry-nice-2011-alcohol-commissioning")
    assert nice.find("span", class_="entry-when").text == NICE_CITATION
    timko = e4_page.find("li", id="entry-timko-debenedetti-2007-intensive-referral")
    assert timko.find("span", class_="entry-when").text == "(2007)"


def test_annotations_carry_notes_cross_links_and_discussion_links(e4_page):
    sisson = e4_page.find("li", id="entry-sisson-mallams-1981-systematic-encouragement")
    annotation = sisson.find("div", class_="annotation")
    note = annotation.find("span", role="tooltip")
    assert annotation.find("span", class_="note-phrase")["aria-describedby"] == note["id"]
    hrefs = [a["href"] for a in annotation.find_all("a")]
    here = "/matrices/alcohol/E4/?bite=open#"
    assert here + "entry-manning-2012-active-referral" in hrefs
    assert here + "aftercare-mutual-aid" in hrefs  # "for discussion see below"
    inter = e4_page.find("li", id="entry-inter-service-transition-2012")
    assert inter.find("a", class_="ref-cell")["href"] == "/matrices/alcohol/E3/"


def test_cell_page_ids_are_unique_and_every_note_and_link_target_exists(e4_page):
    all_ids = ids(e4_page)
    assert len(all_ids) == len(set(all_ids)), "duplicate ids on the cell page"
    present = set(all_ids)
    for node in e4_page.iter():
        if "aria-describedby" in node.attrs:
            assert node["aria-describedby"] in present
        href = node.get("href", "")
        if node.tag == "a" and href.startswith(("#", "?bite=open#", "/matrices/alcohol/E4/?")):
            # A filter's link opens the page at its top (no fragment); any other names a
            # place on it.
            if "#" in href:
                assert href.split("#", 1)[1] in present, href


def test_more_link_and_dates_and_actions(e4_page):
    more = e4_page.find("div", class_="more")
    assert more.find("span", class_="badge-MORE").text == "MORE"
    link = more.find("a", href="/search/?q=mutual%20aid")
    assert "mutual aid" in link.text
    assert more.find("a", class_="ref-topic")["href"] == "/topics/twelve-step-mutual-aid/"
    dates = e4_page.find("p", class_="dates").clean_text
    assert "Last revised 20 November 2020" in dates
    assert "First uploaded 1 June 2013" in dates
    footer = e4_page.find("footer", class_="cell-footer")
    actions = [
        a["href"] for ul in footer.find_all("ul", class_="actions") for a in ul.find_all("a")
    ]
    assert actions == [
        "/brief/?cells=alcohol/E4",
        "/matrices/alcohol/E4/comment/",
        "/matrices/alcohol/E4/suggest/",
        "/subscribe/?follow=cell:alcohol/E4",
        "/matrices/alcohol/#alcohol-cell-E4",
        "/",
    ]


def test_the_bite_is_folded_by_default_with_a_link_to_unfold_it(e4_page):
    bite = e4_page.find("details", id="bite")
    assert "open" not in bite.attrs
    assert e4_page.find("a", class_="bite-open-link")["href"] == "?bite=open#bite"
    assert bite.find("summary").clean_text.startswith("Unfold the Matrix Bite")


def test_the_bite_is_open_when_the_address_asks(client, e4):
    response, tree = get_page(client, E4 + "?bite=open")
    assert "open" in tree.find("details", id="bite").attrs
    response, tree = get_page(client, E4 + "?bite=closed")
    assert "open" not in tree.find("details", id="bite").attrs


def test_bite_sections_issues_supplement_charts_and_pull_quotes(e4_page):
    bite = e4_page.find("details", id="bite")
    sections = bite.find_all("section", class_="bite-section")
    assert [s["id"] for s in sections] == [
        "about",
        "start",
        "highlighted-study",
        "care-coordination",
        "left-to-services",
        "aftercare-mutual-aid",
        "support-mutual-aid",
    ]
    assert [s.find("h3").text for s in sections[:3]] == [
        "What is this cell about?",
        "Where should I start?",
        "Highlighted study",
    ]
    assert bite.find("h3", class_="issues-heading").text == "Issues to consider and discuss"
    issue_headings = [s.find("h4").clean_text for s in sections[3:]]
    assert issue_headings == [
        "So fundamental it needs no evidence?",
        "How much should be left to services?",
        "Build your aftercare system on mutual aid?",
        "NICE says support mutual aid",
    ]
    supplement = bite.find("details", class_="supplement")
    assert "open" not in supplement.attrs
    assert supplement.find("summary").text == (
        "Does the evidence NICE relied on hold up? Unfold to check it"
    )
    assert supplement.find("figure", id="chart-timko-2007-referral-outcomes")
    for slug in ("timko-2007-referral-outcomes", "manning-2012-referral-outcomes"):
        figure = bite.find("figure", id=f"chart-{slug}")
        assert figure.find("svg")["role"] == "img"
        assert figure.find("table").find_all("td")
    timko_values = [
        td.text
        for td in bite.find("figure", id="chart-timko-2007-referral-outcomes").find_all("td")
    ]
    # The source's groups, in its order; a figure the record lacks is said, not dropped.
    assert timko_values == ["no figure", "no figure", "70%", "61%", "no figure", "no figure"] + [
        "51%",
        "41%",
    ]
    quotes = [aside.clean_text for aside in bite.find_all("aside", class_="pull-quote")]
    assert quotes == [
        "Give services a free hand and risk idiosyncratic practice, "
        "or bind them to what has been proved?",
        "So where does this leave the question we started with?",
    ]
    assert bite.find("p", id="aftercare-verdict").has_class("passage")
    assert bite.find("a", href="/matrices/alcohol/A4/").has_class("ref-cell")


def test_the_bite_has_a_contents_list_of_its_sections_and_issues(e4_page):
    nav = e4_page.find("nav", class_="bite-contents")
    assert nav["aria-labelledby"] == "bite-contents-heading"
    assert nav.find("h3", id="bite-contents-heading").text == "In this Matrix Bite"
    # Outside the folded bite, so it can be read before unfolding it.
    assert e4_page.find("details", id="bite").find_all("nav") == []
    links = nav.find_all("a")
    # Links work without JavaScript: the address opens the bite and lands on the section.
    assert [a["href"] for a in links] == [
        "?bite=open#about",
        "?bite=open#start",
        "?bite=open#highlighted-study",
        "?bite=open#bite-issues-heading",
        "?bite=open#care-coordination",
        "?bite=open#left-to-services",
        "?bite=open#aftercare-mutual-aid",
        "?bite=open#support-mutual-aid",
    ]
    assert [a.text for a in links[:4]] == [
        "What is this cell about?",
        "Where should I start?",
        "Highlighted study",
        "Issues to consider and discuss",
    ]
    assert links[4].text == "So fundamental it needs no evidence?"
    # The issues are a list inside the "Issues" item.
    assert len(nav.find("ol").find("ol").find_all("a")) == 4
    # Every link's target exists, and nothing is marked current before JavaScript runs.
    page_ids = set(ids(e4_page))
    assert all(a["href"].split("#")[1] in page_ids for a in links)
    assert not any("aria-current" in a.attrs for a in links)


def test_every_bite_section_ends_with_back_links(e4_page):
    sections = e4_page.find("details", id="bite").find_all("section", class_="bite-section")
    assert len(sections) == 7
    for section in sections:
        back = section.find_all("p", class_="bite-back")
        assert len(back) == 1, section["id"]
        hrefs = [(a.text, a["href"]) for a in back[0].find_all("a")]
        assert hrefs == [
            ("Back to contents", "#bite-contents-heading"),
            ("Back to the entries", "#entries"),
        ]
    page_ids = set(ids(e4_page))
    assert {"bite-contents-heading", "entries", "bite-issues-heading"} <= page_ids


def test_a_bite_without_issues_lists_only_its_sections(client):
    matrix = make_matrix("test", "Test")
    make_section(get_cell(matrix, "C3"), kind="about", body="Only an essay so far.")
    response, tree = get_page(client, "/matrices/test/C3/")
    links = tree.find("nav", class_="bite-contents").find_all("a")
    assert [a["href"] for a in links] == ["?bite=open#about"]


def test_neighbouring_cells(e4_page):
    nav = e4_page.find("nav", class_="neighbours")
    links = {a["href"]: a.text for a in nav.find_all("a")}
    assert links == {
        "/matrices/alcohol/D4/": "D4: Organisational functioning; Psychosocial therapies",
        "/matrices/alcohol/E3/": "E3: Treatment systems; Medical treatment",
        "/matrices/alcohol/E5/": "E5: Treatment systems; Safeguarding the community",
        "/matrices/alcohol/rows/4/": (
            "row 4, Psychosocial therapies (“The talking road to recovery”)"
        ),
    }


def test_an_empty_cell_says_so_plainly(client, demo):
    response, tree = get_page(client, "/matrices/alcohol/A1/")
    note = tree.find("p", class_="empty-note")
    assert note.clean_text.startswith("This cell has no content yet.")
    assert note.find("a", href="/matrices/alcohol/A1/suggest/")
    assert tree.find_all("section", id="entries") == []
    assert tree.find_all("details", id="bite") == []
    assert (
        tree.find("span", class_="cell-title").text
        == "Interventions; Screening and brief intervention"
    )
    assert tree.find("nav", class_="neighbours").find("a", href="/matrices/alcohol/B1/")


def test_drug_e1_page_uses_its_label(client, demo):
    response, tree = get_page(client, "/matrices/drug/E1/")
    assert tree.find("span", class_="cell-code").text == "Drug Treatment Matrix cell E1"
    assert (
        tree.find("span", class_="cell-title").text == "Local and national systems; Reducing harm"
    )


def test_entries_are_grouped_by_first_role_and_ordered_within_groups(client):
    matrix = make_matrix("test", "Test")
    cell = get_cell(matrix, "B2")
    make_entry(cell, roles="G", order=0, headline="Guidance first in order")
    make_entry(cell, roles="KR", order=1, headline="Key and review")
    make_entry(cell, roles="S", order=2, headline="Seminal second")
    make_entry(cell, roles="K", order=3, headline="Key later")
    make_entry(cell, roles="R", order=4, headline="Review")
    response, tree = get_page(client, "/matrices/test/B2/")
    groups = tree.find_all("section", class_="role-group")
    assert [[a.text for a in g.find_all("a", class_="entry-title")] for g in groups] == [
        ["Seminal second"],
        ["Key and review", "Key later"],
        ["Review"],
        ["Guidance first in order"],
    ]
    both = groups[1].find_all("li", class_="entry")[0]
    assert [b.text for b in both.find_all("span", class_="badge")] == ["K", "R"]
    assert "Key study and Review" in both.find("span", class_="visually-hidden").text
    assert "(2010)" in both.find("span", class_="entry-when").text


def test_a_cell_with_only_a_bite_shows_it(client):
    matrix = make_matrix("test", "Test")
    make_section(get_cell(matrix, "C3"), kind="about", body="Only an essay so far.")
    response, tree = get_page(client, "/matrices/test/C3/")
    assert tree.find_all("p", class_="empty-note") == []
    assert tree.find("section", id="about").find("h3").text == "What is this cell about?"


# Row pages.


def test_row_page_reads_the_row_as_a_course(client, demo):
    response, tree = get_page(client, "/matrices/alcohol/rows/4/")
    assert tree.find("h1").text == "The talking road to recovery"
    assert tree.find("p", class_="lede").text == "Row 4: Psychosocial therapies"
    assert tree.find("div", class_="prose").clean_text
    course = tree.find("ol", class_="course").find_all("li", class_="course-cell")
    assert [li.find("h2").find("a")["href"] for li in course] == [
        f"/matrices/alcohol/{c}4/" for c in "ABCDE"
    ]
    assert [li.find_all("p", class_="empty-note") != [] for li in course] == [True] * 4 + [False]
    e4 = course[4]
    assert e4.find("div", class_="scope").clean_text.startswith("Research on how local")
    assert "16 documents in this cell." in e4.find("p", class_="course-links").text
    assert e4.find("a", href="/matrices/alcohol/E4/?bite=open#bite")


def test_row_page_without_a_course_title_uses_the_row_name(client, demo):
    response, tree = get_page(client, "/matrices/drug/rows/5/")
    assert tree.find("h1").text == "Safeguarding the community"


# Document pages.


def test_study_page_citation_abstract_translation_and_tags(client, demo):
    url = "/documents/humphreys-2020-twelve-step-six-trials/"
    response, tree = get_page(client, url)
    title = (
        "Impact of 12-step mutual help groups on drug use disorder patients "
        "across six clinical trials"
    )
    assert tree.find("h1").text == title
    assert tree.find("span", class_="kind").text == "Study"
    citation = tree.find("p", class_="citation")
    authors = citation.find("span", class_="authors").text
    assert authors.startswith("Humphreys K., Barreto N.B., Alessi S.M.")
    assert authors.endswith("Kelly J.F., et al.")
    assert citation.find("span", class_="year").text == "(2020)"
    assert (
        citation.find("span", class_="source").clean_text
        == "Drug and Alcohol Dependence, 215, 108213."
    )
    doi = citation.find("span", class_="doi").find("a")
    assert doi["href"] == "https://doi.org/10.1016/j.drugalcdep.2020.108213"
    assert doi.text == "10.1016/j.drugalcdep.2020.108213"
    assert tree.find_all("strong", class_="flag") == []
    abstract = tree.find("section", class_="abstract")
    labels = [s.text for s in abstract.find("div", class_="prose").find_all("strong")]
    assert labels == ["Background", "Methods", "Results", "Conclusion"]
    translation = abstract.find("details", class_="translation")
    assert translation.find("summary").text == "Abstract in Simplified Chinese"
    chinese = translation.find("div", lang="zh-hans")
    assert [p.find("strong").text for p in chinese.find_all("p")] == [
        "背景",
        "方法",
        "结果",
        "结论",
    ]
    assert "**" not in chinese.text
    assert "1730名患者" in chinese.text
    tags = [a.text for a in tree.find("ul", class_="tag-list").find_all("a")]
    assert "mutual aid" in tags and "12-step groups" in tags
    assert tree.find("ul", class_="tag-list").find("a", href="/subjects/mutual-aid/")
    copy = tree.find("input", id="copy-text")
    assert copy["value"] == f"{title} http://testserver{url}"
    assert "readonly" in copy.attrs
    appears = tree.find("section", class_="appears")
    assert appears.find("a", href="/topics/twelve-step-mutual-aid/")


def test_analysis_page_shows_its_sections_and_featured_studies(client, demo):
    response, tree = get_page(client, "/documents/nugget-4-3-mutual-supports/")
    assert tree.find("span", class_="kind").text == "Analysis"
    sections = tree.find_all("section", class_="doc-section")
    assert [(s["id"], s.find("h2").text) for s in sections] == [
        ("findings", "Findings"),
        ("in-context", "In context"),
        ("practice-implications", "Practice implications"),
    ]
    featured = tree.find("section", class_="featured").find("ol").find_all("li")
    assert [li.find("a")["href"] for li in featured] == [
        "/documents/fiorentine-2000-additive-effects/",
        "/documents/fiorentine-1999-after-drug-treatment/",
        "/documents/fiorentine-2000-twelve-step-ideology/",
    ]


def test_document_page_says_where_it_appears(client, demo):
    response, tree = get_page(client, "/documents/manning-2012-active-referral/")
    appears = tree.find("section", class_="appears")
    cell_link = appears.find("a", href="/matrices/alcohol/E4/#entry-manning-2012-active-referral")
    assert (
        cell_link.text
        == "Alcohol Treatment Matrix cell E4: Treatment systems; Psychosocial therapies"
    )
    item = cell_link.parent
    assert [b.text for b in item.find_all("span", class_="badge")] == ["K"]
    assert "In England active referral boosts NA/AA attendance" in item.text
    assert appears.find("a", href="/topics/twelve-step-mutual-aid/")
    share = tree.find("section", class_="share")
    comment = share.find("a", href="/documents/manning-2012-active-referral/comment/")
    assert "comment or query" in comment.text


def test_guidance_page_cites_its_issuer(client, demo):
    response, tree = get_page(client, "/documents/nice-2011-alcohol-commissioning/")
    assert tree.find("span", class_="kind").text == "Guidance"
    source = tree.find("p", class_="citation").find("span", class_="source")
    assert source.text == "[UK] National Institute for Health and Care Excellence."


def test_consultation_draft_is_flagged(client):
    document = make_document(slug="draft-guidance", kind="guidance", status="consultation")
    response, tree = get_page(client, "/documents/draft-guidance/")
    assert tree.find("strong", class_="flag").text == "Consultation draft"
    document.status = "published"
    document.save()
    response, tree = get_page(client, "/documents/draft-guidance/")
    assert tree.find_all("strong", class_="flag") == []


def test_a_document_in_no_cell_says_so_and_offers_the_editors(client):
    make_document(slug="lonely", doi="", url="", free_url="")
    response, tree = get_page(client, "/documents/lonely/")
    appears = tree.find("section", class_="appears")
    assert appears.find("p").text == "Not yet placed in a matrix cell or hot topic."
    assert tree.find("section", class_="get-copy").find("a", href="/documents/lonely/comment/")


def test_free_source_is_offered_first(client):
    make_document(slug="free", free_url="https://example.org/free.pdf", url="https://example.org/")
    response, tree = get_page(client, "/documents/free/")
    links = [a["href"] for a in tree.find("section", class_="get-copy").find_all("a")]
    assert links == ["https://example.org/free.pdf", "https://example.org/"]


def test_translation_without_structure_is_shown_as_paragraphs(client):
    document = make_document(slug="translated", abstract="An abstract.")
    AbstractTranslation.objects.create(document=document, language="es", text="Uno.\n\nDos.")
    response, tree = get_page(client, "/documents/translated/")
    translation = tree.find("details", class_="translation")
    assert translation.find("summary").text == "Abstract in Spanish"
    assert [p.text for p in translation.find("div", lang="es").find_all("p")] == ["Uno.", "Dos."]


def test_featured_studies_keep_their_order(client):
    analysis = make_document(slug="analysis", kind="analysis")
    for position, slug in enumerate(["third", "first", "second"]):
        FeaturedStudy.objects.create(
            analysis=analysis, study=make_document(slug=slug), position=position
        )
    response, tree = get_page(client, "/documents/analysis/")
    featured = tree.find("section", class_="featured").find_all("a")
    assert [a["href"] for a in featured] == [
        "/documents/third/",
        "/documents/first/",
        "/documents/second/",
    ]


# Topics and search.


def test_topics_list(client, demo):
    response, tree = get_page(client, "/topics/")
    assert tree.find("h1").text == "Hot topics"
    link = tree.find("ul", class_="topic-cards").find("a")
    assert (link["href"], link.text) == (
        "/topics/twelve-step-mutual-aid/",
        "12-step mutual aid groups",
    )


def test_topic_page_with_go_button(client, demo):
    response, tree = get_page(client, "/topics/twelve-step-mutual-aid/")
    assert tree.find("h1").text == "12-step mutual aid groups"
    assert tree.find("div", class_="standfirst").clean_text
    go = tree.find("form", class_="go-form")
    assert (go["action"], go["method"]) == ("/search/", "get")
    assert go.find("input", name="q")["value"] == "mutual aid"
    assert go.find("button").clean_text.startswith("GO")
    assert tree.find("div", class_="essay").find_all("a", class_="ref-doc")
    documents = tree.find("ul", class_="doc-list").find_all("a")
    assert "/documents/manning-2012-active-referral/" in [a["href"] for a in documents]
    assert "Last revised" in tree.find("p", class_="dates").text


def test_search_finds_documents_for_mutual_aid(client, demo):
    response, tree = get_page(client, "/search/?q=mutual+aid")
    count = tree.find("p", class_="result-count").clean_text
    assert count.endswith("documents found for “mutual aid”.")
    results = tree.find("ol", class_="results").find_all("li", class_="result")
    hrefs = [li.find("a", class_="result-title")["href"] for li in results]
    assert "/documents/manning-2012-active-referral/" in hrefs
    assert "/documents/timko-debenedetti-2007-intensive-referral/" in hrefs
    assert count.startswith(f"{len(results)} documents")
    groups = tree.find("aside", class_="search-places")
    assert groups.find("a", href=E4)
    assert groups.find("a", href="/topics/twelve-step-mutual-aid/")
    assert tree.find("input", name="q")["value"] == "mutual aid"


def test_search_with_no_results_says_so(client, demo):
    response, tree = get_page(client, "/search/?q=xylophone")
    assert tree.find("p", class_="result-count").clean_text == (
        "The bank has no document on “xylophone” yet."
    )
    assert tree.find_all("ol", class_="results") == []
    # Never a bare "no results": ways on are offered.
    assert tree.find("section", class_="no-results").find("a", href="/subjects/")


def test_search_without_a_query_explains_itself(client, demo):
    response, tree = get_page(client, "/search/")
    assert tree.find_all("p", class_="result-count") == []
    assert "MORE link" in tree.find("main").text


def test_search_does_not_find_drafts(client):
    make_document(slug="draft-one", title="Zebrafish models draft", status="draft")
    make_document(slug="public-one", title="Zebrafish models published")
    response, tree = get_page(client, "/search/?q=zebrafish+models")
    hrefs = [a["href"] for a in tree.find("ol", class_="results").find_all("a")]
    assert hrefs == ["/documents/public-one/"]


# Unknown things, redirects, drafts.


@pytest.mark.parametrize(
    "url",
    [
        "/matrices/heroin/",
        "/matrices/heroin/E4/",
        "/matrices/alcohol/F4/",
        "/matrices/alcohol/E9/",
        "/matrices/alcohol/rows/9/",
        "/documents/no-such-document/",
        "/topics/no-such-topic/",
        "/no/such/page/",
    ],
)
def test_unknown_things_are_404_with_our_page(client, demo, url):
    response, tree = get_page(client, url, status=404)
    assert tree.find("h1").text == "We cannot find that page"
    assert url in tree.find("p", class_="lede").text
    assert tree.find("form", role="search")
    assert tree.find("a", href="/matrices/alcohol/")


def test_a_lowercase_cell_code_redirects(client, demo):
    response = client.get("/matrices/alcohol/e4/")
    assert response.status_code == 301
    assert response["Location"] == E4


def test_unpublished_cells_are_hidden_from_the_public_but_not_from_staff(client, demo):
    Cell.objects.filter(pk=get_cell("alcohol", "E4").pk).update(status="draft")
    get_page(client, E4, status=404)
    get_page(client, E4 + "comment/", status=404)
    response, tree = get_page(client, "/matrices/alcohol/")
    assert tree.find("td", id="alcohol-cell-E4").find_all("a") == []
    response, tree = get_page(client, "/matrices/alcohol/D4/")
    assert tree.find("nav", class_="neighbours").find_all("a", href=E4) == []
    response, tree = get_page(client, "/documents/manning-2012-active-referral/")
    appears = tree.find("section", class_="appears")
    assert appears.find_all("a", href=E4 + "#entry-manning-2012-active-referral") == []
    client.force_login(User.objects.create_user("staff", password="pw", is_staff=True))
    response, tree = get_page(client, E4)
    assert "Not public" in tree.find("p", class_="flag").text
    assert len(tree.find_all("li", class_="entry")) == 16


def test_draft_documents_are_hidden_from_the_public_but_not_from_staff(client, demo):
    make_document(slug="work-in-progress", status="draft", title="Still being written")
    get_page(client, "/documents/work-in-progress/", status=404)
    response, tree = get_page(client, "/")
    assert tree.find_all("a", href="/documents/work-in-progress/") == []
    client.force_login(User.objects.create_user("staff", password="pw", is_staff=True))
    response, tree = get_page(client, "/documents/work-in-progress/")
    assert tree.find("h1").text == "Still being written"
    assert "only editors" in tree.find("strong", class_="flag").text
