"""What readers see of how strong the evidence is: the verdict card and freshness on the cell
page, each entry's appraisal, the evidence table (sorted by links, downloaded as CSV), the
document page's appraisal and the methods page. Drafts show nowhere for readers."""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import User
from django.test import Client

from matrix.models import CellVerdict
from studies.models import Document, EffectMeasure, Population, Setting
from tests.factories import get_cell, make_document, make_entry, make_matrix
from tests.htmlparse import page

pytestmark = pytest.mark.django_db

CELL = "/matrices/test/E4/"
TABLE = "/matrices/test/E4/evidence/"
CSV = "/matrices/test/E4/evidence.csv"


def pairs(dl):
    """{term: description} of a description list whose pairs sit in divs."""
    return {div.find("dt").clean_text: div.find("dd").clean_text for div in dl.find_all("div")}


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, f"{url} answered {response.status_code}"
    return page(response)


def staff_client():
    client = Client()
    client.force_login(User.objects.create_user("staff", is_staff=True))
    return client


@pytest.fixture
def cell():
    """A cell with a trial from England, a review from the US and the UK, guidance with no
    appraisal, and a draft study from Wales."""
    make_matrix("test", "Test")
    cell = get_cell("test", "E4")
    trial = make_document(
        slug="trial",
        title="A trial of assertive linkage",
        year=2012,
        design="randomised-trial",
        participants=1726,
        outcomes="Abstinence at 12 months\nDays drinking",
        effect_direction="favours-intervention",
        doi="10.1000/trial",
    )
    trial.countries.set(["GB-ENG"])
    EffectMeasure.objects.create(
        document=trial,
        outcome="Abstinent at 12 months",
        measure="risk ratio",
        value="1.25",
        ci_low="1.05",
        ci_high="1.49",
    )
    review = make_document(
        slug="review",
        title="A review of mutual aid",
        year=2020,
        kind=Document.Kind.REVIEW,
        design="systematic-review",
        studies_included=27,
        effect_direction="mixed",
    )
    review.countries.set(["US", "GB"])
    guidance = make_document(
        slug="guidance", title="Guidance on referral", year=2011, kind=Document.Kind.GUIDANCE
    )
    draft = make_document(
        slug="draft-study",
        title="=A draft study from Wales",
        year=2030,
        design="randomised-trial",
        participants=50,
        status=Document.Status.DRAFT,
    )
    draft.countries.set(["GB-WLS"])
    make_entry(
        cell,
        document=trial,
        roles="K",
        order=1,
        certainty="moderate",
        certainty_reasons=["imprecision"],
        headline="Linkage helps",
    )
    make_entry(cell, document=review, roles="R", order=2, certainty="low", headline="Reviewed")
    make_entry(cell, document=guidance, roles="G", order=3, headline="Guided")
    make_entry(cell, document=draft, roles="K", order=4, certainty="high", headline="Drafted")
    return cell


def write_verdict(cell, **fields):
    defaults = {
        "bottom_line": "Linking patients to mutual aid *works*.",
        "certainty": "moderate",
        "certainty_reasons": ["imprecision", "indirectness"],
        "certainty_note": "Few trials, most in one country.",
        "effect": "More people stay abstinent.",
        "works_for": "Adults in outpatient care; unclear for young people.",
        "mechanism": "More meetings attended.",
        "implementation": "Staff who know the local groups.",
        "cost_band": 2,
        "cost_note": "Staff time only.",
        "unclear": "Whether it lasts beyond a year.",
        "last_appraised": datetime.date(2026, 5, 1),
    }
    verdict = CellVerdict(cell=cell, **{**defaults, **fields})
    verdict.save()
    return verdict


# The verdict card.


