"""The editors' markup: every construct, the errors it reports, and checking in one query."""

import pytest
from django.core.exceptions import ValidationError

from markup.models import Anchor
from markup.render import render
from matrix.models import BiteSection, CellEntry
from studies.models import Document, DocumentSection
from tests.factories import (
    get_cell,
    make_chart,
    make_document,
    make_entry,
    make_matrix,
    make_section,
    make_topic,
)
from tests.htmlparse import parse

pytestmark = pytest.mark.django_db

CELL_PAGE = "cell:alcohol/E4"
DOC_PAGE = "doc:some-document"


def html_of(source, page=DOC_PAGE):
    rendered = render(source, page)
    assert rendered.errors == []
    return rendered.html


def only(tree, tag, **attrs):
    found = tree.find_all(tag, **attrs)
    assert len(found) == 1, f"expected one <{tag}> {attrs}, found {found}"
    return found[0]


@pytest.fixture
def alcohol():
    return make_matrix("alcohol", "Alcohol")


@pytest.fixture
def e4(alcohol):
    return get_cell(alcohol, "E4")


# Links by reference.


@pytest.mark.parametrize(
    "target, href, classes",
    [
        ("doc:manning-2012", "/documents/manning-2012/", "ref-doc"),
        ("doc:manning-2012#findings", "/documents/manning-2012/#findings", "ref-doc ref-passage"),
        ("cell:alcohol/A4", "/matrices/alcohol/A4/", "ref-cell"),
        ("cell:drug/e1", "/matrices/drug/E1/", "ref-cell"),
        ("topic:twelve-step", "/topics/twelve-step/", "ref-topic"),
        ("matrix:drug", "/matrices/drug/", "ref-matrix"),
        ("https://example.org/a?b=1", "https://example.org/a?b=1", "ext"),
        ("mailto:editors@example.org", "mailto:editors@example.org", "ext"),
    ],
)
def test_links_by_reference_become_urls_with_classes(target, href, classes):
    link = only(parse(html_of(f"See [the thing]({target}).")), "a")
    assert link["href"] == href
    assert link["class"] == classes
    assert link.text == "the thing"


def test_a_cell_link_with_an_anchor_opens_the_bite():
    link = only(parse(html_of("[discussion](cell:alcohol/E4#aftercare-mutual-aid)")), "a")
    assert link["href"] == "/matrices/alcohol/E4/?bite=open#aftercare-mutual-aid"
    assert link["class"] == "ref-cell ref-passage"


def test_bare_anchor_links_point_into_the_same_page():
    on_document = only(parse(html_of("[above](#findings)", DOC_PAGE)), "a")
    assert on_document["href"] == "/documents/some-document/#findings"
    assert on_document["class"] == "ref-passage"
    on_cell = only(parse(html_of("[below](#aftercare-mutual-aid)", CELL_PAGE)), "a")
    assert on_cell["href"] == "/matrices/alcohol/E4/?bite=open#aftercare-mutual-aid"
    assert on_cell["class"] == "ref-passage"


def test_autolinks_are_external_links():
    tree = parse(html_of("Read <https://example.org/x> or write to <editors@example.org>."))
    web, mail = tree.find_all("a")
    assert (web["href"], web["class"]) == ("https://example.org/x", "ext")
    assert (mail["href"], mail["class"], mail.text) == (
        "mailto:editors@example.org",
        "ext",
        "editors@example.org",
    )


def test_references_are_recorded_for_checking():
    rendered = render("[a](doc:one) [b](cell:alcohol/e4#about) [c](topic:t) [d](#here)", DOC_PAGE)
    assert [str(ref) for ref in rendered.references] == [
        "doc:one",
        "cell:alcohol/E4#about",
        "topic:t",
    ]
    assert rendered.local_anchors == ["here"]


@pytest.mark.parametrize(
    "target, message",
    [
        ("cell:alcohol/F9", "is not a cell reference"),
        ("doc:Not_A_Slug", "is not a valid slug"),
        ("doc:ok#Bad_Anchor", "is not a valid anchor name"),
        ("matrix:alcohol#top", "cannot carry an anchor"),
        ("chart:some-chart", "charts are placed with [[chart:...]]"),
        ("/documents/manning/", "is not allowed"),
        ("ftp://example.org/file", "is not allowed"),
    ],
)
def test_malformed_links_are_errors_and_lose_their_href(target, message):
    rendered = render(f"[x]({target})", DOC_PAGE)
    assert any(message in error for error in rendered.errors), rendered.errors
    assert "href" not in only(parse(rendered.html), "a").attrs


