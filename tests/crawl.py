"""Crawl the public site as a reader would: every page reachable by links from the front, and
every answer of the API reachable from its lists.

Each page is kept whole (its text, unescaped) and as the strings a reader's browser, screen
reader or API client gets from it: every text, every attribute value of every element
(``data-*``, ``title``, ``aria-label``, ``alt``, meta ``content``, ``href``…) and every string
field of a JSON answer. ``where(needle)`` says in which of them something shows.
"""

import html
import json
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urlsplit

from tests.htmlparse import parse

START = ("/", "/matrices/alcohol/", "/matrices/drug/", "/topics/", "/search/?q=mutual+aid")
API_START = ("/api/v1/matrices", "/api/v1/documents", "/api/v1/topics", "/api/v1/subjects")
API = "/api/"
SKIP = ("/admin/", "/static/", "/api/", "/cite/", "/feeds/")
# Search pages link to every facet and page of results, a space without end, as for any
# crawler (robots.txt keeps them out): the crawl opens the searches in START, follows their
# links to documents, cells and topics, and does not wander from one search to the next.
SEARCH = "/search/"
# Briefs link to every brief with one cell more or fewer, a space as endless: the crawl opens
# the briefs that cell and row pages link to, and does not go on from one brief to the next
# (nor to its PDF and RIS).
BRIEF = "/brief/"
SITE = "http://testserver"


@dataclass
class Crawl:
    pages: dict = field(default_factory=dict)  # url -> (status, text)
    links: dict = field(default_factory=dict)  # url -> set of pages linking to it
    strings: dict = field(default_factory=dict)  # url -> [(where, value)]
    plain: dict = field(default_factory=dict)  # url -> its text as read, tags aside

    def broken(self):
        """Links that lead readers to a page that is not there."""
        return {
            url: sorted(self.links[url])
            for url, (status, _) in self.pages.items()
            if status == 404 and url in self.links
        }

    def texts(self):
        return {url: text for url, (status, text) in self.pages.items() if status == 200}

    def find(self, needle):
        """The pages and API answers showing ``needle``: in their source (unescaped), their
        text read across elements, any attribute value or any JSON field."""
        return sorted({url for url, _ in self.where(needle)})

    def where(self, needle):
        """Each place ``needle`` shows: (url, "<td data-column>", "<p> text",
        "json rows.3.4.title", "text" read across elements, or "markup")."""
        found = []
        for url, text in self.texts().items():
            places = [where for where, value in self.strings.get(url, ()) if needle in value]
            if not places and needle in self.plain.get(url, ""):
                places = ["text"]
            if not places and needle in text:
                places = ["markup"]
            found += [(url, place) for place in places]
        return found


def _html_strings(tree):
    """Every attribute value and every element's own text, with where it is."""
    for node in tree.iter():
        for name, value in node.attrs.items():
            if value:
                yield f"<{node.tag} {name}>", value
        own = " ".join(" ".join(c.split()) for c in node.children if isinstance(c, str))
        if own.strip():
            yield f"<{node.tag}> text", own.strip()


def _json_strings(value, path=""):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _json_strings(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_strings(item, f"{path}.{index}")
    elif isinstance(value, str):
        yield f"json {path}", value


def _site_path(url):
    """The path of a link on this site (absolute ones as the API gives them), else None."""
    if url.startswith(SITE):
        url = url[len(SITE) :] or "/"
    target, _ = urldefrag(url)
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/"):
        return None
    return target


def crawl(client, start=START, extra=(), api=API_START):
    result = Crawl()
    queue = list(start) + list(extra) + list(api)
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
        elif url.startswith(API):
            queue += _read_api(result, url, response)
        else:
            queue += _read_page(result, url, response, start)
    return result


def _read_page(result, url, response, start):
    """Keep a page's text and strings; return the links in it to follow."""
    content_type = response.get("Content-Type", "")
    text = response.content.decode() if "html" in content_type else ""
    result.pages[url] = (response.status_code, html.unescape(text))
    if response.status_code != 200 or not text:
        return []
    tree = parse(text)
    result.strings[url] = list(_html_strings(tree))
    result.plain[url] = tree.clean_text
    follow = []
    for node in tree.iter():
        target = _followed(node, url, start)
        if target:
            result.links.setdefault(target, set()).add(url)
            follow.append(target)
    return follow


def _followed(node, url, start):
    """The site's address a link (or a form that gets) on the page at ``url`` leads to, if
    the crawl follows it; else None."""
    href = node.get("href") if node.tag in ("a", "link") else node.get("action")
    if not href or node.get("rel") in ("stylesheet", "icon"):
        return None
    target, _ = urldefrag(href)
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target:
        return None
    if target.startswith("?"):
        target = urlsplit(url).path + target
    if target.startswith(SKIP) or node.get("method", "get") == "post":
        return None
    if target.startswith(SEARCH) and target not in start and target != SEARCH:
        return None
    if target.startswith(BRIEF) and urlsplit(url).path.startswith(BRIEF):
        return None
    here = urlsplit(url)
    if here.query and urlsplit(target).path == here.path and target not in start:
        # A page's filters, views and sorts (a cell's country and design, the grid's views,
        # the evidence table's columns) combine without end too: the crawl opens each from
        # the page itself, and does not go on from one variant to the next.
        return None
    return target


def _read_api(result, url, response):
    """Keep an API answer's fields; return the links in it to follow (API and pages)."""
    if response.status_code != 200:
        result.pages[url] = (response.status_code, "")
        return []
    data = response.json()
    result.pages[url] = (200, json.dumps(data, ensure_ascii=False))
    result.strings[url] = list(_json_strings(data))
    follow = []
    for where, value in result.strings[url]:
        target = _site_path(value) if value.startswith((SITE, "/")) else None
        if target is None or target.startswith(("/api/v1/search", SEARCH)):
            continue  # searches, as above: the crawl does not wander from one to the next
        result.links.setdefault(target, set()).add(f"{url} ({where})")
        follow.append(target)
    return follow
