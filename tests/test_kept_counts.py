"""What keeps the readers' lists flat as the bank grows (issue 19): the counts the grids and
the subjects A–Z read are kept current by the write path and always equal a count made
afresh; the documents feed's three short index reads find the same 50 as sorting the whole
bank; the sitemap is an index of sitemaps paged by key ranges, each holding every public
document once and no draft."""

import datetime
import random
import xml.etree.ElementTree as ET

import pytest
from taggit.models import Tag

from feeds import sitemaps
from matrix.models import CellTally
from studies.models import Document
from subjects.models import Subject, SubjectTally
from subjects.services import merge_subjects

from .factories import get_cell, make_document, make_entry, make_matrix

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def kept_subjects():
    return dict(Subject.objects.with_public_counts().values_list("slug", "documents"))


def counted_subjects():
    return dict(Subject.objects.with_visible_counts(None).values_list("slug", "documents"))


def kept_cells():
    return {
        row[0]: row[1:]
        for row in CellTally.objects.values_list(
            "cell", "entries", "s", "k", "r", "g", "newest_study"
        )
    }


def assert_cells_counted_afresh():
    kept = kept_cells()
    CellTally.objects.recount()
    assert kept == kept_cells()


@pytest.mark.django_db
def test_subject_counts_follow_every_kind_of_write():
    a, b, c = (make_document() for _ in range(3))
    a.tags.add("Mutual aid", "Housing")
    b.tags.add("Mutual aid")
    assert kept_subjects() == counted_subjects() == {"mutual-aid": 2, "housing": 1}

    draft = make_document(status=Document.Status.DRAFT)
    draft.tags.add("Housing", "Harbour pilots")  # a draft's subjects are not counted
    assert kept_subjects() == counted_subjects() == {"mutual-aid": 2, "housing": 1}

    draft.status = Document.Status.PUBLISHED  # published: its subjects count
    draft.save()
    assert (
        kept_subjects()
        == counted_subjects()
        == {
            "mutual-aid": 2,
            "housing": 2,
            "harbour-pilots": 1,
        }
    )
    a.status = Document.Status.DRAFT  # withdrawn
    a.save()
    assert kept_subjects() == counted_subjects()
    assert kept_subjects()["mutual-aid"] == 1

    b.tags.remove("Mutual aid")
    c.tags.set(["Housing", "Harbour pilots"])
    assert kept_subjects() == counted_subjects()
    draft.tags.clear()
    assert kept_subjects() == counted_subjects() == {"housing": 1, "harbour-pilots": 1}

    c.delete()
    assert kept_subjects() == counted_subjects() == {}

    d, e = make_document(), make_document()
    d.tags.add("Aftercare")
    e.tags.add("After care", "Aftercare")
    merge_subjects(Tag.objects.get(slug="aftercare"), [Tag.objects.get(slug="after-care")])
    assert kept_subjects() == counted_subjects() == {"aftercare": 2}


@pytest.mark.django_db
def test_subjects_never_tallied_are_counted_when_first_read():
    """A bank restored from an export, or rows written in bulk, has no tallies yet."""
    make_document().tags.add("Mutual aid")
    SubjectTally.objects.all().delete()
    assert kept_subjects() == {"mutual-aid": 1}


@pytest.mark.django_db
def test_cell_counts_follow_every_kind_of_write():
    matrix = make_matrix()
    cell = get_cell(matrix, "B3")
    assert kept_cells()[cell.pk] == (0, 0, 0, 0, 0, None)
    first = make_entry(cell, roles="SK", document=make_document(year=2001))
    make_entry(cell, roles="R", document=make_document(year=2015, kind=Document.Kind.REVIEW))
    assert kept_cells()[cell.pk] == (2, 1, 1, 1, 0, 2001)
    assert_cells_counted_afresh()

    newer = make_entry(cell, roles="G", document=make_document(year=2020))
    assert kept_cells()[cell.pk] == (3, 1, 1, 1, 1, 2020)
    newer.document.status = Document.Status.DRAFT  # withdrawn: readers no longer see it
    newer.document.save()
    assert kept_cells()[cell.pk] == (2, 1, 1, 1, 0, 2001)
    first.document.year = 2005  # the grid's freshness reads the year
    first.document.save()
    first.roles = "K"
    first.save()
    assert kept_cells()[cell.pk] == (2, 0, 1, 1, 0, 2005)
    first.delete()
    assert kept_cells()[cell.pk] == (1, 0, 0, 1, 0, None)
    newer.document.status = Document.Status.PUBLISHED  # published again
    newer.document.save()
    assert kept_cells()[cell.pk] == (2, 0, 0, 1, 1, 2020)
    assert_cells_counted_afresh()


