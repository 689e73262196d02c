"""Editors never lose work: stale saves, big cells, big texts, odd input, hiding confirmed."""

import pytest
from django.core.exceptions import ValidationError

from matrix.models import BiteSection, Cell, CellEntry, Chart, Matrix, Row
from studies.models import Document
from tests.admin_forms import cell_change_url, editor_named, entry_index, form_data
from tests.factories import get_cell, make_document
from tests.htmlparse import page
from topics.models import HotTopic

pytestmark = pytest.mark.django_db

TIMKO = "timko-debenedetti-2007-intensive-referral"


def errors_on(response):
    tree = page(response)
    return " ".join(node.clean_text for node in tree.find_all(class_="errorlist"))


# Stale saves.


def test_a_stale_save_is_refused_saying_who_changed_what_and_the_typing_is_kept(demo):
    e4 = get_cell("alcohol", "E4")
    alice, bob = editor_named("alice"), editor_named("bob")
    first, second = e4.entries.order_by("order")[:2]
    alice_form = form_data(alice.get(cell_change_url(e4)))
    bob_form = form_data(bob.get(cell_change_url(e4)))

    bob_form["scope"] = "Bob's new scope."
    bob_form[f"entries-{entry_index(bob_form, second)}-headline"] = "Bob's headline"
    assert bob.post(cell_change_url(e4), bob_form).status_code == 302

    alice_form[f"entries-{entry_index(alice_form, first)}-headline"] = "Alice's headline"
    response = alice.post(cell_change_url(e4), alice_form)
    assert response.status_code == 200
    message = errors_on(response)
    assert "Someone else saved this cell after you opened it: bob at" in message
    assert "scope" in message and "1 entries changed" in message
    assert "Nothing you typed has been saved" in message
    assert 'value="Alice&#x27;s headline"' in response.text  # still in the form
    first.refresh_from_db(), second.refresh_from_db(), e4.refresh_from_db()
    assert first.headline != "Alice's headline"
    assert (e4.scope, second.headline) == ("Bob's new scope.", "Bob's headline")

    # Alice merges Bob's scope into her form and saves again: it goes through.
    merged = form_data(response)
    assert merged[f"entries-{entry_index(merged, first)}-headline"] == "Alice's headline"
    merged["scope"] = "Bob's new scope."
    merged[f"entries-{entry_index(merged, second)}-headline"] = "Bob's headline"
    assert alice.post(cell_change_url(e4), merged).status_code == 302
    first.refresh_from_db()
    assert first.headline == "Alice's headline"
    e4.refresh_from_db()
    assert e4.scope == "Bob's new scope."


def _change(obj):
    """Someone else's save, made outside the form."""
    if isinstance(obj, Document):
        obj.standfirst = "Changed meanwhile."
    elif isinstance(obj, HotTopic):
        obj.essay = "Changed meanwhile."
    elif isinstance(obj, Chart):
        obj.caption = "Changed meanwhile."
    elif isinstance(obj, (Matrix, Row)):
        obj.introduction = "Changed meanwhile."
    obj.save()


@pytest.mark.parametrize(
    "url, model, lookup",
    [
        ("studies/document", Document, {"slug": TIMKO}),
        ("topics/hottopic", HotTopic, {"slug": "twelve-step-mutual-aid"}),
        ("matrix/chart", Chart, {"slug": "timko-2007-referral-outcomes"}),
        ("matrix/matrix", Matrix, {"slug": "alcohol"}),
        ("matrix/row", Row, {"matrix__slug": "alcohol", "number": 4}),
    ],
)
def test_every_content_form_refuses_a_stale_save(editor_client, url, model, lookup):
    obj = model.objects.get(**lookup)
    change_url = f"/admin/{url}/{obj.pk}/change/"
    data = form_data(editor_client.get(change_url))
    _change(model.objects.get(pk=obj.pk))
    response = editor_client.post(change_url, data)
    assert response.status_code == 200
    assert "Someone else saved this" in errors_on(response)
    assert "it was changed outside this form" in errors_on(response)
    assert "Changed meanwhile." in str(model.objects.filter(pk=obj.pk).values().get())
    # Saving again from the form as shown goes through (the editor has seen the warning).
    assert editor_client.post(change_url, form_data(response)).status_code == 302


def test_an_unchanged_form_saves_twice_without_a_false_alarm(editor_client, demo):
    e4 = get_cell("alcohol", "E4")
    url = cell_change_url(e4)
    for _ in range(2):
        assert editor_client.post(url, form_data(editor_client.get(url))).status_code == 302


# Big cells and big requests.