# Hover notes.


def test_a_link_title_becomes_a_note_announced_to_screen_readers():
    tree = parse(html_of('[simulation study](doc:smit-2011 "Modelling eHealth at national scale")'))
    wrapper = only(tree, "span", class_="has-note")
    link = only(wrapper, "a")
    note = only(wrapper, "span", role="tooltip")
    assert note.has_class("note")
    assert note.text == "Modelling eHealth at national scale"
    assert link["aria-describedby"] == note["id"]
    assert "title" not in link.attrs
    assert link["href"] == "/documents/smit-2011/"


def test_an_external_link_can_carry_a_note_too():
    tree = parse(html_of('[NICE](https://www.nice.org.uk/ "The institute")'))
    link = only(tree, "a", class_="ext")
    assert link["aria-describedby"] == only(tree, "span", role="tooltip")["id"]


def test_a_phrase_note_is_a_focusable_button_described_by_its_note():
    tree = parse(html_of("Only [20 participants]^[Ten in each group.] took part."))
    wrapper = only(tree, "span", class_="has-note")
    # A span with the role of a button, so that a long phrase wraps like the words around it.
    button = only(wrapper, "span", class_="note-phrase")
    note = only(wrapper, "span", role="tooltip")
    assert (button["role"], button["tabindex"], button.text) == ("button", "0", "20 participants")
    assert note.text == "Ten in each group."
    assert button["aria-describedby"] == note["id"]
    assert "Only" in tree.text and "took part." in tree.text
    assert "^[" not in tree.text


def test_note_ids_are_unique_within_a_text_and_between_texts():
    first = parse(html_of('[a]^[one] and [b]^[two] and [c](doc:x "three")'))
    second = parse(html_of("[d]^[four] in another text"))
    notes = first.find_all("span", role="tooltip") + second.find_all("span", role="tooltip")
    note_ids = [note["id"] for note in notes]
    assert len(note_ids) == 4 == len(set(note_ids))
    triggers = [
        node["aria-describedby"]
        for tree in (first, second)
        for node in tree.iter()
        if "aria-describedby" in node.attrs
    ]
    assert triggers == note_ids


# Named passages.


def test_a_passage_name_at_the_end_of_a_line_names_the_paragraph():
    rendered = render("First paragraph. {#first-point}\n\nSecond paragraph.", DOC_PAGE)
    tree = parse(rendered.html)
    passage = only(tree, "p", id="first-point")
    assert passage["class"] == "passage"
    assert passage.text == "First paragraph."
    assert rendered.anchors == ["first-point"]


def test_a_passage_name_on_its_own_final_line_names_the_paragraph():
    rendered = render("A paragraph\nthat runs on.\n{#own-line}\n\nNext.", DOC_PAGE)
    passage = only(parse(rendered.html), "p", id="own-line")
    assert passage["class"] == "passage"
    assert passage.clean_text == "A paragraph that runs on."
    assert "{#" not in rendered.html


def test_list_items_and_headings_can_be_passages():
    tree = parse(html_of("- an item {#the-item}\n- another\n\n## A heading {#a-title}"))
    assert only(tree, "li", id="the-item")["class"] == "passage"
    assert only(tree, "h4", id="a-title").text == "A heading"


@pytest.mark.parametrize(
    "source, message",
    [
        ("Text {#bite}", "'bite' is reserved"),
        ("Text {#main}", "'main' is reserved"),
        ("Text {#about-heading}", "names ending '-heading' are kept"),
        ("Text {#entry-smith-2001}", "names starting 'entry-' are kept for the cell page"),
        ("Text {#note-abc123-1}", "names starting 'note-' are kept for hover notes"),
        ("Text {#Bad_Name}", "'Bad_Name' is not a valid name"),
        ("Text {#9lives}", "'9lives' is not a valid name"),
        ("One {#twice}\n\nTwo {#twice}", "'twice' is used twice"),
    ],
)
def test_reserved_invalid_and_duplicate_passage_names_are_errors(source, message):
    rendered = render(source, DOC_PAGE)
    assert any(message in error for error in rendered.errors), rendered.errors