@pytest.mark.django_db
def test_the_grid_counts_cells_never_tallied(client):
    matrix = make_matrix(slug="test", name="Test")
    cell = get_cell(matrix, "C2")
    make_entry(cell, roles="K")
    make_entry(cell, roles="K")
    CellTally.objects.all().delete()
    page = client.get("/matrices/test/").content.decode()
    assert kept_cells()[cell.pk][:1] == (2,)
    assert "2 key studies" in page


@pytest.mark.django_db
def test_the_documents_feed_finds_what_sorting_the_whole_bank_finds(client):
    rng = random.Random(19)
    day = datetime.date(2020, 1, 1)
    for n in range(140):
        published = day + datetime.timedelta(days=rng.randrange(60)) if n % 7 else None
        revised = (
            (published or day) + datetime.timedelta(days=rng.randrange(90)) if n % 3 == 0 else None
        )
        make_document(
            first_published=published,
            last_revised=revised,
            status=Document.Status.DRAFT if n % 11 == 0 else Document.Status.PUBLISHED,
        )

    def changed(document):
        dates = [d for d in (document.last_revised, document.first_published) if d]
        return max(dates) if dates else document.created.date()

    everything = sorted(Document.objects.public(), key=lambda d: (changed(d), d.pk), reverse=True)[
        :50
    ]
    found = list(Document.objects.newest_changes(None, 50))
    assert [d.pk for d in found] == [d.pk for d in everything]
    assert [d.changed for d in found] == [changed(d) for d in everything]
    feed = client.get("/feeds/documents/").content.decode()
    assert everything[0].title in feed


def section_urls(client, url):
    root = ET.fromstring(client.get(url).content)
    return [loc.text.replace("http://testserver", "") for loc in root.iter(f"{SITEMAP}loc")]


@pytest.mark.django_db
def test_the_sitemap_is_an_index_of_key_ranges(client, monkeypatch):
    monkeypatch.setattr(sitemaps.DocumentSitemap, "limit", 4)
    documents = [make_document() for _ in range(11)]
    documents[2].status = Document.Status.DRAFT
    documents[2].save()
    Document.objects.filter(pk=documents[5].pk).delete()
    index = ET.fromstring(client.get("/sitemap.xml").content)
    assert index.tag == f"{SITEMAP}sitemapindex"
    sections = [loc.text.replace("http://testserver", "") for loc in index.iter(f"{SITEMAP}loc")]
    highest = max(d.pk for d in documents)
    pages = [s for s in sections if s.startswith("/sitemap-documents.xml")]
    assert len(pages) == -(-highest // 4)  # one per range of four keys up to the highest
    listed = []
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200
        urls = section_urls(client, page)
        assert len(urls) <= 4
        listed += urls
    public = [d.get_absolute_url() for d in Document.objects.public().order_by("pk")]
    assert listed == public
    assert documents[2].get_absolute_url() not in listed
    assert client.get(f"/sitemap-documents.xml?p={len(pages) + 1}").status_code == 404
    assert client.get("/sitemap-documents.xml?p=x").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


@pytest.mark.django_db
def test_the_grids_country_choices_from_tallies_are_the_counted_ones():
    from matrix.filters import country_facet
    from matrix.models import CellEntry, Matrix

    matrix = make_matrix()
    b3, c4 = get_cell(matrix, "B3"), get_cell(matrix, "C4")
    england = make_entry(b3, document=make_document())
    england.document.countries.set(["GB-ENG", "US"])
    both = make_entry(c4, document=make_document())
    both.document.countries.set(["GB", "GB-SCT"])
    make_entry(c4, document=make_document())  # no country
    hidden = make_entry(b3, document=make_document(status=Document.Status.DRAFT))
    hidden.document.countries.set(["FR"])

    def compare():
        kept = Matrix.objects.grid_page(None, "alcohol").filter.facets[0]
        rows = CellEntry.objects.country_rows(None, cell__matrix=matrix)
        counted = country_facet(rows, "")
        assert [(c.value, c.count, c.part_of) for c in kept.choices] == [
            (c.value, c.count, c.part_of) for c in counted.choices
        ]
        assert kept.total == counted.total
        return {c.value: c.count for c in kept.choices}

    assert compare() == {"GB": 2, "GB-ENG": 1, "GB-SCT": 1, "US": 1}
    hidden.document.status = Document.Status.PUBLISHED
    hidden.document.save()
    england.document.countries.remove("US")
    assert compare() == {"FR": 1, "GB": 2, "GB-ENG": 1, "GB-SCT": 1}
    c4.status = c4.Status.DRAFT  # a cell readers cannot see counts for nothing
    c4.save()
    assert compare() == {"FR": 1, "GB": 1, "GB-ENG": 1}