@pytest.fixture
def big_cell(demo):
    cell = get_cell("alcohol", "A1")
    documents = [
        Document(
            slug=f"big-{n}",
            kind="study",
            status="published",
            title=f"Study number {n} of many",
            year=2000 + n % 20,
        )
        for n in range(300)
    ]
    Document.objects.bulk_create(documents)
    for n, document in enumerate(Document.objects.filter(slug__startswith="big-")):
        CellEntry(cell=cell, document=document, roles="K", headline=f"Headline {n}", order=n).save()
    return cell


def test_a_cell_with_300_entries_is_edited_a_page_at_a_time(editor_client, big_cell):
    url = cell_change_url(big_cell)
    response = editor_client.get(url)
    assert response.status_code == 200
    assert "This cell has 300 entries; showing 1–20" in response.text
    data = form_data(response)
    assert data["entries-INITIAL_FORMS"] == 20
    assert editor_client.post(url, data).status_code == 302

    response = editor_client.get(url + "?entries_page=3")
    assert "showing 41–60" in response.text
    data = form_data(response)
    entry = CellEntry.objects.get(cell=big_cell, order=45)
    data[f"entries-{entry_index(data, entry)}-headline"] = "Edited on page three"
    assert editor_client.post(url + "?entries_page=3", data).status_code == 302
    entry.refresh_from_db()
    assert entry.headline == "Edited on page three"
    assert big_cell.entries.count() == 300
    assert big_cell.entries.filter(headline="Headline 5").exists()


def test_a_too_large_request_gets_the_sites_own_page(client, demo):
    response = client.post(
        "/matrices/alcohol/E4/comment/",
        {"name": "x", "email": "x@example.org", "message": "x" * 3_000_000},
    )
    assert response.status_code == 413
    assert "Too much was sent at once" in response.text
    assert "what you typed is still in the form" in response.text


def test_a_request_with_too_many_fields_gets_the_sites_own_page(client, demo):
    response = client.post("/matrices/alcohol/E4/comment/", {f"field{n}": "x" for n in range(1500)})
    assert response.status_code == 400
    assert "The form had too many fields" in response.text


def test_a_2_mb_annotation_is_refused_quickly_with_its_size_and_kept(editor_client, demo):
    e4 = get_cell("alcohol", "E4")
    entry = e4.entries.order_by("order").first()
    data = form_data(editor_client.get(cell_change_url(e4)))
    huge = "A very long annotation about mutual aid. " * 48_000 + "THE-END-MARKER"
    data[f"entries-{entry_index(data, entry)}-annotation"] = huge
    response = editor_client.post(cell_change_url(e4), data)
    assert response.status_code == 200
    assert "This text is 2.0 MB; the limit is 200 KB." in errors_on(response)
    assert "THE-END-MARKER" in response.text
    entry.refresh_from_db()
    assert "THE-END-MARKER" not in entry.annotation


def test_too_intricate_markup_is_refused_with_a_count(demo):
    section = BiteSection(
        cell=get_cell("alcohol", "E3"), kind="about", anchor="about", body="# Heading\n" * 600
    )
    with pytest.raises(ValidationError) as caught:
        section.full_clean()
    assert "600 headings; a text may have at most 500" in str(caught.value)


# Control characters.


def test_nul_and_control_characters_never_reach_the_database(client, editor_client, demo):
    assert client.get("/search/?q=%00mutual%01aid").status_code == 200
    assert client.get("/search/?q=%00").status_code == 200
    autocomplete = (
        "/admin/autocomplete/?term=%00Timko&app_label=matrix&model_name=cellentry"
        "&field_name=document"
    )
    response = editor_client.get(autocomplete)
    assert response.status_code == 200
    assert "Timko" in response.text or "intensive" in response.text

    response = client.post(
        "/matrices/alcohol/E4/comment/",
        {"name": "Ann\x00 Reader", "email": "ann@example.org", "message": "Hi\x00 there\x1b."},
    )
    assert response.status_code == 302
    from feedback.models import EditorMessage

    message = EditorMessage.objects.get()
    assert (message.name, message.message) == ("Ann Reader", "Hi there.")

    e4 = get_cell("alcohol", "E4")
    data = form_data(editor_client.get(cell_change_url(e4)))
    data["scope"] = "Scope with a\x00 NUL\x07 in it."
    assert editor_client.post(cell_change_url(e4), data).status_code == 302
    e4.refresh_from_db()
    assert e4.scope == "Scope with a NUL in it."


# Charts.