# Supplementary text, pull quotes, headings.


def test_supplement_unfolds_from_its_summary():
    source = (
        "Before.\n\n/// supplement | Does the evidence hold up?\n"
        "The *details*.\n\nMore.\n///\n\nAfter."
    )
    tree = parse(html_of(source))
    details = only(tree, "details")
    assert details["class"] == "supplement"
    assert "open" not in details.attrs
    assert only(details, "summary").text == "Does the evidence hold up?"
    body = only(details, "div", class_="supplement-body")
    assert [p.text for p in body.find_all("p")] == ["The details.", "More."]
    assert tree.find_all("p")[-1].text == "After."


def test_a_supplement_without_a_summary_gets_a_default_one():
    tree = parse(html_of("/// supplement\nHidden.\n///"))
    assert only(tree, "summary").text == "Supplementary text"


def test_pull_quote_is_an_aside():
    tree = parse(html_of("Text.\n\n/// pullquote\nSo where does this leave us?\n///"))
    aside = only(tree, "aside")
    assert aside["class"] == "pull-quote"
    assert aside.clean_text == "So where does this leave us?"


def test_headings_sit_below_the_page_headings():
    tree = parse(html_of("# One\n\n## Two\n\n### Three\n\n#### Four\n\n###### Six"))
    assert [(node.tag, node.text) for node in tree.iter()] == [
        ("h3", "One"),
        ("h4", "Two"),
        ("h5", "Three"),
        ("h6", "Four"),
        ("h6", "Six"),
    ]


def test_ordinary_markdown_still_works():
    tree = parse(html_of("*em* **strong**\n\n- one\n- two\n\n1. first\n2. second"))
    assert only(tree, "em").text == "em"
    assert only(tree, "strong").text == "strong"
    assert [li.text for li in only(tree, "ul").find_all("li")] == ["one", "two"]
    assert [li.text for li in only(tree, "ol").find_all("li")] == ["first", "second"]


# Charts.


def test_a_chart_alone_on_its_line_is_placed_as_an_accessible_figure(e4):
    source_doc = make_document(slug="timko-2007", authors=["Timko C.", "DeBenedetti A."], year=2007)
    make_chart(slug="referral", title="Abstinent after referral", source=source_doc)
    section = make_section(
        e4, body="Before.\n\n[[chart:referral]]\n\nAfter ([see chart](#chart-referral))."
    )
    section.full_clean()
    tree = parse(BiteSection.objects.get(pk=section.pk).body_html)
    figure = only(tree, "figure", id="chart-referral")
    assert figure["class"] == "chart"
    # Two drawings: the wide one, and a taller one for narrow screens (CSS shows one).
    for drawing in ("wide", "narrow"):
        svg = only(figure, "svg", class_=f"chart-svg-{drawing}")
        assert svg["role"] == "img"
        assert only(svg, "title").text == "Abstinent after referral"
        assert "Intensive 51%, Standard 41%" in only(svg, "desc").text
    narrow = only(figure, "svg", class_="chart-svg-narrow")
    assert narrow["viewbox"].split()[2] == "340"
    assert only(narrow, "tspan").text == "Abstinent"
    scroller = only(figure, "div", class_="chart-table")
    assert (scroller["role"], scroller["tabindex"]) == ("region", "0")
    assert scroller["aria-label"] == "The numbers: Abstinent after referral"
    table = only(scroller, "table")
    assert [th.text for th in table.find_all("th", scope="col")] == ["", "Intensive", "Standard"]
    assert [td.text for td in table.find_all("td")] == ["51%", "41%"]
    assert only(figure, "a", class_="ref-doc")["href"] == "/documents/timko-2007/"
    assert "[[chart:" not in tree.text
    assert Anchor.objects.filter(page="cell:alcohol/E4", name="chart-referral").exists()


def test_changing_a_chart_redraws_the_texts_that_show_it(e4):
    chart = make_chart(slug="referral")
    section = make_section(e4, body="[[chart:referral]]")
    chart.data = "label, Intensive, Standard\nAbstinent, 60, 30"
    chart.save()
    html = BiteSection.objects.get(pk=section.pk).body_html
    assert "<td>60%</td><td>30%</td>" in html
    assert "51%" not in html


