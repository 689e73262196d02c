"""Preview: an unsaved change to a cell, document or topic on the real page, nothing saved."""

import html

import pytest
from django.contrib import admin
from django.db import connection, transaction
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from reversion.models import Version

from editorial.models import Change
from editorial.preview import render_for_readers, unsaved
from matrix.models import Cell, CellEntry, CellVerdict, Matrix
from studies.appraisal import Country, Population
from studies.models import Document
from tests.admin_forms import cell_change_url, entry_index, form_data
from tests.factories import get_cell
from tests.htmlparse import page, parse
from topics.models import HotTopic

pytestmark = pytest.mark.django_db

TIMKO = "timko-debenedetti-2007-intensive-referral"


def previewed(response):
    """The reader's page inside the preview, parsed."""
    frame = page(response).find("iframe", class_="preview-frame")
    return parse(html.unescape(frame["srcdoc"]))


def test_a_cell_preview_shows_the_typed_change_on_the_real_page(editor_client, demo):
    e4 = get_cell("alcohol", "E4")
    form = editor_client.get(cell_change_url(e4))
    assert f'formaction="/admin/matrix/cell/{e4.pk}/preview/"' in form.text
    data = form_data(form)
    entry = e4.entries.order_by("order").first()
    data[f"entries-{entry_index(data, entry)}-headline"] = "A headline typed but not saved"
    data["scope"] = "A new scope, *emphasised*."
    response = editor_client.post(f"/admin/matrix/cell/{e4.pk}/preview/", data)
    assert response.status_code == 200
    reader_page = previewed(response)
    assert "A headline typed but not saved" in reader_page.clean_text
    assert reader_page.find("div", class_="scope").find("em").text == "emphasised"
    assert reader_page.find("a", href="/admin/") is not None  # the site's own footer link
    e4.refresh_from_db()
    entry.refresh_from_db()
    assert e4.scope != "A new scope, *emphasised*."
    assert entry.headline != "A headline typed but not saved"


# What a write would send: a row written, or a transaction or savepoint opened to write one.
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN")


def writes(queries):
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]


def test_the_check_for_writes_sees_even_a_rolled_back_one(demo):
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        HotTopic.objects.filter(slug="twelve-step-mutual-aid").update(title="Changed")
        transaction.set_rollback(True)
    assert len(writes(queries)) >= 2  # the savepoint and the update


def test_a_preview_leaves_the_page_cache_and_the_record_untouched(editor_client, demo):
    e4 = get_cell("alcohol", "E4")
    data = form_data(editor_client.get(cell_change_url(e4)))
    data["scope"] = "A scope typed but not saved."
    reader_url = e4.get_absolute_url()
    assert Client().get(reader_url).headers.get("X-Page-Cache") == "miss"  # now stored
    before = (Change.objects.count(), Version.objects.count())
    response = editor_client.post(f"/admin/matrix/cell/{e4.pk}/preview/", data)
    assert "A scope typed but not saved." in previewed(response).clean_text
    assert (Change.objects.count(), Version.objects.count()) == before
    assert Client().get(reader_url).headers.get("X-Page-Cache") == "hit"  # not dropped
    assert "A scope typed but not saved." not in Client().get(reader_url).content.decode()


def cell_typed(client):
    """E4's form with a new scope, an entry ticked for deletion, a new entry and a verdict."""
    e4 = get_cell("alcohol", "E4")
    data = form_data(client.get(cell_change_url(e4)))
    data["scope"] = "A scope typed but not saved."
    data[f"entries-{entry_index(data, unlinked_entry(e4))}-DELETE"] = "on"
    new = Document.objects.public().exclude(cell_entries__cell=e4).first()
    add_row(data, "entries", document=new.pk, roles="G", headline="A new entry", order=99)
    data[f"entries-{int(data['entries-TOTAL_FORMS']) - 1}-certainty"] = "not_rated"
    data["verdict-0-bottom_line"] = "A verdict typed but not saved."
    return f"/admin/matrix/cell/{e4.pk}/preview/", data


def unlinked_entry(cell):
    """The first entry of ``cell`` no text links to (so it may be deleted)."""
    return next(e for e in cell.entries.order_by("order", "pk") if not e.links_in_the_way())


def document_typed(client):
    """A document's form with a new subject, an author renamed and a new section."""
    document = Document.objects.get(slug=TIMKO)
    url = f"/admin/studies/document/{document.pk}/"
    data = form_data(client.get(url + "change/"))
    data["tags"] = f"{data['tags']}, a subject not yet in the bank"
    data["authorships-0-name"] = "Unsaved, Author"
    add_row(data, "sections", heading="A new section", anchor="new-section", body="Typed.", order=9)
    return url + "preview/", data


