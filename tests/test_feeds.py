"""Feeds and the crawlers' files, each parsed by a real parser: Atom feeds (feedparser),
sitemap.xml (ElementTree) and robots.txt."""

import xml.etree.ElementTree as ET

import feedparser
import pytest

from matrix.models import Cell
from studies.models import Document
from tests.htmlparse import page
from topics.models import HotTopic

pytestmark = pytest.mark.django_db

STUDY = "humphreys-2020-twelve-step-six-trials"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


FEEDS = [
    "/feeds/documents/",
    "/feeds/matrices/alcohol/",
    "/feeds/matrices/alcohol/E4/",
    "/feeds/topics/twelve-step-mutual-aid/",
    "/feeds/subjects/mutual-aid/",
    "/feeds/search/?q=mutual+aid&kind=study",
]


@pytest.mark.parametrize("url", FEEDS)
def test_every_feed_parses_cleanly(client, demo, url):
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10" and feed.entries
    assert all(entry.get("updated") and entry.get("link") for entry in feed.entries)


def test_pages_link_their_feeds(client, demo):
    for url, feed in [
        ("/", "/feeds/documents/"),
        ("/matrices/alcohol/", "/feeds/matrices/alcohol/"),
        ("/matrices/alcohol/E4/", "/feeds/matrices/alcohol/E4/"),
        ("/topics/twelve-step-mutual-aid/", "/feeds/topics/twelve-step-mutual-aid/"),
        ("/subjects/mutual-aid/", "/feeds/subjects/mutual-aid/"),
        ("/search/?q=mutual+aid", "/feeds/search/?q=mutual+aid"),
        (f"/documents/{STUDY}/", "/feeds/documents/"),
    ]:
        links = page(client.get(url)).find_all("link", rel="alternate")
        assert [link["href"] for link in links] == [feed], url
        assert links[0]["type"] == "application/atom+xml"


def sitemap_urls(client):
    """Every address in the sitemaps the index names."""
    index = ET.fromstring(client.get("/sitemap.xml").content)
    assert index.tag == f"{SITEMAP}sitemapindex"
    urls = set()
    for section in index.iter(f"{SITEMAP}loc"):
        response = client.get(section.text.replace("http://testserver", ""))
        assert response.status_code == 200, section.text
        root = ET.fromstring(response.content)
        urls.update(loc.text.replace("http://testserver", "") for loc in root.iter(f"{SITEMAP}loc"))
    return urls


def test_sitemap_lists_every_public_page_and_nothing_hidden(client, demo):
    urls = sitemap_urls(client)
    assert {
        "/",
        "/methods/",
        "/topics/",
        "/subjects/",
        "/matrices/alcohol/E4/",
        f"/documents/{STUDY}/",
        "/topics/residential-rehabilitation/",
        "/subjects/mutual-aid/",
    } <= urls
    assert len([u for u in urls if u.startswith("/documents/")]) == Document.objects.count()
    for url in urls:
        assert client.get(url).status_code == 200, url
    document = Document.objects.get(slug=STUDY)
    document.status = Document.Status.DRAFT
    document.save()
    cell = Cell.objects.with_labels().by_key("alcohol", "E4")
    cell.status = Cell.Status.DRAFT
    cell.save()
    topic = HotTopic.objects.get(slug="residential-rehabilitation")
    topic.published = False
    topic.save()
    hidden = sitemap_urls(client)
    assert f"/documents/{STUDY}/" not in hidden
    assert "/matrices/alcohol/E4/" not in hidden
    assert "/topics/residential-rehabilitation/" not in hidden


def test_robots_txt_points_to_the_sitemap(client, demo):
    text = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in text and "Sitemap: http://testserver/sitemap.xml" in text


def test_feeds_leave_out_what_readers_cannot_see(client, demo):
    document = Document.objects.get(slug=STUDY)
    document.status = Document.Status.DRAFT
    document.save()
    for url in FEEDS:
        text = client.get(url).content.decode()
        assert STUDY not in text and document.title not in text, url
    e4 = Cell.objects.with_labels().by_key("alcohol", "E4")
    e4.status = Cell.Status.DRAFT
    e4.save()
    assert client.get("/feeds/matrices/alcohol/E4/").status_code == 404
    assert "/matrices/alcohol/E4/" not in client.get("/feeds/matrices/alcohol/").content.decode()
