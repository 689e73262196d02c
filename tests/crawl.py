"""Crawl the public site as a reader would: every page reachable by links from the front."""

import html
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urlsplit

from tests.htmlparse import parse

START = ("/", "/matrices/alcohol/", "/matrices/drug/", "/topics/", "/search/?q=mutual+aid")
SKIP = ("/admin/", "/static/", "/api/", "/cite/", "/feeds/")
# Search pages link to every facet and page of results, a space without end, as for any
# crawler (robots.txt keeps them out): the crawl opens the searches in START, follows their
# links to documents, cells and topics, and does not wander from one search to the next.
SEARCH = "/search/"
# Briefs link to every brief with one cell more or fewer, a space as endless: the crawl opens
# the briefs that cell and row pages link to, and does not go on from one brief to the next
# (nor to its PDF and RIS).
BRIEF = "/brief/"


@dataclass
class Crawl:
    pages: dict = field(default_factory=dict)  # url -> (status, text)
    links: dict = field(default_factory=dict)  # url -> set of pages linking to it

    def broken(self):
        """Links that lead readers to a page that is not there."""
        return {url: sorted(self.links[url]) for url, (status, _) in self.pages.items()
                if status == 404 and url in self.links}  # fmt: skip

    def texts(self):
        return {url: text for url, (status, text) in self.pages.items() if status == 200}

    def find(self, needle):
        """The pages whose text (unescaped) or links contain ``needle``."""
        return sorted(url for url, text in self.texts().items() if needle in text)


def crawl(client, start=START, extra=()):
    result = Crawl()
    queue = list(start) + list(extra)
    while queue:
        url = queue.pop()
        if url in result.pages:
            continue
        response = client.get(url)
        if response.status_code in (301, 302):
            target = response["Location"]
            result.pages[url] = (response.status_code, "")
            result.links.setdefault(target, set()).add(url)
            queue.append(target)
            continue
        content_type = response.get("Content-Type", "")
        text = response.content.decode() if "html" in content_type else ""
        result.pages[url] = (response.status_code, html.unescape(text))
        if response.status_code != 200 or not text:
            continue
        for node in parse(text).iter():
            href = node.get("href") if node.tag in ("a", "link") else node.get("action")
            if not href or node.get("rel") in ("stylesheet", "icon"):
                continue
            target, _ = urldefrag(href)
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or not target:
                continue
            if target.startswith("?"):
                target = urlsplit(url).path + target
            if target.startswith(SKIP) or node.get("method", "get") == "post":
                continue
            if target.startswith(SEARCH) and target not in start and target != SEARCH:
                continue
            if target.startswith(BRIEF) and urlsplit(url).path.startswith(BRIEF):
                continue
            result.links.setdefault(target, set()).add(url)
            queue.append(target)
    return result
