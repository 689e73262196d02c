"""A brief for the board: several cells read together, as a page, a PDF and RIS.

The address lists its cells (``?cells=alcohol/E4,drug/E4``), so a brief can be shared;
``brief_page()`` reads it in a fixed number of queries, whatever the number of cells, and
only through ``visible_to``: a reader never sees a hidden cell or a draft document.
"""

import re
from dataclasses import dataclass, field

import lxml.html
from django.conf import settings
from django.db.models import Prefetch

from citations.exporting.csl import csl_item
from citations.exporting.styles import formatted
from matrix.evidence import EvidenceRow
from matrix.models import ROLE_ORDER, BiteSection, Cell, CellEntry, Chart, Matrix
from studies.appraisal import Country, EffectMeasure
from studies.models import DocumentAuthor

from .printing import Printer, charts_linked

MAX_CELLS = 12
KEY_RE = re.compile(r"^(?P<matrix>[a-z0-9-]{1,40})/(?P<code>[A-Z][1-9][0-9]?)$")
MAX_ASKED = 60  # items of ?cells= looked at; the rest are ignored (a brief holds 12)


@dataclass
class Asked:
    """What ``?cells=`` asked for: valid keys in order (duplicates dropped) and what was
    wrong with the rest."""

    keys: list = field(default_factory=list)
    malformed: list = field(default_factory=list)


def parse_cells(value):
    """``"alcohol/E4, Drug/e3,alcohol/E4,nonsense"`` → keys ``["alcohol/E4", "drug/E3"]``
    and ``["nonsense"]`` malformed. Matrix slugs are lower case, codes upper case."""
    asked = Asked()
    for raw in (value or "").split(",")[:MAX_ASKED]:
        item = raw.strip()
        if not item:
            continue
        matrix, _, code = item.partition("/")
        key = f"{matrix.strip().lower()}/{code.strip().upper()}"
        if not KEY_RE.match(key):
            asked.malformed.append(item[:40])
        elif key not in asked.keys:
            asked.keys.append(key)
    return asked


def cells_param(keys):
    return ",".join(keys)


def opening_passage(body_html):
    """The first paragraph of a stored text, as plain text (notes' pop-up text left out)."""
    if not body_html.strip():
        return ""
    tree = lxml.html.fragment_fromstring(body_html, create_parent="div")
    for note in tree.xpath('.//*[contains(concat(" ", normalize-space(@class), " "), " note ")]'):
        note.drop_tree()
    paragraphs = tree.xpath(".//p")
    text = (paragraphs[0] if paragraphs else tree).text_content()
    return " ".join(text.split())


@dataclass
class BriefEntry:
    entry: CellEntry
    roles: list
    citation_html: str
    citation_text: str
    doi_url: str
    free_url: str
    annotation_html: str = ""  # the stored annotation, made fit for paper (printing.py)

    @property
    def document(self):
        return self.entry.document


@dataclass
class BriefCell:
    cell: Cell
    permalink: str
    entries: list
    issues: list  # [(heading, opening passage, permalink)]
    neighbours: list  # [(direction, cell)] readers may see, not in the brief
    remove_query: str = ""  # the brief's ?cells= without this cell
    verdict: object = None  # the cell's verdict card if the editors have written one
    key_message: dict = field(default_factory=dict)  # the verdict's texts, made fit for paper
    scope_html: str = ""
    rows: list = field(default_factory=list)  # [EvidenceRow]: the cell's evidence table
    notes: list = field(default_factory=list)  # [(number, words)]: footnotes of the cell
    charts: list = field(default_factory=list)  # [BriefChart] first named in the cell


@dataclass
class Brief:
    cells: list  # [BriefCell]
    keys: list  # the brief's cells, as in its address
    unknown: list  # keys of no cell
    hidden: list  # keys of cells the user may not see
    malformed: list
    over_cap: list  # keys left out past MAX_CELLS
    choices: list  # cells with content the user may see, not in the brief, to add
    max_cells: int = MAX_CELLS
    key_notes: list = field(default_factory=list)  # footnotes of the key messages
    key_charts: list = field(default_factory=list)  # charts first named in the key messages

    @property
    def full(self):
        return len(self.keys) >= self.max_cells

    @property
    def has_problems(self):
        return bool(self.unknown or self.hidden or self.malformed or self.over_cap)

    def documents(self):
        """The brief's documents in its order, each once."""
        seen = {}
        for brief_cell in self.cells:
            for item in brief_cell.entries:
                seen.setdefault(item.document.pk, item.document)
        return list(seen.values())

    def filename(self):
        """``evidence-brief-alcohol-E4-D4-drug-E4``: each matrix once, then its codes."""
        codes = {}
        for key in self.keys:
            matrix, code = key.split("/")
            codes.setdefault(matrix, []).append(code)
        parts = [part for matrix, its in codes.items() for part in (matrix, *its)]
        return "evidence-brief-" + "-".join(parts)


def permalink(path):
    return f"{settings.SITE_URL}{path}"


def _entry(entry):
    document = entry.document
    page_url = permalink(document.get_absolute_url())
    _, html, text = formatted(csl_item(document, page_url))["apa"]
    return BriefEntry(
        entry=entry,
        roles=entry.role_list,
        citation_html=html,
        citation_text=text,
        doi_url=document.doi_url,
        free_url=document.free_url or ("" if document.doi else document.url),
    )


