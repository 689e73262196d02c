"""One rule for what readers see: hide a thing, crawl the whole public site and the API, find
it nowhere: not in any page's text, any attribute of any element, nor any field of any API
answer.

Then sign in as staff: it is there, marked as not public. In every state, no public page or
API answer links to a page that answers 404.
"""

import re

import pytest
from django.contrib.auth.models import AnonymousUser, User
from taggit.models import Tag

from matrix.models import Cell, CellEntry, Chart
from studies.models import Document
from tests.crawl import crawl
from tests.factories import get_cell, make_document
from topics.models import HotTopic

pytestmark = pytest.mark.django_db

TIMKO = "timko-debenedetti-2007-intensive-referral"
E4 = "/matrices/alcohol/E4/"


def staff_client_for(client):
    client.force_login(User.objects.get_or_create(username="staff-crawler", is_staff=True)[0])
    return client


def without_csrf(text):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)


def assert_nowhere(site, *needles):
    for needle in needles:
        assert site.where(needle) == [], f"{needle!r} shows in {site.where(needle)}"


def test_the_whole_demo_site_is_crawled_with_no_broken_links(client, demo):
    site = crawl(client)
    assert len(site.texts()) > 150  # 50 cells, their forms, documents, rows, topics…
    assert site.broken() == {}
    assert E4 in site.texts()
    assert f"/documents/{TIMKO}/" in site.texts()
    # The API too: every cell and document answer, reached from the lists.
    assert "/api/v1/matrices/alcohol/cells/E4" in site.texts()
    assert f"/api/v1/documents/{TIMKO}" in site.texts()
    # Each hidden thing is looked for in texts, attributes and API fields alike.
    places = site.where("Treatment systems; Psychosocial therapies")
    assert ("/matrices/alcohol/", "<span> text") in places  # the cell link's own words
    assert ("/api/v1/matrices/alcohol", "json rows.3.4.title") in places
    assert ("/matrices/alcohol/", "<td data-column>") in site.where("E: Treatment systems")
    assert ("/matrices/alcohol/", "<a aria-label>") in site.where("Highlight column E")


def test_a_draft_document_appears_nowhere_for_readers(client, demo):
    document = Document.objects.get(slug=TIMKO)
    headline = CellEntry.objects.get(document=document).headline
    before = crawl(client)
    assert before.find(document.title) and before.find(headline)
    assert before.find(f'href="/documents/{TIMKO}/')
    assert before.find(">Timko C. and DeBenedetti A. 2007<")  # the chart names its source

    document.status = Document.Status.DRAFT
    document.save()

    site = crawl(client, extra=[f"/documents/{TIMKO}/"])
    assert site.pages[f"/documents/{TIMKO}/"][0] == 404
    assert_nowhere(
        site, document.title, headline, f"/documents/{TIMKO}/", "Timko C. and DeBenedetti"
    )
    assert_nowhere(site, f"#entry-{TIMKO}")
    assert site.broken() == {}
    # The words of a link to it stay, as plain text.
    assert "did not attend a single meeting" in site.pages[E4][1]

    staff = crawl(staff_client_for(client), start=[E4, f"/documents/{TIMKO}/"])
    assert "Not public" in staff.pages[f"/documents/{TIMKO}/"][1]
    assert headline in staff.pages[E4][1]
    assert "the document is a draft" in staff.pages[E4][1]


def test_publishing_the_draft_again_brings_everything_back(client, demo):
    document = Document.objects.get(slug=TIMKO)
    before = crawl(client).texts()
    document.status = Document.Status.DRAFT
    document.save()
    document.status = Document.Status.PUBLISHED
    document.save()
    after = crawl(client).texts()
    assert after.keys() == before.keys()
    for url, text in before.items():
        assert without_csrf(after[url]) == without_csrf(text), url


def test_an_unpublished_cell_appears_nowhere_for_readers(client, demo):
    e4 = get_cell("alcohol", "E4")
    headlines = list(e4.entries.values_list("headline", flat=True))
    before = crawl(client)
    assert before.find(e4.title)

    e4.status = "draft"
    e4.save()

    site = crawl(client, extra=[E4, "/PHP/dl.php?file=Matrix/Alcohol/E4.htm"])
    assert site.pages[E4][0] == 404
    assert site.pages["/PHP/dl.php?file=Matrix/Alcohol/E4.htm"][0] == 404  # not 301 to a 404
    assert_nowhere(site, e4.title, f'href="{E4}', *headlines)
    assert site.broken() == {}
    grid = site.pages["/matrices/alcohol/"][1]
    cell = grid.split('id="alcohol-cell-E4"')[1].split("</td>")[0]
    assert "In preparation" in cell and 'class="count"' not in cell

    staff = crawl(staff_client_for(client), start=[E4, "/matrices/alcohol/"])
    assert "this cell is unpublished" in staff.pages[E4][1]
    staff_grid = staff.pages["/matrices/alcohol/"][1].split('id="alcohol-cell-E4"')[1]
    assert "Not public" in staff_grid.split("</td>")[0]