def test_the_verdict_card_sits_at_the_top_with_everything_the_editors_wrote(client, cell):
    verdict = write_verdict(cell)
    evaluation = make_document(slug="costs", title="What linkage costs", year=2015)
    hidden = make_document(slug="secret-costs", status=Document.Status.DRAFT)
    verdict.economic_evaluations.set([evaluation, hidden])
    cell.review_due = datetime.date(2099, 1, 1)
    cell.save()
    tree = get(client, CELL)
    html = client.get(CELL).content.decode()
    assert html.index('class="verdict"') < html.index('id="entries"')
    card = tree.find("section", class_="verdict")
    assert card.find("div", class_="bottom-line").find("em").text == "works"
    certainty = card.find("div", class_="verdict-certainty")
    assert certainty.find("strong", class_="certainty-word").text == "Moderate"
    assert "Further research may well change the size" in certainty.clean_text
    assert "Certainty lowered for indirectness and imprecision." in certainty.clean_text or (
        "Certainty lowered for imprecision and indirectness." in certainty.clean_text
    )
    assert "Few trials, most in one country." in certainty.clean_text
    for name, text in [
        ("verdict-effect", "More people stay abstinent."),
        ("verdict-works-for", "unclear for young people"),
        ("verdict-mechanism", "More meetings attended."),
        ("verdict-implementation", "Staff who know the local groups."),
        ("verdict-unclear", "Whether it lasts beyond a year."),
    ]:
        assert text in card.find("div", class_=name).clean_text
    cost = card.find("div", class_="verdict-cost")
    # The band in words, not only in symbols or colour; the symbols are hidden from readers.
    assert cost.find("strong", class_="cost-words").clean_text == "Cost band 2 (low)"
    assert "on a scale from 1 (very low) to 5 (very high)" in cost.clean_text
    assert cost.find("span", class_="cost-band")["aria-hidden"] == "true"
    assert len(cost.find_all("span", class_="is-on")) == 2
    assert "Staff time only." in cost.clean_text
    links = [a["href"] for a in cost.find_all("a")]
    assert links == ["/documents/costs/"]  # the draft evaluation is not offered to readers
    assert "/documents/secret-costs/" in [
        a["href"]
        for a in get(staff_client(), CELL).find("div", class_="verdict-cost").find_all("a")
    ]
    freshness = pairs(card.find("dl", class_="freshness"))
    assert freshness == {
        "Newest study": "2012",  # the draft's 2030 is not the reader's
        "Last appraised": "1 May 2026",
        "Review due": "1 January 2099",  # not overdue
    }
    assert card.find("a", href="/methods/")


def test_a_review_past_its_date_is_overdue(client, cell):
    write_verdict(cell)
    cell.review_due = datetime.date(2020, 1, 1)
    cell.save()
    freshness = get(client, CELL).find("dl", class_="freshness")
    assert freshness.find("strong", class_="overdue").text == "overdue"


@pytest.mark.parametrize("verdict", [False, True])
def test_without_a_written_verdict_the_page_says_it_is_not_appraised(client, cell, verdict):
    if verdict:  # a card left empty is no verdict
        write_verdict(cell, bottom_line="", certainty="not_rated", cost_band=None)
    card = get(client, CELL).find("section", class_="verdict")
    assert "not yet appraised" in card.find("p", class_="not-appraised").clean_text
    assert not card.find_all("dl", class_="verdict-facts")
    freshness = pairs(card.find("dl", class_="freshness"))
    assert freshness["Newest study"] == "2012" and freshness["Review due"] == "no date set"


def test_a_not_rated_verdict_says_so_and_shows_no_scale(client, cell):
    write_verdict(cell, certainty="not_rated", certainty_reasons=[])
    certainty = get(client, CELL).find("div", class_="verdict-certainty")
    assert certainty.find("strong").text == "Not rated"
    assert "no basis" in certainty.clean_text
    assert not certainty.find_all("span", class_="certainty-scale")


def test_each_entry_shows_its_design_size_countries_and_certainty(client, cell):
    tree = get(client, CELL)
    trial = tree.find("li", id="entry-trial").find("p", class_="entry-appraisal").clean_text
    assert trial == (
        "Randomised controlled trial · 1,726 participants · England · "
        "Certainty: moderate (lowered for imprecision)"
    )
    review = tree.find("li", id="entry-review").find("p", class_="entry-appraisal").clean_text
    assert review == (
        "Systematic review · 27 studies · United Kingdom, United States · Certainty: low"
    )
    # Guidance with nothing appraised shows no line at all.
    assert not tree.find("li", id="entry-guidance").find_all("p", class_="entry-appraisal")
    assert not tree.find_all("li", id="entry-draft-study")