def new_document_typed(client):
    """The add form of a document, filled in."""
    data = form_data(client.get("/admin/studies/document/add/"))
    data.update(kind="study", title="A study only previewed", year="2024", status="draft")
    data["authorships-0-name"] = "Previewed, Only"
    return "/admin/studies/document/preview/", data


def new_cell_typed(client):
    """The add form of a cell, filled in for a place in the grid left empty."""
    alcohol = Matrix.objects.get(slug="alcohol")
    get_cell("alcohol", "A1").delete()
    data = form_data(client.get("/admin/matrix/cell/add/"))
    column, row = alcohol.columns.get(code="A"), alcohol.rows.get(number=1)
    data.update(matrix=alcohol.pk, column=column.pk, row=row.pk, scope="Only previewed.")
    return "/admin/matrix/cell/preview/", data


def new_topic_typed(client):
    data = form_data(client.get("/admin/topics/hottopic/add/"))
    data.update(title="Peer coaches", slug="peer-coaches", search_query="peer", published="on")
    return "/admin/topics/hottopic/preview/", data


@pytest.mark.parametrize(
    "typed", [cell_typed, new_cell_typed, document_typed, new_document_typed, new_topic_typed]
)
def test_a_preview_writes_nothing_to_the_database(editor_client, demo, typed):
    url, data = typed(editor_client)
    with CaptureQueriesContext(connection) as queries:
        response = editor_client.post(url, data)
    assert page(response).find_all(class_="preview-errors") == []
    assert previewed(response).find("h1") is not None
    assert writes(queries) == []