def test_an_unpublished_cells_own_title_is_in_no_attribute_and_no_api_field(client, demo):
    e4 = get_cell("alcohol", "E4")
    e4.label_override = "Recovery-minded local systems"
    e4.save()
    before = crawl(client)
    assert ("/matrices/alcohol/", "<td data-column>") in before.where(e4.label_override)
    assert ("/api/v1/matrices/alcohol", "json rows.3.4.title") in before.where(e4.title)

    e4.status = "draft"
    e4.save()

    site = crawl(client, extra=[E4])
    assert_nowhere(site, e4.label_override, e4.title, e4.short_title, E4)
    assert_nowhere(site, "/api/v1/matrices/alcohol/cells/E4")
    assert site.broken() == {}
    # The grid still has the cell's place, under its column's own name.
    assert ("/matrices/alcohol/", "<td data-column>") in site.where("E: Treatment systems")
    row = site_json(site, "/api/v1/matrices/alcohol")["rows"][3]
    cell = next(c for c in row if c["code"] == "E4")
    assert (cell["title"], cell["url"], cell["api_url"], cell["has_content"]) == (
        None,
        None,
        None,
        False,
    )


def site_json(site, url):
    import json

    return json.loads(site.pages[url][1])


def test_a_subject_only_drafts_carry_is_named_nowhere(client, demo):
    draft = make_document(slug="draft-only", title="A study still being written", status="draft")
    draft.tags.add("Harbour pilots")
    slug = Tag.objects.get(name="Harbour pilots").slug
    asked = [f"/subscribe/?follow=subject:{slug}", f"/subjects/{slug}/", f"/api/v1/subjects/{slug}"]
    site = crawl(client, extra=asked)
    assert_nowhere(site, "Harbour pilots")
    assert site.pages[f"/subjects/{slug}/"][0] == 404
    assert site.pages[f"/api/v1/subjects/{slug}"][0] == 404
    assert "Follow the Evidence Bank by email" in site.pages[asked[0]][1]

    draft.status = Document.Status.PUBLISHED
    draft.save()
    assert "Follow the subject “Harbour pilots” by email" in client.get(asked[0]).text


def test_an_unpublished_topic_appears_nowhere_for_readers(client, demo):
    topic = HotTopic.objects.get(slug="twelve-step-mutual-aid")
    topic.published = False
    topic.save()
    site = crawl(client, extra=[topic.get_absolute_url()])
    assert site.pages[topic.get_absolute_url()][0] == 404
    # Its title is a common phrase ("12-step mutual aid groups") that E4's prose uses as the
    # words of a link to it: the words stay, as plain text; the title as such shows nowhere.
    assert_nowhere(site, f">{topic.title}<", f'href="{topic.get_absolute_url()}')
    assert "see the hot topic on 12-step mutual aid groups." in site.pages[E4][1]
    assert site.broken() == {}
    staff = crawl(staff_client_for(client), start=[topic.get_absolute_url()])
    assert "this topic is unpublished" in staff.pages[topic.get_absolute_url()][1]


def test_a_consultation_draft_is_public_with_its_marker(client, demo):
    document = Document.objects.get(slug=TIMKO)
    document.status = Document.Status.CONSULTATION
    document.save()
    site = crawl(client, api=())  # its pages suffice here: nothing is hidden
    page = site.pages[f"/documents/{TIMKO}/"]
    assert page[0] == 200 and "Consultation draft" in page[1]
    assert site.find(f'href="/documents/{TIMKO}/')
    assert site.broken() == {}


def test_a_chart_names_its_source_only_while_readers_may_see_it(demo):
    chart = Chart.objects.get(source__slug=TIMKO)
    assert "Timko C. and DeBenedetti A. 2007" in chart.html
    document = Document.objects.get(slug=TIMKO)
    document.status = Document.Status.DRAFT
    document.save()
    chart.refresh_from_db()
    assert "Timko" not in chart.html
    section = get_cell("alcohol", "E4").bite_sections.get(body__contains=f"[[chart:{chart.slug}]]")
    assert "Timko" not in section.body_html


def test_the_grid_counts_only_entries_readers_see(demo):
    matrix = get_cell("alcohol", "E4").matrix

    def e4_total(user):
        return {cell.code: cell for cell in Cell.objects.for_grid(user, matrix)}["E4"].entry_count

    reader = AnonymousUser()
    assert e4_total(reader) == 16
    document = Document.objects.get(slug=TIMKO)
    document.status = Document.Status.DRAFT
    document.save()
    assert e4_total(reader) == 15
    assert e4_total(User.objects.create_user("s", is_staff=True)) == 16