# The evidence table.


def table_rows(tree):
    body = tree.find("table", class_="evidence-table").find("tbody")
    return body.find_all("tr")


def row_texts(tr):
    """A row as the CSV writes it: lists joined with "; ", the effect's parts too."""
    cells = [tr.find("th"), *tr.find_all("td")]
    texts = []
    for node in cells:
        items = [li.clean_text for li in node.find_all("li")]
        paragraphs = [p.clean_text for p in node.find_all("p")]
        if node.has_class("col-document"):
            texts.append(node.find("a").clean_text)
        elif node.has_class("col-outcomes"):
            texts.append("; ".join(items))
        elif node.has_class("col-effect"):
            texts.append("; ".join(paragraphs + items))
        else:
            texts.append(node.clean_text)
    return texts


def test_the_cell_page_links_to_its_evidence_table(client, cell):
    tree = get(client, CELL)
    assert tree.find("p", class_="table-link").find("a")["href"] == TABLE
    filtered = get(client, f"{CELL}?country=GB")
    assert filtered.find("p", class_="table-link").find("a")["href"] == f"{TABLE}?country=GB"


def test_the_table_has_a_row_per_entry_with_its_appraisal(client, cell):
    tree = get(client, TABLE)
    headings = [th.clean_text.split(",")[0] for th in tree.find("thead").find_all("th")]
    assert headings == [
        "Document",
        "Role",
        "Design",
        "Participants or studies",
        "Countries",
        "Outcomes",
        "Effect",
        "Certainty",
    ]
    rows = table_rows(tree)
    assert [row_texts(tr) for tr in rows] == [
        [
            "A trial of assertive linkage",
            "Key study",
            "Randomised controlled trial",
            "1,726 participants",
            "England",
            "Abstinence at 12 months; Days drinking",
            "Favours the intervention; Abstinent at 12 months: risk ratio 1.25 (95% CI 1.05 to "
            "1.49)",
            "Moderate (lowered for imprecision)",
        ],
        [
            "A review of mutual aid",
            "Review",
            "Systematic review",
            "27 studies",
            "United Kingdom, United States",
            "",
            "Mixed",
            "Low",
        ],
        ["Guidance on referral", "Guidance", "", "", "", "", "", "Not rated"],
    ]
    assert rows[0].find("a")["href"] == "/documents/trial/"
    assert "Draft" not in tree.find("table").clean_text


def sort_headers(tree):
    return {
        th["class"].removeprefix("col-").capitalize(): (
            th.get("aria-sort"),
            links[0]["href"] if (links := th.find_all("a")) else "",
        )
        for th in tree.find("thead").find_all("th")
    }


def test_sorting_by_header_links_without_javascript(client, cell):
    plain = sort_headers(get(client, TABLE))
    assert all(aria is None for aria, _ in plain.values())
    assert plain["Certainty"][1] == f"{TABLE}?sort=-certainty"  # surest first
    assert plain["Design"][1] == f"{TABLE}?sort=design"
    assert plain["Outcomes"][1] == ""  # not sortable
    tree = get(client, f"{TABLE}?sort=-certainty")
    assert [row_texts(tr)[0] for tr in table_rows(tree)] == [
        "A trial of assertive linkage",
        "A review of mutual aid",
        "Guidance on referral",  # not rated comes last, whichever way
    ]
    headers = sort_headers(tree)
    assert headers["Certainty"] == ("descending", f"{TABLE}?sort=certainty")
    tree = get(client, f"{TABLE}?sort=certainty")
    assert [row_texts(tr)[0] for tr in table_rows(tree)][:2] == [
        "A review of mutual aid",
        "A trial of assertive linkage",
    ]
    assert sort_headers(tree)["Certainty"][0] == "ascending"
    assert "sorted by certainty, ascending" in tree.find("caption").clean_text
    by_size = [row_texts(tr)[0] for tr in table_rows(get(client, f"{TABLE}?sort=-size"))]
    assert by_size == [
        "A trial of assertive linkage",
        "A review of mutual aid",
        "Guidance on referral",
    ]