@pytest.mark.parametrize(
    "body",
    [
        "See [[chart:referral]] here.",
        "[[chart:referral]] and more",
        "See [the study](doc:x) [[chart:referral]]",
        "- [[chart:referral]]",
        "Text\n[[chart:referral]]",
    ],
)
def test_a_chart_not_alone_on_its_line_is_an_error(e4, body):
    make_chart(slug="referral")
    make_document(slug="x")
    section = BiteSection(cell=e4, kind="about", anchor="about", body=body)
    with pytest.raises(ValidationError) as caught:
        section.full_clean()
    assert caught.value.message_dict["body"] == [
        "A chart ([[chart:...]]) must stand alone on its own line."
    ]


def test_chart_markup_in_code_is_shown_not_placed():
    rendered = render("Place one with `[[chart:slug]]` on its own line.", DOC_PAGE)
    assert rendered.errors == []
    assert rendered.placed == []
    assert "<code>[[chart:slug]]</code>" in rendered.html


# Validation through full_clean().


@pytest.fixture
def targets(alcohol, e4):
    """Things that exist: a document with a section, a topic, a chart, a bite section."""
    document = make_document(slug="manning-2012")
    DocumentSection(document=document, heading="Findings", anchor="findings", body="Text.").save()
    make_topic(slug="twelve-step")
    make_chart(slug="referral")
    make_section(e4, kind="issue", heading="Aftercare?", anchor="aftercare", body="Text {#verdict}")
    return document


@pytest.mark.parametrize(
    "text, named",
    [
        ("[x](doc:no-such-document)", "there is no document 'no-such-document'"),
        ("[x](cell:heroin/A1)", "there is no cell heroin A1"),
        ("[x](topic:no-such-topic)", "there is no hot topic 'no-such-topic'"),
        ("[x](matrix:heroin)", "there is no matrix 'heroin'"),
        ("[[chart:no-such-chart]]", "there is no chart 'no-such-chart'"),
        ("[x](doc:manning-2012#nowhere)", "there is no passage 'nowhere'"),
        ("[x](cell:alcohol/E4#nowhere)", "there is no passage 'nowhere'"),
        ("[x](#nowhere)", "Broken link '#nowhere'"),
    ],
)
def test_a_broken_reference_is_a_validation_error_naming_it(targets, text, named):
    source = f"Before.\n\n{text}\n\nAfter."
    document = Document(slug="new-document", kind="study", title="New", commentary=source)
    anchors_before = Anchor.objects.count()
    with pytest.raises(ValidationError) as caught:
        document.full_clean()
    errors = caught.value.message_dict
    assert list(errors) == ["commentary"]
    assert any(named in message for message in errors["commentary"]), errors
    reference = text.split("](")[-1].rstrip(")") if "](" in text else "chart:no-such-chart"
    assert any(reference in message for message in errors["commentary"])
    assert document.commentary == source  # the editor's text is kept
    assert not Document.objects.filter(slug="new-document").exists()
    assert Anchor.objects.count() == anchors_before


def test_valid_references_pass_full_clean(targets):
    document = Document(
        slug="new-document",
        kind="study",
        title="New",
        commentary=(
            "[a](doc:manning-2012) [b](doc:manning-2012#findings) [c](cell:alcohol/A4) "
            "[d](cell:alcohol/E4#aftercare) [e](cell:alcohol/E4#verdict) [f](topic:twelve-step) "
            "[g](matrix:alcohol) [h](#own) and a passage {#own}\n\n[[chart:referral]]"
        ),
    )
    document.full_clean()


def test_errors_are_reported_on_the_field_that_has_them(targets):
    document = Document(
        slug="new-document",
        kind="study",
        title="New",
        standfirst="Fine [link](doc:manning-2012).",
        abstract="Broken [link](doc:missing-one).",
        commentary="Also [broken](topic:missing-two).",
    )
    with pytest.raises(ValidationError) as caught:
        document.full_clean()
    errors = caught.value.message_dict
    assert set(errors) == {"abstract", "commentary"}
    assert "doc:missing-one" in errors["abstract"][0]
    assert "topic:missing-two" in errors["commentary"][0]


