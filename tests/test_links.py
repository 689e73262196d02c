"""Every internal link on every page of the demo content resolves, fragments included."""

from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

from matrix.models import Cell, Row
from studies.models import Document
from tests.htmlparse import ids, parse
from topics.models import HotTopic

pytestmark = pytest.mark.django_db


def demo_pages():
    pages = ["/", "/matrices/alcohol/", "/matrices/drug/", "/topics/", "/search/?q=mutual+aid"]
    pages += [cell.get_absolute_url() for cell in Cell.objects.with_labels()]
    pages += [row.get_absolute_url() for row in Row.objects.select_related("matrix")]
    pages += [document.get_absolute_url() for document in Document.objects.all()]
    pages += [topic.get_absolute_url() for topic in HotTopic.objects.all()]
    return pages


def internal_links(base, html):
    """(absolute URL, as written) for every internal href and form action on a page."""
    links = []
    for node in parse(html).iter():
        for attribute in ("href", "action"):
            value = node.get(attribute)
            if value is not None and value.startswith(("/", "?", "#")):
                links.append((urljoin(base, value), value))
    return links


def test_every_internal_link_on_the_demo_pages_resolves(client, demo):
    pages = demo_pages()
    assert len(pages) == 5 + 50 + 10 + Document.objects.count() + HotTopic.objects.count()
    fetched = {}

    def fetch(url):
        if url not in fetched:
            response = client.get(url)
            page_ids = None
            if response.streaming:  # static files: read them to the end, which closes them
                b"".join(response.streaming_content)
            elif response.get("Content-Type", "").startswith("text/html"):
                page_ids = set(ids(response.content.decode()))
            fetched[url] = (response.status_code, page_ids)
        return fetched[url]

    problems = []
    checked = 0
    for page_url in pages:
        status, _ = fetch(page_url)
        assert status == 200, f"{page_url} answered {status}"
        html = client.get(page_url).content.decode()
        for url, written in internal_links(page_url, html):
            target, fragment = urldefrag(url)
            status, target_ids = fetch(target)
            checked += 1
            if status in (404, 500):
                problems.append(f"{page_url}: {written!r} -> {target} answered {status}")
            elif fragment and target_ids is not None and fragment not in target_ids:
                problems.append(
                    f"{page_url}: {written!r} -> no id {fragment!r} on {urlsplit(target).path}"
                    f"{'?' + urlsplit(target).query if urlsplit(target).query else ''}"
                )
    assert checked > 1000
    assert not problems, "\n".join(problems)