def test_sorting_keeps_the_filters_and_the_filters_keep_the_sort(client, cell):
    tree = get(client, f"{TABLE}?country=GB&sort=design")
    assert [row_texts(tr)[0] for tr in table_rows(tree)] == [
        "A trial of assertive linkage",
        "A review of mutual aid",
    ]
    assert sort_headers(tree)["Certainty"][1] == f"{TABLE}?country=GB&sort=-certainty"
    countries = tree.find("nav", class_="filter-country")
    assert countries.find("a", href=f"{TABLE}?country=US&sort=design")
    download = tree.find("p", class_="downloads").find("a")
    assert download["href"] == f"{CSV}?country=GB&sort=design" and "download" in download.attrs


@pytest.mark.parametrize("sort", ["nonsense", "--design", "-", "outcomes"])
def test_a_sort_that_is_not_one_keeps_the_cell_order_with_a_message(client, cell, sort):
    response = Client().get(f"{TABLE}?sort={sort}")
    assert response.status_code == 200
    assert response.headers.get("X-Page-Cache") != "hit"
    tree = page(response)
    assert "cannot be sorted by" in tree.find("p", class_="filter-unknown").clean_text
    assert len(table_rows(tree)) == 3


def read_csv(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize("query", ["", "?sort=-certainty", "?country=GB-ENG", "?design=mixed"])
def test_the_csv_parses_back_and_matches_the_page(client, cell, query):
    tree = get(client, f"{TABLE}{query}")
    rows = read_csv(client.get(f"{CSV}{query}"))
    assert rows[0] == [
        "Document",
        "Role",
        "Design",
        "Participants or studies",
        "Countries",
        "Outcomes",
        "Effect",
        "Certainty",
        "Year",
        "DOI",
        "Address",
    ]
    page_rows = [row_texts(tr) for tr in table_rows(tree)] if tree.find_all("table") else []
    assert [row[:8] for row in rows[1:]] == page_rows
    by_title = {row[0]: row for row in rows[1:]}
    if "A trial of assertive linkage" in by_title:
        assert by_title["A trial of assertive linkage"][8:] == [
            "2012",
            "10.1000/trial",
            "http://testserver/documents/trial/",
        ]


def test_the_csv_is_a_download_named_for_the_cell_and_its_filters(client, cell):
    response = client.get(CSV)
    assert response["Content-Disposition"] == 'attachment; filename="test-E4-evidence.csv"'
    response = client.get(f"{CSV}?country=GB&design=randomised-trial")
    assert response["Content-Disposition"] == (
        'attachment; filename="test-E4-evidence-GB-randomised-trial.csv"'
    )


def test_drafts_are_in_no_table_csv_count_or_filter_for_readers(client, cell):
    tree = get(client, TABLE)
    assert "draft" not in tree.find("table").clean_text.lower()
    assert "3 entries" in tree.find("caption").clean_text
    assert not any("Wales" in " ".join(row) for row in read_csv(client.get(CSV)))
    for url in (CELL, TABLE):
        nav = get(client, url).find("nav", class_="filter-country")
        assert "Wales" not in nav.clean_text
        assert nav.find("a").clean_text == "All (3 entries)"
    assert get(client, f"{TABLE}?country=GB-WLS").find("p", class_="filter-unknown")
    # Editors see it, flagged, and a spreadsheet cannot run its title as a formula.
    staff = staff_client()
    staff_tree = get(staff, TABLE)
    assert "Draft" in staff_tree.find("table").clean_text
    rows = read_csv(staff.get(CSV))
    assert "'=A draft study from Wales" in [row[0] for row in rows]


def test_an_empty_table_says_so(client, cell):
    tree = get(client, "/matrices/test/A1/evidence/")
    assert "no studies, reviews or guidance yet" in tree.find("p", class_="empty-note").clean_text
    assert read_csv(client.get("/matrices/test/A1/evidence.csv")) == [read_csv(client.get(CSV))[0]]


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/matrices/test/e4/evidence/", 301),
        ("/matrices/test/e4/evidence.csv", 301),
        ("/matrices/nope/E4/evidence/", 404),
        ("/matrices/nope/E4/evidence.csv", 404),
        ("/matrices/test/F4/evidence/", 404),
        ("/matrices/test/E4/evidence/?country=%00", 200),
        ("/matrices/test/E4/evidence.csv?sort=" + "x" * 500, 200),
    ],
)
def test_bad_addresses_get_clear_answers(client, cell, url, status):
    assert client.get(url).status_code == status