def _role_rank(entry):
    return ROLE_ORDER.index(entry.primary_role) if entry.primary_role in ROLE_ORDER else 9


def brief_page(user, asked):
    """The brief ``asked`` for (an ``Asked``), as ``user`` may see it, in 10 queries however
    many cells and entries it holds (9 when its texts link to no chart, 2 when no cell can be
    shown): the matrices; every cell of them with its coverage (to tell unknown from hidden
    cells and offer the others); the chosen cells with their verdict cards; their entries with
    documents; the documents' authors; their subjects; their countries; their effect
    measures; the cells' issues; the charts their texts link to."""
    matrices = list(Matrix.objects.all())
    every = {cell.key: cell for cell in Cell.objects.for_grid(user, *matrices)}
    keys, unknown, hidden = [], [], []
    for key in asked.keys:
        cell = every.get(key)
        if cell is None:
            unknown.append(key)
        elif not cell.shown:
            hidden.append(key)
        else:
            keys.append(key)
    keys, over_cap = keys[:MAX_CELLS], keys[MAX_CELLS:]
    chosen = {}
    if keys:
        entries = (
            CellEntry.objects.visible_to(user)
            .select_related("document")
            .prefetch_related(
                Prefetch(
                    "document__authorships",
                    queryset=DocumentAuthor.objects.order_by("position", "pk"),
                ),
                "document__tags",  # keywords, for the RIS export
                Prefetch("document__countries", queryset=Country.objects.order_by("name")),
                Prefetch(
                    "document__effect_measures",
                    queryset=EffectMeasure.objects.order_by("position", "pk"),
                ),
            )
            .order_by("order", "pk")
        )
        issues = BiteSection.objects.filter(kind=BiteSection.Kind.ISSUE).order_by("order", "pk")
        chosen = {
            cell.key: cell
            for cell in Cell.objects.visible_to(user)
            .with_labels()
            .select_related("verdict")
            .filter(pk__in=[every[key].pk for key in keys])
            .prefetch_related(
                Prefetch("entries", queryset=entries),
                Prefetch("bite_sections", queryset=issues),
            )
        }
    cells = []
    for key in keys:
        cell = chosen.get(key)
        if cell is None:  # hidden between the two reads
            hidden.append(key)
            continue
        verdict = getattr(cell, "verdict", None)
        entries = sorted(cell.entries.all(), key=_role_rank)
        neighbours = cell.neighbours(
            {c.code: c for c in every.values() if c.matrix_id == cell.matrix_id}
        )
        cells.append(
            BriefCell(
                cell=cell,
                permalink=permalink(cell.get_absolute_url()),
                entries=[_entry(e) for e in entries],
                issues=[
                    (
                        s.display_heading,
                        opening_passage(s.body_html),
                        permalink(s.get_absolute_url()),
                    )
                    for s in cell.bite_sections.all()
                ],
                neighbours=[
                    (direction, other)
                    for direction, other in neighbours.items()
                    if other is not None and other.shown and other.key not in keys
                ],
                verdict=verdict if verdict is not None and verdict.is_written else None,
                rows=[EvidenceRow(e) for e in entries],
            )
        )
    keys = [c.cell.key for c in cells]
    for brief_cell in cells:
        brief_cell.remove_query = cells_param(k for k in keys if k != brief_cell.cell.key)
    key_notes, key_charts = _print(cells)
    choices = [
        c
        for c in every.values()
        if c.shown and (c.entry_count or c.scope_html) and c.key not in keys
    ]
    return Brief(
        cells=cells,
        keys=keys,
        unknown=unknown,
        hidden=hidden,
        malformed=asked.malformed,
        over_cap=over_cap,
        choices=choices,
        key_notes=key_notes,
        key_charts=key_charts,
    )


KEY_MESSAGE_FIELDS = ("bottom_line", "certainty_note", "effect", "cost_note", "unclear")


def _print(cells):
    """Make the brief's texts fit for paper (``printing.Printer``) in its reading order: the
    key messages, then each cell's scope and entries. One query, for the charts the texts
    link to (none when they link to no chart). Returns the key messages' notes and charts."""
    texts = []
    for item in cells:
        if item.verdict:
            texts += [getattr(item.verdict, f"{name}_html") for name in KEY_MESSAGE_FIELDS]
        texts.append(item.cell.scope_html)
        texts += [e.entry.annotation_html for e in item.entries]
    slugs = charts_linked(*texts)
    # Rows, not values: the page cache drops the brief when a chart it loaded is redrawn.
    charts = {
        chart.slug: (chart.title, chart.html)
        for chart in Chart.objects.filter(slug__in=slugs).exclude(html="")
    }
    named = {}
    for item in cells:
        for e in item.entries:
            name = e.document.short_citation
            named[e.document.get_absolute_url()] = name
            named[f"{item.cell.get_absolute_url()}#{e.entry.anchor}"] = name
    printer = Printer(site_url=settings.SITE_URL, named=named, charts=charts)
    for item in cells:
        if item.verdict:
            item.key_message = {
                name: printer.text(getattr(item.verdict, f"{name}_html"))
                for name in KEY_MESSAGE_FIELDS
            }
    key_notes, key_charts = printer.take_notes(), printer.take_charts()
    for item in cells:
        item.scope_html = printer.text(item.cell.scope_html)
        for e in item.entries:
            e.annotation_html = printer.text(e.entry.annotation_html)
        item.notes, item.charts = printer.take_notes(), printer.take_charts()
    return key_notes, key_charts
