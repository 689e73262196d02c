"""The brief's texts made fit for paper, once, as the brief is built.

A stored text is rendered for the screen (``markup``): its notes pop up over their phrase and
its links lean on the page around them ("see here", "(chart)"). On paper neither works, and
the brief is read on paper. So, from the stored HTML (never the markup again):

- each note becomes a numbered footnote: a call after its phrase, its words in a numbered
  list after the part of the brief that holds it, numbered through the whole brief;
- each link gains, in print, the name of where it goes: the document's citation when the
  brief holds it, else the full address;
- a link to a chart brings the chart into the brief, numbered, and points at it there.
"""

import html as html_lib
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import lxml.html

CHART_FRAGMENT_RE = re.compile(r"#chart-(?P<slug>[a-z0-9-]+)$")
CLASS_XPATH = './/*[contains(concat(" ", normalize-space(@class), " "), " {} ")]'


def _with_class(tree, name):
    return tree.xpath(CLASS_XPATH.format(name))


def _fragment(html):
    return lxml.html.fragment_fromstring(html, create_parent="div")


def _inner_html(tree):
    text = tree.text or ""
    return html_lib.escape(text, quote=False) + "".join(
        lxml.html.tostring(child, encoding="unicode") for child in tree
    )


def charts_linked(*htmls):
    """The slugs of the charts these stored texts link to, in order, each once."""
    slugs = {}
    for html in htmls:
        for href in re.findall(r'href="([^"]*#chart-[a-z0-9-]+)"', html or ""):
            slugs.setdefault(CHART_FRAGMENT_RE.search(href)["slug"])
    return list(slugs)


@dataclass
class BriefChart:
    number: int
    slug: str
    title: str
    html: str  # the chart's stored drawing


@dataclass
class Printer:
    """Rewrites one brief's texts in its reading order, numbering notes and charts.

    ``site_url`` makes addresses absolute; ``named`` maps a page address (a document's, or
    a cell page's entry anchor) to the words that name it (a short citation); ``charts``
    maps a chart's slug to (title, stored drawing) for the charts the brief may show.
    """

    site_url: str
    named: dict = field(default_factory=dict)
    charts: dict = field(default_factory=dict)
    note_count: int = 0
    placed_charts: dict = field(default_factory=dict)  # slug -> BriefChart
    _notes: list = field(default_factory=list)  # [(number, words)] not yet taken
    _charts: list = field(default_factory=list)  # BriefChart not yet taken

    def text(self, html):
        """``html`` (a stored text) with footnote calls, named links and numbered charts."""
        if not (html or "").strip():
            return ""
        tree = _fragment(html)
        for wrapper in _with_class(tree, "has-note"):
            self._footnote(wrapper)
        for phrase in _with_class(tree, "note-nowrap"):
            phrase.drop_tag()
        for link in list(tree.iter("a")):
            if "fn-call" not in (link.get("class") or ""):
                self._link(link)
        return _inner_html(tree)

    def take_notes(self):
        """The footnotes numbered since the last call: [(number, words)]."""
        notes, self._notes = self._notes, []
        return notes

    def take_charts(self):
        """The charts first named since the last call, to show after that part."""
        charts, self._charts = self._charts, []
        return charts

    def _footnote(self, wrapper):
        notes = _with_class(wrapper, "note")
        if not notes:
            wrapper.drop_tag()
            return
        note = notes[0]
        words = " ".join(note.text_content().split())
        self.note_count += 1
        number = self.note_count
        self._notes.append((number, words))
        call = lxml.html.fromstring(
            f'<sup class="fn-call"><a class="fn-call" href="#fn-{number}" id="fn-call-{number}" '
            f'aria-label="Note {number}">{number}</a></sup>'
        )
        call.tail = note.tail
        note.getparent().replace(note, call)
        for phrase in _with_class(wrapper, "note-phrase"):
            phrase.drop_tag()  # its role, focus and aria-describedby served the pop-up
        for described in wrapper.xpath(".//*[@aria-describedby]"):
            del described.attrib["aria-describedby"]
        wrapper.drop_tag()

    def _link(self, link):
        href = link.get("href") or ""
        if not href:
            return
        m = CHART_FRAGMENT_RE.search(href)
        if m and m["slug"] in self.charts:
            chart = self._chart(m["slug"])
            link.set("href", f"#chart-{chart.slug}")
            words = " ".join(link.text_content().split())
            if words.lower() == "chart" and not len(link):
                link.text = f"chart {chart.number}"
            else:
                self._after(link, f" (chart {chart.number})", "link-target")
            return
        if m:  # a chart the brief cannot show: name no chart
            self._drop_chart_link(link)
            return
        absolute = href if urlsplit(href).scheme else f"{self.site_url}{href}"
        link.set("href", absolute)
        words = " ".join(link.text_content().split())
        path = href.split("?")[0].split("#")[0]
        fragment = href.partition("#")[2]
        name = self.named.get(f"{path}#{fragment}") or self.named.get(path)
        if name:
            if name not in words:
                self._after(link, f" ({name})", "link-target print-only")
        elif words.rstrip("/") != absolute.rstrip("/"):
            self._after(link, f" ({absolute})", "link-target link-address print-only")

    @staticmethod
    def _after(link, words, css_class):
        """Put ``words`` after the link, and after the call of the note it carries, if any."""
        span = lxml.html.Element("span", {"class": css_class})
        span.text = words
        call = link.getnext()
        if not (link.tail or "").strip() and call is not None and call.get("class") == "fn-call":
            link = call
        span.tail, link.tail = link.tail, None
        link.addnext(span)

    def _chart(self, slug):
        chart = self.placed_charts.get(slug)
        if chart is None:
            title, html = self.charts[slug]
            chart = BriefChart(len(self.placed_charts) + 1, slug, title, html)
            self.placed_charts[slug] = chart
            self._charts.append(chart)
        return chart

    @staticmethod
    def _drop_chart_link(link):
        """Take out a link to a chart that is not there, and the brackets or "; " it sat in."""
        parent = link.getparent()
        before = link.getprevious()
        tail = link.tail or ""
        prior = (before.tail if before is not None else parent.text) or ""
        stripped = prior.rstrip()
        if stripped.endswith("(") and tail.lstrip().startswith(")"):
            prior, tail = stripped[:-1].rstrip(), tail.lstrip()[1:]
        elif stripped.endswith(";") and tail.lstrip().startswith(")"):
            prior = stripped[:-1]
        if before is not None:
            before.tail = prior
        else:
            parent.text = prior
        link.tail = tail
        link.drop_tree()