@pytest.mark.parametrize("url", [CELL, TABLE])
def test_a_control_character_asked_for_is_not_repeated_into_the_page(client, cell, url):
    response = client.get(f"{url}?country=G%00B%1b&design=%07trial")
    assert response.status_code == 200
    assert not any(ord(ch) < 32 and ch not in "\n\t\r" for ch in response.content.decode())
    messages = [p.clean_text for p in page(response).find_all("p", class_="filter-unknown")]
    assert any("“trial”" in m for m in messages)


def test_an_unpublished_cell_has_no_table_for_readers(client, cell):
    cell.status = cell.Status.DRAFT
    cell.save()
    assert client.get(TABLE).status_code == 404
    assert client.get(CSV).status_code == 404
    assert staff_client().get(TABLE).status_code == 200


# The document page.


def test_the_document_page_shows_the_appraisal_fields_that_are_filled(client, cell):
    trial = Document.objects.get(slug="trial")
    trial.comparison = "Usual referral"
    trial.follow_up = "12 months"
    trial.risk_of_bias = "some-concerns"
    trial.risk_of_bias_note = "Outcomes were self-reported."
    trial.funding = "A national research council."
    trial.conflicts = "None declared."
    trial.substances = "Alcohol"
    trial.save()
    trial.care_settings.set(Setting.objects.filter(slug="specialist-outpatient"))
    trial.populations.set(Population.objects.filter(slug="women"))
    section = get(client, "/documents/trial/").find("section", class_="appraisal")
    dl = section.find("dl")
    facts = pairs(dl)
    assert facts == {
        "Design": "Randomised controlled trial",
        "Size": "1,726 participants",
        "Where": "England",
        "Settings": "Specialist outpatient",
        "Populations": "Women",
        "Substances": "Alcohol",
        "Compared with": "Usual referral",
        "Follow-up": "12 months",
        "Outcomes measured": facts["Outcomes measured"],
        "Effect": facts["Effect"],
        "Risk of bias": facts["Risk of bias"],
        "Funding": "A national research council.",
        "Conflicts of interest": "None declared.",
    }
    outcomes = dl.find("div", class_="appraisal-outcomes").find_all("li")
    assert [li.clean_text for li in outcomes] == ["Abstinence at 12 months", "Days drinking"]
    effect = dl.find("div", class_="appraisal-effect")
    assert effect.find("p").clean_text == "Favours the intervention"
    assert effect.find("li").clean_text == (
        "Abstinent at 12 months: risk ratio 1.25 (95% CI 1.05 to 1.49)"
    )
    risk = [p.clean_text for p in dl.find("div", class_="appraisal-risk-of-bias").find_all("p")]
    assert risk == ["Some concerns", "Outcomes were self-reported."]
    assert section.find("a")["href"] == "/methods/#design"


def test_the_document_page_shows_only_what_is_filled(client, cell):
    review = get(client, "/documents/review/").find("section", class_="appraisal")
    assert [dt.clean_text for dt in review.find_all("dt")] == [
        "Design",
        "Size",
        "Where",
        "Effect",
    ]
    guidance = get(client, "/documents/guidance/")
    assert not guidance.find_all("section", class_="appraisal")