def test_a_broken_edit_leaves_the_stored_text_unchanged(targets):
    document = targets
    document.commentary = "A good [link](cell:alcohol/E4#aftercare)."
    document.save()
    document.commentary = "Now a [broken](doc:gone-missing) link."
    with pytest.raises(ValidationError) as caught:
        document.full_clean()
    assert "doc:gone-missing" in caught.value.message_dict["commentary"][0]
    assert document.commentary == "Now a [broken](doc:gone-missing) link."
    stored = Document.objects.get(pk=document.pk)
    assert stored.commentary == "A good [link](cell:alcohol/E4#aftercare)."
    assert "/matrices/alcohol/E4/?bite=open#aftercare" in stored.commentary_html


def test_an_anchor_removed_from_the_text_being_edited_no_longer_counts(e4):
    section = make_section(e4, kind="about", body="A passage {#old-name}")
    section.body = "Renamed {#new-name} and a link to [the old one](#old-name)."
    with pytest.raises(ValidationError) as caught:
        section.full_clean()
    assert "#old-name" in caught.value.message_dict["body"][0]


def test_a_link_to_a_passage_in_another_section_of_the_same_cell_resolves(e4):
    make_section(e4, kind="about", anchor="about", body="The point {#key-point}")
    entry = CellEntry(
        cell=e4,
        document=make_document(),
        roles="K",
        headline="Headline",
        annotation="See [the point](#key-point) and [about](#about).",
    )
    entry.full_clean()
    entry.save()
    assert (
        '<a class="ref-passage" href="/matrices/alcohol/E4/?bite=open#key-point">'
        in entry.annotation_html
    )


# Checking references costs one query, however many there are.


def test_checking_a_text_with_many_references_runs_one_query(
    targets, alcohol, e4, django_assert_num_queries
):
    for number in range(10):
        make_document(slug=f"doc-{number}")
    make_entry(e4, document=targets, roles="K")
    links = []
    for number in range(10):
        links += [
            f"[d{number}](doc:doc-{number})",
            f"[c{number}](cell:alcohol/{'ABCDE'[number % 5]}{number % 5 + 1})",
        ]
    links += [
        "[x](doc:manning-2012#findings)",
        "[x](cell:alcohol/E4#aftercare)",
        "[x](cell:alcohol/E4#verdict)",
        "[x](topic:twelve-step)",
        "[x](matrix:alcohol)",
        "[x](#entry-manning-2012)",
        "[x](#aftercare)",
        "[x](#mine)",
        "[x](cell:alcohol/E4#mine)",
    ]
    section = BiteSection(
        cell=get_cell(alcohol, "E4"),
        kind="start",
        anchor="start",
        body=" ".join(links) + " {#mine}\n\n[[chart:referral]]",
    )
    assert len(render(section.body, "cell:alcohol/E4").references) == 26
    # One query settles every reference; a second draws the placed chart.
    with django_assert_num_queries(2):
        texts = section.render_markup()
    assert texts.errors == {}

    section.body += "\n\n[a](doc:missing) [b](topic:missing) [c](#missing)\n\n[[chart:missing]]"
    with django_assert_num_queries(2):
        texts = section.render_markup()
    assert len(texts.errors["body"]) == 4


def test_punctuation_after_a_note_is_kept_on_the_phrases_line():
    tree = parse(
        html_of('Only [20 participants]^[Ten.], then [NICE](https://nice.org.uk/ "Inst.")). End')
    )
    kept = tree.find_all("span", class_="note-nowrap")
    assert len(kept) == 2
    assert [node.text for node in kept] == ["20 participantsTen.,", "NICEInst.)."]
    assert all(only(node, "span", class_="has-note") for node in kept)
    # No punctuation, no wrapper.
    assert not parse(html_of("[a]^[one] and more")).find_all("span", class_="note-nowrap")


def test_render_markup_brings_old_stored_html_up_to_date(demo):
    """After an upgrade that changes what the markup emits, one command renders every stored
    text (and chart) again, changing no source text."""
    from django.core.management import call_command

    from matrix.models import BiteSection, Chart

    section = BiteSection.objects.exclude(body="").first()
    chart = Chart.objects.first()
    body = section.body
    BiteSection.objects.filter(pk=section.pk).update(body_html="<p>old output</p>")
    Chart.objects.filter(pk=chart.pk).update(html="<svg>old</svg>")
    call_command("render_markup", verbosity=0)
    section.refresh_from_db()
    chart.refresh_from_db()
    assert section.body == body and "old output" not in section.body_html and section.body_html
    assert chart.html != "<svg>old</svg>" and "<svg" in chart.html