def add_row(data, prefix, **fields):
    """Add a filled-in row to an inline formset's POST."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    for name, value in fields.items():
        data[f"{prefix}-{index}-{name}"] = str(value)


def test_a_cell_preview_adds_and_deletes_entries_only_on_the_page(editor_client, demo):
    e4 = get_cell("alcohol", "E4")
    gone = unlinked_entry(e4)
    url, data = cell_typed(editor_client)
    reader_page = previewed(editor_client.post(url, data))
    headlines = [a.clean_text for a in reader_page.find_all("a", class_="entry-title")]
    assert gone.headline not in headlines
    assert headlines[-1] == "A new entry"  # guidance, order 99: last, as once saved
    bottom_line = reader_page.find("section", class_="verdict").find("div", class_="bottom-line")
    assert bottom_line.find("p").clean_text == "A verdict typed but not saved."
    assert e4.entries.filter(pk=gone.pk).exists()
    assert not e4.entries.filter(headline="A new entry").exists()
    assert not CellVerdict.objects.filter(bottom_line="A verdict typed but not saved.").exists()


def test_a_big_cells_preview_shows_the_entries_its_form_pages_away(editor_client, demo, settings):
    settings.ADMIN_ENTRIES_PER_PAGE = 5
    e4 = get_cell("alcohol", "E4")
    data = form_data(editor_client.get(cell_change_url(e4)))
    assert int(data["entries-TOTAL_FORMS"]) == 5
    entry = e4.entries.order_by("order", "pk").first()
    data[f"entries-{entry_index(data, entry)}-headline"] = "Typed on the first page"
    reader_page = previewed(editor_client.post(f"/admin/matrix/cell/{e4.pk}/preview/", data))
    headlines = [a.clean_text for a in reader_page.find_all("a", class_="entry-title")]
    public = e4.entries.filter(CellEntry.public_q()).order_by("order", "pk")
    assert headlines == ["Typed on the first page" if e == entry else e.headline for e in public]


def validated_forms(user, model, obj, data):
    """``model``'s change form of ``obj`` and its inline formsets, posted ``data`` and
    validated, as the preview builds them."""
    request = RequestFactory().post("/", data)
    request.user = user
    form, formsets = admin.site.get_model_admin(model).preview_forms(request, obj)
    form.is_valid()
    for formset in formsets:
        formset.is_valid()
    return form, formsets


def test_the_verdict_card_and_its_evaluations_are_held_in_memory(editor_client, editor, demo):
    e4 = get_cell("alcohol", "E4")
    stored = CellVerdict.objects.get(cell=e4)  # the demo appraises E4
    before = (stored.bottom_line, list(stored.economic_evaluations.all()))
    draft, public = Document.objects.order_by("pk")[:2]
    draft.status = Document.Status.DRAFT
    draft.save()
    url, data = cell_typed(editor_client)
    data["verdict-0-bottom_line"] = "See [Timko](doc:" + TIMKO + ")."
    data["verdict-0-economic_evaluations"] = [str(draft.pk), str(public.pk)]
    with CaptureQueriesContext(connection) as queries:
        cell = unsaved(*validated_forms(editor, Cell, e4, data)).obj
    assert writes(queries) == []
    assert f'href="/documents/{TIMKO}/"' in cell.verdict.bottom_line_html
    assert list(cell.verdict.economic_evaluations.all()) == [public]  # the draft left out
    assert cell.scope == "A scope typed but not saved."
    stored.refresh_from_db()
    assert (stored.bottom_line, list(stored.economic_evaluations.all())) == before


def test_a_documents_subjects_authors_and_sections_show_as_typed(editor_client, demo):
    url, data = document_typed(editor_client)
    reader_page = previewed(editor_client.post(url, data))
    subjects = [li.clean_text for li in reader_page.find("section", class_="tags").find_all("li")]
    assert "a subject not yet in the bank" in subjects
    assert reader_page.find("span", class_="authors").clean_text.startswith("Unsaved A")
    assert "A new section" in reader_page.clean_text
    document = Document.objects.get(slug=TIMKO)
    assert not document.tags.filter(name="a subject not yet in the bank").exists()
    assert not document.sections.filter(heading="A new section").exists()


def test_a_documents_appraisal_shows_as_typed(editor_client, demo):
    document = Document.objects.get(slug=TIMKO)
    url = f"/admin/studies/document/{document.pk}/"
    data = form_data(editor_client.get(url + "change/"))
    data["countries"] = ["GB-SCT", "US"]
    population = Population.objects.order_by("name").first()
    data["populations"] = [str(population.pk)]
    measure = {"outcome": "sober at a year", "measure": "risk ratio", "value": "1.5", "position": 0}
    add_row(data, "effect_measures", **measure)
    response = editor_client.post(url + "preview/", data)
    appraisal = previewed(response).find("section", "appraisal")
    countries = Country.objects.filter(code__in=["GB-SCT", "US"]).order_by("name")
    where = appraisal.find("div", class_="appraisal-countries").find("dd").clean_text
    assert where == ", ".join(c.name for c in countries)
    assert population.name in appraisal.find("div", class_="appraisal-populations").clean_text
    assert "sober at a year" in appraisal.find("div", class_="appraisal-effect").clean_text
    assert not document.countries.filter(code="GB-SCT").exists()
    assert not document.effect_measures.filter(outcome="sober at a year").exists()


def test_a_form_with_errors_previews_what_it_can_and_lists_them(editor_client, demo):
    url, data = document_typed(editor_client)
    data["title"] = "A title typed beside an error"
    data["year"] = "not a year"
    response = editor_client.post(url, data)
    errors = page(response).find(class_="preview-errors").clean_text
    assert "Year: Enter a whole number." in errors
    assert previewed(response).find("h1").text == "A title typed beside an error"


def test_a_preview_costs_the_same_queries_however_many_entries_a_cell_has(
    editor_client, editor, demo
):
    """Past validating the form (queries for each row, as a save makes), drawing the page
    makes six: the stored rows the form does not show (one per inline: the verdict card,
    the entries, the bite sections), the entries' documents' countries, the neighbouring
    cells, and when the cell's literature was last searched (its footer's line)."""

    def drawing(cell):
        data = form_data(editor_client.get(cell_change_url(cell)))
        form, formsets = validated_forms(editor, Cell, cell, data)
        with CaptureQueriesContext(connection) as drawn:
            render_for_readers(unsaved(form, formsets).obj)
        return len(drawn)

    big, small = get_cell("alcohol", "E4"), get_cell("drug", "E4")
    assert big.entries.count() > small.entries.count() > 0
    assert drawing(big) == drawing(small) == 6


def test_markup_errors_show_in_the_preview_and_nothing_is_saved(editor_client, demo):
    document = Document.objects.get(slug=TIMKO)
    url = f"/admin/studies/document/{document.pk}/"
    data = form_data(editor_client.get(url + "change/"))
    data["commentary"] = "See [a study that is not there](doc:no-such-study) for more."
    response = editor_client.post(url + "preview/", data)
    errors = page(response).find(class_="preview-errors").clean_text
    assert "Broken link 'doc:no-such-study': there is no document" in errors
    commentary = previewed(response).find("section", class_="commentary").clean_text
    assert "See a study that is not there for more." in commentary  # as plain text
    document.refresh_from_db()
    assert "no-such-study" not in document.commentary


def test_a_draft_document_previews_as_readers_will_see_it_once_published(editor_client, demo):
    document = Document.objects.get(slug=TIMKO)
    document.status = "draft"
    document.save()
    url = f"/admin/studies/document/{document.pk}/"
    data = form_data(editor_client.get(url + "change/"))
    data["_confirm_hide"] = "1"
    reader_page = previewed(editor_client.post(url + "preview/", data))
    assert reader_page.find("h1").text == document.title
    assert "Not public" not in reader_page.clean_text
    assert Document.objects.get(pk=document.pk).status == "draft"


def test_a_new_topic_can_be_previewed_before_it_exists(editor_client, demo):
    response = editor_client.post(
        "/admin/topics/hottopic/preview/",
        {
            "title": "Peer recovery coaches",
            "slug": "peer-recovery-coaches",
            "standfirst": "What [NICE](doc:nice-2011-cg115) said about peers.",
            "search_query": "peer",
            "published": "on",
            "topic_documents-TOTAL_FORMS": "0",
            "topic_documents-INITIAL_FORMS": "0",
        },
    )
    reader_page = previewed(response)
    assert reader_page.find("h1").text == "Peer recovery coaches"
    assert not HotTopic.objects.filter(slug="peer-recovery-coaches").exists()


def left_out_box(response):
    """The box above the preview naming what readers would not see, and the page after it."""
    tree = page(response)
    box = tree.find("div", class_="preview-left-out")
    frame = tree.find("iframe", class_="preview-frame")
    order = [n for n in tree.iter() if n is box or n is frame]
    assert order == [box, frame]  # above the previewed page
    return box


def test_a_cell_preview_names_the_entries_it_leaves_out_and_why(editor_client, demo):
    e4 = get_cell("alcohol", "E4")
    url = f"/admin/matrix/cell/{e4.pk}/"
    hidden = list(e4.entries.order_by("order", "pk").select_related("document")[:2])
    for entry in hidden:
        entry.document.status = Document.Status.DRAFT
        entry.document.save()
    response = editor_client.post(url + "preview/", form_data(editor_client.get(url + "change/")))
    box = left_out_box(response)
    assert "2 entries are not shown because their documents are drafts:" in box.clean_text
    names = [li.clean_text for li in box.find_all("li")]
    assert names == [f"“{e.headline}” ({e.document.title})" for e in hidden]
    reader_page = previewed(response)
    assert all(e.headline not in reader_page.clean_text for e in hidden)

    hidden[1].document.status = Document.Status.PUBLISHED
    hidden[1].document.save()
    response = editor_client.post(url + "preview/", form_data(editor_client.get(url + "change/")))
    box = left_out_box(response)
    assert "1 entry is not shown because its document is a draft:" in box.clean_text
    assert [li.clean_text for li in box.find_all("li")] == [names[0]]


def test_a_preview_with_nothing_left_out_says_nothing_of_it(editor_client, demo):
    e4 = get_cell("alcohol", "E4")
    url = f"/admin/matrix/cell/{e4.pk}/"
    response = editor_client.post(url + "preview/", form_data(editor_client.get(url + "change/")))
    assert page(response).find_all(class_="preview-left-out") == []


def test_topic_and_document_previews_name_their_draft_documents(editor_client, demo):
    draft = Document.objects.get(slug="fiorentine-1999-after-drug-treatment")
    draft.status = Document.Status.DRAFT
    draft.save()
    analysis = Document.objects.get(slug="nugget-4-3-mutual-supports")
    url = f"/admin/studies/document/{analysis.pk}/"
    response = editor_client.post(url + "preview/", form_data(editor_client.get(url + "change/")))
    box = left_out_box(response)
    assert "1 featured study is not shown because it is a draft:" in box.clean_text
    assert [li.clean_text for li in box.find_all("li")] == [f"“{draft.title}”"]

    timko = Document.objects.get(slug=TIMKO)
    timko.status = Document.Status.DRAFT
    timko.save()
    topic = HotTopic.objects.get(slug="twelve-step-mutual-aid")
    url = f"/admin/topics/hottopic/{topic.pk}/"
    response = editor_client.post(url + "preview/", form_data(editor_client.get(url + "change/")))
    box = left_out_box(response)
    assert "1 document is not shown because it is a draft:" in box.clean_text
    assert [li.clean_text for li in box.find_all("li")] == [f"“{timko.title}”"]