@pytest.mark.parametrize(
    "data, message",
    [
        ("label, A\nx, nan", "give a finite number"),
        ("label, A\nx, inf", "give a finite number"),
        ("label, A\nx, -1", "negative value"),
        ("label, A\nx, 1e12", "more than the largest value"),
        ("label, A\nx, many", "not a number"),
        ("label, " + ", ".join(f"S{n}" for n in range(9)) + "\nx" + ", 1" * 9, "at most 8 series"),
        ("label, A\n" + "\n".join(f"g{n}, 1" for n in range(51)), "at most 50 groups"),
        ("label, A\n" + "\n".join(f"g{n}, 1" for n in range(20_000)), "this one has 20000"),
        ("label, A\n" + "x" * 101 + ", 1", "keep it to 100"),
    ],
)
def test_bad_chart_data_gets_a_clear_message(editor_client, demo, data, message):
    chart = Chart.objects.get(slug="timko-2007-referral-outcomes")
    url = f"/admin/matrix/chart/{chart.pk}/change/"
    form = form_data(editor_client.get(url))
    form["data"] = data
    response = editor_client.post(url, form)
    assert response.status_code == 200
    assert message in errors_on(response)
    assert Chart.objects.get(pk=chart.pk).data == chart.data


def test_a_chart_with_eight_series_and_fifty_groups_draws(demo):
    from tests.factories import make_chart

    header = "label, " + ", ".join(f"S{n}" for n in range(8))
    rows = "\n".join(f"g{n}, " + ", ".join(str(n + s) for s in range(8)) for n in range(50))
    chart = make_chart(slug="wide", data=f"{header}\n{rows}")
    # Drawn twice, wide and narrow (phones), each with every bar, then one legend.
    wide, narrow_and_legend = chart.html.split("chart-svg-narrow", 1)
    assert wide.count("<rect") == 8 * 50
    assert narrow_and_legend.count("<rect") == 8 * 50 + 8  # bars and legend swatches
    assert "nan" not in chart.html


# Ids that would collide on a page.


def test_a_passage_named_like_a_section_is_an_error_naming_both(demo):
    e4 = get_cell("alcohol", "E4")
    entry = e4.entries.order_by("order").first()
    entry.annotation += " {#care-coordination}"
    with pytest.raises(ValidationError) as caught:
        entry.full_clean()
    text = str(caught.value)
    assert "The name 'care-coordination' is already used on this page by bite section" in text


def test_a_passage_named_like_an_entry_or_a_page_id_is_refused(demo):
    e4 = get_cell("alcohol", "E4")
    entry = e4.entries.order_by("order").first()
    for name, message in [
        (f"entry-{TIMKO}", "names starting 'entry-' are kept for the cell page"),
        ("about-heading", "names ending '-heading' are kept"),
        ("entries", "'entries' is reserved for the cell page"),
    ]:
        entry.annotation = f"Some text. {{#{name}}}"
        with pytest.raises(ValidationError) as caught:
            entry.full_clean()
        assert message in str(caught.value)


def test_a_section_named_like_a_passage_elsewhere_on_the_page_is_refused(demo):
    e4 = get_cell("alcohol", "E4")
    passage = e4.bite_sections.get(anchor="start")  # its body names passages
    name = next(a for a in ("left-to-services", "guideline-cascade") if a in passage.body)
    section = BiteSection(cell=e4, kind="issue", heading="New", anchor=name, body="Text.")
    with pytest.raises(ValidationError) as caught:
        section.full_clean()
    assert f"The name '{name}' is already used on this page by" in str(caught.value)


# Hiding what readers see is confirmed first.


def test_hiding_a_document_lists_every_place_first_and_needs_a_tick(editor_client, demo):
    document = Document.objects.get(slug=TIMKO)
    url = f"/admin/studies/document/{document.pk}/change/"
    data = form_data(editor_client.get(url))
    data["status"] = "draft"
    response = editor_client.post(url, data)
    assert response.status_code == 200
    text = page(response).find(id="hide-heading").parent.clean_text
    assert "Cell: Alcohol Treatment Matrix cell E4" in text
    assert "Chart source: the chart" in text
    assert "Hot topic: 12-step mutual aid groups" in text
    assert "Linked from: bite section" in text
    assert Document.objects.get(pk=document.pk).status == "published"

    data = form_data(response)
    data["_confirm_hide"] = "1"
    assert editor_client.post(url, data).status_code == 302
    assert Document.objects.get(pk=document.pk).status == "draft"


def test_unpublishing_a_cell_lists_the_texts_that_link_to_it(editor_client, demo):
    d2 = get_cell("alcohol", "D2")
    url = cell_change_url(d2)
    data = form_data(editor_client.get(url))
    data["status"] = "draft"
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "Where readers will stop seeing it" in response.text
    assert Cell.objects.get(pk=d2.pk).is_public


def test_hiding_a_document_shown_nowhere_needs_no_tick(editor_client, demo):
    document = make_document(slug="lonely", title="Shown nowhere")
    url = f"/admin/studies/document/{document.pk}/change/"
    data = form_data(editor_client.get(url))
    data["status"] = "draft"
    assert editor_client.post(url, data).status_code == 302