# The methods page.


def test_the_methods_page_is_linked_from_the_footer_and_every_cell(client, cell):
    tree = get(client, "/")
    assert tree.find("footer").find("a", href="/methods/")
    assert get(client, "/matrices/test/A1/").find("a", href="/methods/")  # an empty cell too
    assert get(client, CELL).find("a", href="/methods/")


def test_the_methods_page_says_how_we_choose_and_judge(client):
    tree = get(client, "/methods/")
    text = tree.find("main").clean_text
    for heading in ("Choosing documents", "Certainty", "Cost bands", "Funding", "Reusing"):
        assert heading in text
    assert [dt.clean_text for dt in tree.find("dl", class_="certainty-levels").find_all("dt")] == [
        "High",
        "Moderate",
        "Low",
        "Very low",
        "Not rated",
    ]
    assert "“Not rated” is always allowed." in text
    assert "Randomised controlled trial" in tree.find("section", id="design").clean_text
    assert "Key studies" in tree.find("section", id="choosing").clean_text


def test_the_methods_page_takes_funding_and_licence_from_settings(client, settings):
    settings.BANK_FUNDING_STATEMENT = "Funded by the Example Trust, which sees nothing first."
    settings.CONTENT_LICENCE = "CC BY-SA 4.0 for our writing."
    settings.CONTENT_LICENCE_URL = "https://creativecommons.org/licenses/by-sa/4.0/"
    tree = get(client, "/methods/")
    assert tree.find("p", class_="funding-statement").clean_text == (
        "Funded by the Example Trust, which sees nothing first."
    )
    assert tree.find("p", class_="licence-statement").clean_text == "CC BY-SA 4.0 for our writing."
    assert tree.find("a", href="https://creativecommons.org/licenses/by-sa/4.0/")


def test_the_methods_page_defaults_claim_no_funder(client):
    tree = get(client, "/methods/")
    assert (
        "have not yet published who funds it"
        in tree.find("p", class_="funding-statement").clean_text
    )
    assert "CC BY 4.0" in tree.find("p", class_="licence-statement").clean_text


# The filters' arithmetic.


def test_the_uk_is_offered_when_only_its_nations_are_named_and_counts_each_entry_once():
    from matrix.filters import country_facet

    rows = [
        (1, "GB-SCT", "Scotland", "GB", "United Kingdom"),
        (2, "GB-ENG", "England", "GB", "United Kingdom"),
        (2, "GB-SCT", "Scotland", "GB", "United Kingdom"),
        (3, "US", "United States", None, ""),
        (4, None, "", None, ""),
    ]
    facet = country_facet(rows, "gb")
    assert [(c.value, c.count, c.part_of) for c in facet.choices] == [
        ("GB", 2, ""),
        ("GB-ENG", 1, "United Kingdom"),
        ("GB-SCT", 2, "United Kingdom"),
        ("US", 1, ""),
    ]
    assert facet.total == 4 and facet.chosen == "GB"
    assert [key for key in range(1, 5) if facet.admits(key)] == [1, 2]
    assert facet.chosen_parts == ["England", "Scotland"]
    within = country_facet(rows, "", within={2, 3})
    assert [(c.value, c.count) for c in within.choices] == [
        ("GB", 1),
        ("GB-ENG", 1),
        ("GB-SCT", 1),
        ("US", 1),
    ]
    assert within.total == 2
    assert country_facet(rows, "FR").unknown


def test_a_filter_keeps_the_other_filters_choice_in_its_links():
    from matrix.filters import EntryFilter, country_facet, design_facet

    countries = country_facet([(1, "US", "United States", None, "")], "US")
    designs = design_facet([(1, "cohort-study")], "")
    entry_filter = EntryFilter([countries, designs])
    entry_filter.link("/cell/", keep={"sort": "-size"})
    assert designs.choices[0].href == "/cell/?country=US&design=cohort-study&sort=-size"
    assert countries.all_href == "/cell/?sort=-size"
    assert entry_filter.chosen_labels == "United States"
