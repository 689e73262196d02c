"""The two treatment matrices, their cells, the documents placed in them and the Matrix Bites."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Max,
    Prefetch,
    Q,
    Value,
    When,
    prefetch_related_objects,
)
from django.urls import reverse
from django.utils import timezone

from editorial.left_out import left_out
from editorial.visibility import VisibleQuerySet, Workflow, sees_unpublished
from markup.models import MarkupOwner
from ops.addresses import address
from studies.appraisal import Certainty, Country, reasons_in_words
from studies.models import Document

from .evidence import EvidenceRow, parse_sort, sort_rows
from .filters import (
    EntryFilter,
    _printable,
    country_facet,
    country_facet_from_counts,
    design_facet,
)
from .notes import notes_for


class Role(models.TextChoices):
    SEMINAL = "S", "Seminal studies"
    KEY = "K", "Key studies"
    REVIEW = "R", "Reviews"
    GUIDANCE = "G", "Guidance"

    @property
    def description(self):
        return {
            "S": "older studies of lasting relevance",
            "K": "usually more recent studies of particular importance",
            "R": "reviews of the research",
            "G": "research-based practice guidelines",
        }[self.value]

    @property
    def singular(self):
        return {"S": "Seminal study", "K": "Key study", "R": "Review", "G": "Guidance"}[self.value]

    @property
    def counted(self):
        """How a count of it reads: "seminal studies", "guidance"."""
        return {"S": "seminal studies", "K": "key studies", "R": "reviews", "G": "guidance"}[
            self.value
        ]

    def count_label(self, count):
        """How a count reads aloud on the gap map: "1 seminal study", "4 guidance documents"."""
        one, many = {
            "S": ("seminal study", "seminal studies"),
            "K": ("key study", "key studies"),
            "R": ("review", "reviews"),
            "G": ("guidance document", "guidance documents"),
        }[self.value]
        return f"{count} {one if count == 1 else many}"


ROLE_ORDER = [role.value for role in Role]


class MatrixQuerySet(models.QuerySet):
    def grid_page(self, user, slug, country="", view="", today=None):
        """One matrix's grid as a gap map: its columns and rows of cells with their coverage
        (S/K/R/G counts, newest study, last revised), their verdicts' certainty and their
        freshness, shown as ``view`` asks (coverage unless it names another), and the
        countries to filter by. With a ``country`` present among its entries, only their
        documents of it (or of its parts: the UK's nations) count."""
        matrix = self.prefetch_related("columns").get(slug=slug)
        if not country and not sees_unpublished(user):
            # A reader's unfiltered grid: the countries' counts are the cells' kept tallies,
            # so the page costs the same at 1,000 documents or 100,000.
            grid = _grids([matrix], user, "", today)[0]
            countries = country_facet_from_counts(_country_counts(grid), country)
        else:
            rows = CellEntry.objects.country_rows(user, cell__matrix=matrix)
            countries = country_facet(rows, country)
            grid = _grids([matrix], user, countries.chosen, today)[0]
        grid.filter = EntryFilter([countries])
        grid.view = view if view in GRID_VIEWS else DEFAULT_GRID_VIEW
        if view and view not in GRID_VIEWS:  # repeated in a message: printable characters only
            grid.view_asked = _printable(view) or "(not printable)"
        return grid

    def home_grids(self, user):
        """Every matrix's grid, for the home page, in three queries whatever their size."""
        return _grids(list(self.prefetch_related("columns")), user)


# A cell with at least one entry but no more than this many is marked thin on the gap map.
THIN_UP_TO = 3

# The ways of reading a grid, ``?view=`` on its page; the first is the default.
GRID_VIEWS = {
    "coverage": "Coverage",
    "certainty": "Certainty",
    "freshness": "Freshness",
}
DEFAULT_GRID_VIEW = "coverage"

# Freshness bands on the grid: the newest study's age in years, up to and including each.
AGE_BANDS = [(2, "recent", "2 years or less"), (5, "aging", "3 to 5 years"),
             (10, "old", "6 to 10 years"), (None, "oldest", "more than 10 years")]  # fmt: skip


def age_band(years):
    """The freshness band of a newest study ``years`` old, or "none" without a study."""
    if years is None:
        return "none"
    return next(band for limit, band, _ in AGE_BANDS if limit is None or years <= limit)


@dataclass
class Grid:
    matrix: "Matrix"
    columns: list
    rows: list = field(default_factory=list)  # [(row, [cells])], cells carry their coverage
    filter: "EntryFilter | None" = None
    view: str = DEFAULT_GRID_VIEW  # one of GRID_VIEWS
    view_asked: str = ""  # a ``?view=`` that is not one, to say so

    def view_links(self):
        """[(view, label, href, current)]: the grid's address in each view, the filter kept."""
        links = []
        for view, label in GRID_VIEWS.items():
            query = self.filter.query(view="" if view == DEFAULT_GRID_VIEW else view)
            links.append((view, label, self.matrix.get_absolute_url() + query, view == self.view))
        return links


def _country_counts(grid):
    """{code: entries} readers see in the grid's public cells, from their tallies, and the
    number of those entries."""
    counts, total = {}, 0
    for _, cells in grid.rows:
        for cell in cells:
            if not cell.shown:
                continue
            total += cell.tally.entries
            for code, n in cell.tally.countries.items():
                counts[code] = counts.get(code, 0) + n
    return counts, total


def _grids(matrices, user, country="", today=None):
    grids = {m.pk: Grid(matrix=m, columns=list(m.columns.all())) for m in matrices}
    rows = {}
    for cell in Cell.objects.for_grid(user, *matrices, country=country, today=today):
        rows.setdefault((cell.matrix_id, cell.row), []).append(cell)
    for (matrix_id, row), cells in rows.items():
        grids[matrix_id].rows.append((row, cells))
    return list(grids.values())


class Matrix(MarkupOwner):
    slug = models.SlugField(unique=True)
    name = models.CharField(
        max_length=60, help_text='e.g. "Alcohol"; the title adds "Treatment Matrix".'
    )
    legacy_folder = models.CharField(
        max_length=40, unique=True, help_text='Folder name on the old site ("Alcohol", "Drugs").'
    )
    position = models.PositiveSmallIntegerField(default=0)
    introduction = models.TextField(blank=True)
    introduction_html = models.TextField(blank=True, editable=False)
    audience_guidance = models.TextField(blank=True, help_text="Who should look where.")
    audience_guidance_html = models.TextField(blank=True, editable=False)

    markup_fields = ("introduction", "audience_guidance")
    objects = MatrixQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "matrices"

    def __str__(self):
        return self.title

    @property
    def title(self):
        return matrix_title(self.name)

    def get_absolute_url(self):
        return reverse("matrix:matrix", args=[self.slug])

    def markup_key(self):
        return f"matrix:{self.slug}"

    def is_page(self):
        return True


COVERS_HELP = (
    "Words and phrases for what studies here are about, one per line (e.g. a medication's "
    "name). A search using one of them is told this is where such studies sit, even when "
    "the bank has none yet."
)


def covered_terms(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class Column(models.Model):
    """Intervention level, A (interventions) to E (treatment systems)."""

    matrix = models.ForeignKey(Matrix, on_delete=models.CASCADE, related_name="columns")
    code = models.CharField(max_length=1, validators=[RegexValidator(r"^[A-E]$")])
    name = models.CharField(max_length=80)
    description = models.TextField(blank=True)
    covers = models.TextField(blank=True, help_text=COVERS_HELP)

    class Meta:
        ordering = ["matrix", "code"]
        constraints = [models.UniqueConstraint(fields=["matrix", "code"], name="unique_column")]

    def __str__(self):
        return f"{self.matrix.name} {self.code}: {self.name}"


class Row(MarkupOwner):
    """Intervention type, 1 to 5; each row is also a Matrix Bites course."""

    matrix = models.ForeignKey(Matrix, on_delete=models.CASCADE, related_name="rows")
    number = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    name = models.CharField(max_length=80)
    description = models.TextField(blank=True)
    covers = models.TextField(blank=True, help_text=COVERS_HELP)
    course_title = models.CharField(max_length=120, blank=True)
    introduction = models.TextField(blank=True)
    introduction_html = models.TextField(blank=True, editable=False)

    markup_fields = ("introduction",)

    class Meta:
        ordering = ["matrix", "number"]
        constraints = [models.UniqueConstraint(fields=["matrix", "number"], name="unique_row")]

    def __str__(self):
        return f"{self.matrix.name} row {self.number}: {self.name}"

    def get_absolute_url(self):
        return reverse("matrix:row", args=[self.matrix.slug, self.number])

    def markup_key(self):
        return f"row:{self.matrix.slug}/{self.number}"

    def is_page(self):
        return True


def matrix_title(name):
    return f"{name} Treatment Matrix"


def cell_code(column_code, row_number):
    return f"{column_code}{row_number}"


def cell_key(matrix_slug, code):
    return f"{matrix_slug}/{code}"


def cell_address(matrix_slug, code):
    return address("matrix:cell", (matrix_slug, code), ("zq0matrix", "E5"))


def cell_short_title(column_label, row_name):
    return f"{column_label}; {row_name}"


def cell_title(matrix_title, code, short_title):
    return f"{matrix_title} cell {code}: {short_title}"


class CellLabel:
    """What lists and facets show of a cell (names, codes, its address, whether readers see
    it), as plain values: a search page names up to 50 cells and building 200 model
    instances for that cost more than the search itself. ``CellQuerySet.labels`` makes them.
    """

    __slots__ = (
        "pk", "matrix_id", "matrix_slug", "matrix_name", "matrix_title", "matrix_position",
        "column_code", "row_number", "code", "key", "short_title", "title", "is_public",
        "has_content", "words", "_url",
    )  # fmt: skip

    def __init__(
        self,
        pk,
        matrix_id,
        matrix_slug,
        matrix_name,
        matrix_position,
        column_code,
        column_label,
        row_number,
        row_name,
        is_public,
        has_content,
        texts=(),
    ):
        self.pk, self.matrix_id, self.matrix_slug = pk, matrix_id, matrix_slug
        self.matrix_name, self.matrix_position = matrix_name, matrix_position
        self.matrix_title = matrix_title(matrix_name)
        self.column_code, self.row_number = column_code, row_number
        self.code = cell_code(column_code, row_number)
        self.key = cell_key(matrix_slug, self.code)
        self.short_title = cell_short_title(column_label, row_name)
        self.title = cell_title(self.matrix_title, self.code, self.short_title)
        self.is_public, self.has_content = is_public, has_content
        # Its title, row and column descriptions and scope: what "cells near it" compares.
        self.words = " ".join([self.title, *texts])
        self._url = None

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        if self._url is None:  # once: a page of results may name a cell twenty times
            self._url = cell_address(self.matrix_slug, self.code)
        return self._url

    @property
    def order(self):
        """The grid's order: matrix, then row, then column."""
        return (self.matrix_position, self.row_number, self.column_code)


def _appraise_for_grid(cell, today):
    """Give a grid cell what the certainty and freshness views show: ``certainty`` (a
    Certainty, or None while no verdict is written), ``study_age`` (years since the newest
    study), ``age_band`` and ``overdue``. A cell not shown tells nothing of them."""
    verdict = getattr(cell, "verdict", None) if cell.shown else None
    cell.certainty = verdict.certainty_level if verdict and verdict.is_written else None
    cell.certainty_band = cell.certainty.value if cell.certainty else "none"
    cell.study_age = max(today.year - cell.newest_study, 0) if cell.newest_study else None
    cell.age_band = age_band(cell.study_age)
    cell.overdue = bool(cell.shown and cell.review_due and cell.review_due < today)
    if not cell.shown:
        cell.review_due = None


class CellQuerySet(VisibleQuerySet):
    def with_labels(self):
        return self.select_related("matrix", "column", "row")

    def labels(self):
        """{pk: CellLabel} of these cells, in one query and without model instances."""
        rows = self.values_list(
            "pk", "matrix_id", "matrix__slug", "matrix__name", "matrix__position",
            "column__code", "label_override", "column__name", "row__number", "row__name",
            "status", "row__description", "column__description", "scope",
        )  # fmt: skip
        labels = {}
        for (
            pk,
            matrix_id,
            slug,
            name,
            position,
            column_code,
            override,
            column_name,
            number,
            row_name,
            status,
            *texts,
        ) in rows:
            scope = texts[-1]  # its HTML is rendered from it: one is empty when the other is
            labels[pk] = CellLabel(
                pk, matrix_id, slug, name, position, column_code, override or column_name,
                number, row_name, Cell.status_is_public(status), bool(scope.strip()), texts,
            )  # fmt: skip
        return labels

    def for_grid(self, user, *matrices, country="", today=None):
        """The cells of the given matrices with their coverage, from the entries ``user`` may
        see, in one query: S/K/R/G counts, the total, the year of the newest study (the
        newest ``year`` among their documents of kind study) and its age in years, the
        verdict's certainty and whether the review is overdue on ``today``. With ``country``,
        only entries whose document has it or one of its parts count. A cell the user may
        not see shows nothing."""
        staff = sees_unpublished(user)
        if not staff and not country:
            yield from self._for_grid_tallied(matrices, today)
            return
        visible = Q() if staff else Document.public_q("entries__document__")
        if country:
            # A subquery, not a join: a document of England and the UK must count once.
            of_country = Document.objects.filter(
                countries__in=Country.objects.filter(Q(code=country) | Q(part_of=country))
            )
            visible &= Q(entries__document__in=of_country.values("pk"))
        counts = {
            f"count_{code}": Count("entries", filter=visible & Q(entries__roles__contains=code))
            for code in ROLE_ORDER
        }
        study = visible & Q(entries__document__kind=Document.Kind.STUDY)
        cells = (
            self.filter(matrix__in=matrices)
            .select_related("matrix", "column", "row", "verdict")
            .annotate(
                entry_count=Count("entries", filter=visible),
                newest_study=Max("entries__document__year", filter=study),
                **counts,
            )
            .order_by("matrix__position", "row__number", "column__code")
        )
        for cell in cells:
            yield self._shown_on_grid(cell, staff, today)

    def _for_grid_tallied(self, matrices, today):
        """``for_grid`` for a reader without a country: the counts are the cells' kept
        tallies (``CellTally``), so the grid costs the same at 1,000 documents or 100,000."""
        cells = (
            self.filter(matrix__in=matrices)
            .select_related("matrix", "column", "row", "verdict", "tally")
            .order_by("matrix__position", "row__number", "column__code")
        )
        rows = list(cells)
        if any(not hasattr(cell, "tally") for cell in rows):  # never tallied: count them once
            CellTally.objects.count_missing()
            rows = list(cells.all())
        for cell in rows:
            tally = cell.tally
            cell.entry_count = tally.entries
            cell.newest_study = tally.newest_study
            for code in ROLE_ORDER:
                setattr(cell, f"count_{code}", getattr(tally, code.lower()))
            yield self._shown_on_grid(cell, False, today)

    @staticmethod
    def _shown_on_grid(cell, staff, today):
        cell.shown = staff or cell.is_public
        if not cell.shown:
            # Only its place shows: its own words (a label of its own), counts and dates
            # are the unpublished cell's, named by its column and row alone.
            cell.label_override = ""
            cell.last_revised = None
            cell.entry_count = 0
            cell.newest_study = None
        _appraise_for_grid(cell, today or timezone.localdate())
        cell.role_counts = [
            (role, getattr(cell, f"count_{role.value}") if cell.shown else 0) for role in Role
        ]
        # The badges shown: (role, count, how it reads aloud), roles with entries only.
        cell.badges = [
            (role, count, role.count_label(count)) for role, count in cell.role_counts if count
        ]
        cell.coverage = (
            "empty"
            if not cell.entry_count
            else "thin"
            if cell.entry_count <= THIN_UP_TO
            else "covered"
        )
        return cell

    def _with_entries(self, user, matrix_slug, code, *prefetches, entries=()):
        """The cell ``user`` may see with its entries (those ``user`` may see), their
        documents and the documents' countries. Raises DoesNotExist."""
        countries = _countries("document__countries")
        return (
            self.visible_to(user)
            .with_labels()
            .prefetch_related(
                Prefetch(
                    "entries",
                    queryset=CellEntry.objects.visible_to(user)
                    .select_related("document")
                    .prefetch_related(countries, *entries)
                    .order_by("order", "pk"),
                ),
                *prefetches,
            )
            .by_key(matrix_slug, code)
        )

    def cell_page(
        self, user, matrix_slug, code, country="", design="", today=None, unsaved=None,
        appraised=False,
    ):  # fmt: skip
        """A cell page: the cell with its verdict card, its entries (those ``user`` may see;
        with a ``country`` or ``design`` present among them, only those whose document has
        it) grouped by role, the countries and designs to filter by, its Matrix Bite sections
        and issues apart, its neighbours and how fresh its evidence is. Raises DoesNotExist.
        ``unsaved``: a cell held in memory with its rows as this query reads them
        (``editorial.preview``), drawn in place of the stored one. ``appraised``: each
        document's settings and populations too (the API's whole appraisal)."""
        cell = unsaved or self.select_related("verdict")._with_entries(
            user,
            matrix_slug,
            code,
            *(
                ["entries__document__care_settings", "entries__document__populations"]
                if appraised
                else []
            ),  # fmt: skip
            Prefetch("bite_sections", queryset=BiteSection.objects.order_by("order", "pk")),
            Prefetch(
                "verdict__economic_evaluations",
                queryset=Document.objects.visible_to(user).order_by("-year", "title"),
            ),
        )
        every_entry = list(cell.entries.all())
        if unsaved is not None:  # its documents' countries, as _with_entries reads them
            prefetch_related_objects([e.document for e in every_entry], _countries())
        entry_filter = filter_entries(every_entry, country, design)
        entries = [e for e in every_entry if entry_filter.admits(e.pk)]
        sections = list(cell.bite_sections.all())
        siblings = Cell.objects.visible_to(user).with_labels().filter(matrix=cell.matrix_id)
        return CellPage(
            cell=cell,
            groups=[
                (role, group)
                for role in Role
                if (group := [e for e in entries if e.primary_role == role.value])
            ],
            entry_count=len(entries),
            every_entry_count=len(every_entry),
            filter=entry_filter,
            sections=[s for s in sections if not s.is_issue],
            issues=[s for s in sections if s.is_issue],
            neighbours=cell.neighbours({c.code: c for c in siblings}),
            verdict=getattr(cell, "verdict", None),
            freshness=Freshness.of(cell, every_entry, today),
            notes=notes_for(cell),
        )

    def evidence_table(self, user, matrix_slug, code, country="", design="", sort=""):
        """A cell's evidence table: a row per entry ``user`` may see (narrowed by ``country``
        and ``design`` as on the cell page) with its document's appraisal and effect
        measures, in the order ``sort`` asks ("certainty", "-size"). Raises DoesNotExist."""
        cell = self._with_entries(user, matrix_slug, code, entries=["document__effect_measures"])
        every_entry = list(cell.entries.all())
        entry_filter = filter_entries(every_entry, country, design)
        sort, bad_sort = parse_sort(sort)
        rows = [EvidenceRow(e) for e in every_entry if entry_filter.admits(e.pk)]
        return EvidenceTable(
            cell=cell,
            rows=sort_rows(rows, sort),
            filter=entry_filter,
            sort=sort,
            bad_sort=bad_sort,
            total=len(every_entry),
        )

    def row_page(self, user, matrix_slug, number):
        """A row read as a course: the row and its cells with their counts."""
        row = Row.objects.select_related("matrix").get(matrix__slug=matrix_slug, number=number)
        cells = [c for c in self.filter(row=row).for_grid(user, row.matrix) if c.shown]
        return RowPage(row=row, cells=cells)

    def by_freshness(self, today):
        """Cells with content, for the editors' dashboard: the year of their newest seminal
        or key study, when last revised, when a review is due; overdue reviews first."""
        sk = Q(entries__roles__contains="S") | Q(entries__roles__contains="K")
        return (
            self.with_labels()
            .annotate(
                entry_total=Count("entries"),
                newest_study=Max("entries__document__year", filter=sk),
                overdue=Case(
                    When(review_due__lt=today, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                ),
            )
            .filter(Q(entry_total__gt=0) | ~Q(scope=""))
            .order_by(
                "overdue",
                F("review_due").asc(nulls_last=True),
                F("last_revised").asc(nulls_first=True),
                "matrix__position",
                "row__number",
                "column__code",
            )
        )

    def by_key(self, matrix_slug, code):
        return self.get(
            matrix__slug=matrix_slug, column__code=code[0].upper(), row__number=int(code[1:])
        )


def filter_entries(entries, country, design):
    """The country and design filters of a cell's entries (read with their documents and
    countries): each facet counts the entries the other lets through."""
    country_rows = []
    for e in entries:
        countries = e.document.countries.all()
        country_rows += [
            (e.pk, c.code, c.name, c.part_of_id, c.part_of.name if c.part_of_id else "")
            for c in countries
        ] or [(e.pk, None, "", None, "")]
    design_rows = [(e.pk, e.document.design) for e in entries]
    by_country = country_facet(country_rows, country)
    by_design = design_facet(design_rows, design)
    return EntryFilter(
        [
            country_facet(
                country_rows, country, within={e.pk for e in entries if by_design.admits(e.pk)}
            ),
            design_facet(
                design_rows, design, within={e.pk for e in entries if by_country.admits(e.pk)}
            ),
        ]
    )


@dataclass
class Freshness:
    """How fresh a cell's evidence is: the year of its newest study, when the editors last
    appraised it and when its review is due (``overdue`` once that day has passed)."""

    newest_study: "int | None"
    last_appraised: "datetime.date | None"
    review_due: "datetime.date | None"
    overdue: bool

    @classmethod
    def of(cls, cell, entries, today=None):
        today = today or timezone.localdate()
        years = [
            e.document.year
            for e in entries
            if e.document.kind == Document.Kind.STUDY and e.document.year
        ]
        verdict = getattr(cell, "verdict", None)
        return cls(
            newest_study=max(years, default=None),
            last_appraised=verdict.last_appraised if verdict else None,
            review_due=cell.review_due,
            overdue=bool(cell.review_due and cell.review_due < today),
        )

    @property
    def known(self):
        return bool(self.newest_study or self.last_appraised or self.review_due)


def _countries(lookup="countries"):
    # A new one each time: a Prefetch nested in another's queryset is changed by its use.
    return Prefetch(lookup, queryset=Country.objects.select_related("part_of"))


@dataclass
class CellPage:
    cell: "Cell"
    groups: list  # [(Role, [entries])], by each entry's first role
    entry_count: int
    every_entry_count: int  # before the filters
    filter: EntryFilter
    sections: list
    issues: list
    neighbours: dict
    verdict: "CellVerdict | None" = None
    freshness: "Freshness | None" = None
    notes: list = field(default_factory=list)  # lines apps above add (matrix.notes)

    @property
    def written_verdict(self):
        """The verdict card, if the editors have written one."""
        return self.verdict if self.verdict is not None and self.verdict.is_written else None

    @property
    def has_bite(self):
        return bool(self.sections or self.issues)


@dataclass
class EvidenceTable:
    cell: "Cell"
    rows: list  # [EvidenceRow], in the order asked
    filter: EntryFilter
    sort: str  # "" (the cell page's order), "design", "-certainty"…
    bad_sort: str  # a sort asked for that is not one, to say so
    total: int  # every entry the reader may see, before the filters


@dataclass
class RowPage:
    row: "Row"
    cells: list


class Cell(Workflow, MarkupOwner):
    matrix = models.ForeignKey(Matrix, on_delete=models.CASCADE, related_name="cells")
    column = models.ForeignKey(Column, on_delete=models.PROTECT, related_name="cells")
    row = models.ForeignKey(Row, on_delete=models.PROTECT, related_name="cells")
    label_override = models.CharField(
        max_length=80, blank=True, help_text="Replaces the column name in this cell's title."
    )
    scope = models.TextField(blank=True, help_text="What the cell covers (markup).")
    scope_html = models.TextField(blank=True, editable=False)
    more_query = models.CharField(
        max_length=200, blank=True, help_text="The search the MORE link runs."
    )
    more_note = models.TextField(blank=True, help_text="Text after the MORE link (markup).")
    more_note_html = models.TextField(blank=True, editable=False)
    first_uploaded = models.DateField(null=True, blank=True)
    review_due = models.DateField(
        null=True, blank=True, help_text="When the editors mean to look at this cell again."
    )

    markup_fields = ("scope", "more_note")
    first_public_field = "first_uploaded"
    objects = CellQuerySet.as_manager()

    class Meta:
        ordering = ["matrix", "row__number", "column__code"]
        constraints = [
            models.UniqueConstraint(fields=["matrix", "column", "row"], name="unique_cell")
        ]

    def __str__(self):
        return self.title

    @property
    def code(self):
        return cell_code(self.column.code, self.row.number)

    @property
    def column_label(self):
        return self.label_override or self.column.name

    @property
    def short_title(self):
        return cell_short_title(self.column_label, self.row.name)

    @property
    def title(self):
        return cell_title(self.matrix.title, self.code, self.short_title)

    @property
    def key(self):
        return cell_key(self.matrix.slug, self.code)

    @property
    def has_content(self):
        return bool(self.scope_html)

    @property
    def has_bite(self):
        return self.bite_sections.exists() if self.pk else False

    def get_absolute_url(self):
        return cell_address(self.matrix.slug, self.code)

    def markup_key(self):
        return f"cell:{self.key}"

    def is_page(self):
        return True

    def clean(self):
        if self.column_id and self.matrix_id and self.column.matrix_id != self.matrix_id:
            raise ValidationError({"column": "This column belongs to another matrix."})
        if self.row_id and self.matrix_id and self.row.matrix_id != self.matrix_id:
            raise ValidationError({"row": "This row belongs to another matrix."})
        super().clean()

    def left_out_for_readers(self):
        """What the preview of this cell, published, would not show readers, and why: read
        from the entries it holds in memory, in their order (``editorial.preview``)."""
        hidden = [e for e in self.entries.all() if not e.document.is_public]
        names = [f"“{e.headline}” ({e.document.title})" for e in hidden]
        return left_out(
            names, ("entry", "entries"), ("its document is a draft", "their documents are drafts")
        )

    def neighbours(self, cells_by_code):
        """The cells left, right, above and below, from a {code: cell} map of the matrix."""
        col, row = self.column.code, self.row.number
        steps = {
            "left": (chr(ord(col) - 1), row),
            "right": (chr(ord(col) + 1), row),
            "up": (col, row - 1),
            "down": (col, row + 1),
        }
        return {direction: cells_by_code.get(f"{c}{r}") for direction, (c, r) in steps.items()}


class CellTallyQuerySet(models.QuerySet):
    def recount(self, cell_ids=None):
        """Count again what readers see in each of ``cell_ids`` (every cell if None) and
        store it: its entries, by role, and the year of its newest study."""
        public = Document.public_q("entries__document__")
        study = public & Q(entries__document__kind=Document.Kind.STUDY)
        cells = Cell.objects.all() if cell_ids is None else Cell.objects.filter(pk__in=cell_ids)
        counted = cells.annotate(
            entry_count=Count("entries", filter=public),
            newest=Max("entries__document__year", filter=study),
            **{
                f"n_{code}": Count("entries", filter=public & Q(entries__roles__contains=code))
                for code in ROLE_ORDER
            },
        ).values("pk", "entry_count", "newest", *(f"n_{code}" for code in ROLE_ORDER))
        countries = {}  # cell: {code: {entry keys}}
        placed = CellEntry.objects.filter(cell__in=cells).filter(Document.public_q("document__"))
        for cell, entry, code, parent in placed.values_list(
            "cell", "pk", "document__countries__code", "document__countries__part_of"
        ).order_by():
            for each in (code, parent):
                if each:
                    countries.setdefault(cell, {}).setdefault(each, set()).add(entry)
        rows = [
            CellTally(
                cell_id=row["pk"],
                entries=row["entry_count"],
                newest_study=row["newest"],
                countries={code: len(keys) for code, keys in countries.get(row["pk"], {}).items()},
                **{code.lower(): row[f"n_{code}"] for code in ROLE_ORDER},
            )
            for row in counted
        ]
        self.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["cell"],
            update_fields=[
                "entries",
                "newest_study",
                "countries",
                *(code.lower() for code in ROLE_ORDER),
            ],
        )

    def count_missing(self):
        """Tally the cells never tallied (new cells, a restored bank, rows written in bulk
        outside the write path): one small anti-join when there are none."""
        missing = list(Cell.objects.filter(tally__isnull=True).values_list("pk", flat=True))
        if missing:
            self.recount(missing)


class CellTally(models.Model):
    """What readers see in a cell, kept current by the matrices' refresher, so the grids
    (home page and matrix pages) read 50 rows instead of counting every entry of the bank."""

    cell = models.OneToOneField(
        Cell, on_delete=models.CASCADE, primary_key=True, related_name="tally"
    )
    entries = models.PositiveIntegerField(default=0)
    s = models.PositiveIntegerField(default=0)
    k = models.PositiveIntegerField(default=0)
    r = models.PositiveIntegerField(default=0)
    g = models.PositiveIntegerField(default=0)
    newest_study = models.PositiveSmallIntegerField(null=True, blank=True)
    # {country code: entries}, a document's countries and the countries they are part of
    # (the UK for its nations), each entry counted once per code: the grid's country filter.
    countries = models.JSONField(default=dict, blank=True)

    objects = CellTallyQuerySet.as_manager()

    def __str__(self):
        return f"{self.cell_id}: {self.entries}"


class CellEntryQuerySet(VisibleQuerySet):
    def country_rows(self, user, **where):
        """(entry, country code, name, parent code, parent name) for each country of the
        documents of the entries ``user`` may see (``where`` narrows them); code None for a
        document without one. One query, for ``country_facet``."""
        return list(
            self.visible_to(user)
            .filter(**where)
            .order_by()
            .values_list(
                "pk",
                "document__countries__code",
                "document__countries__name",
                "document__countries__part_of",
                "document__countries__part_of__name",
            )
        )


class CellEntry(MarkupOwner):
    """A document placed in a cell, with its roles there and a cell-specific headline."""

    cell = models.ForeignKey(Cell, on_delete=models.CASCADE, related_name="entries")
    document = models.ForeignKey(
        "studies.Document", on_delete=models.PROTECT, related_name="cell_entries"
    )
    roles = models.CharField(
        max_length=4,
        validators=[RegexValidator(r"^S?K?R?G?$", "Roles are S, K, R and G, in that order.")],
        help_text="One or more of S, K, R, G.",
    )
    headline = models.CharField(max_length=300)
    annotation = models.TextField(blank=True)
    annotation_html = models.TextField(blank=True, editable=False)
    order = models.PositiveSmallIntegerField(default=0)
    # How far this document, in this cell, can be trusted to answer the cell's question.
    certainty = models.CharField(
        max_length=10,
        choices=Certainty.choices,
        default=Certainty.NOT_RATED,
        db_default=Certainty.NOT_RATED,
    )
    certainty_reasons = models.JSONField(
        default=list, db_default=[], blank=True, help_text="What lowered or raised it."
    )
    certainty_judged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    certainty_judged_on = models.DateField(null=True, blank=True, editable=False)

    markup_fields = ("annotation",)
    objects = CellEntryQuerySet.as_manager()

    class Meta:
        ordering = ["cell", "order", "pk"]
        verbose_name_plural = "cell entries"
        constraints = [
            models.UniqueConstraint(fields=["cell", "document"], name="unique_entry"),
        ]

    def __str__(self):
        return f"{self.roles} {self.headline}"

    @classmethod
    def public_q(cls, prefix=""):
        """Readers see an entry when they see both its cell and its document."""
        return Cell.public_q(f"{prefix}cell__") & Document.public_q(f"{prefix}document__")

    @property
    def role_list(self):
        return [Role(code) for code in self.roles]

    @property
    def primary_role(self):
        return self.roles[:1]

    @property
    def certainty_level(self):
        return Certainty(self.certainty or Certainty.NOT_RATED)

    @property
    def certainty_why(self):
        return reasons_in_words(self.certainty_reasons or [])

    @property
    def anchor(self):
        return self.anchor_for(self.document.slug)

    @staticmethod
    def anchor_for(document_slug):
        return f"entry-{document_slug}"

    def get_absolute_url(self):
        return f"{self.cell.get_absolute_url()}#{self.anchor}"

    def clean(self):
        if not self.roles:
            raise ValidationError({"roles": "Give the entry at least one role."})
        super().clean()

    def markup_key(self):
        return self.cell.markup_key()

    def own_anchors(self):
        return [self.anchor] if self.document_id else []

    def anchors_public(self):
        return self.document.is_public


class BiteSection(MarkupOwner):
    """One section of a cell's Matrix Bite essay."""

    class Kind(models.TextChoices):
        ABOUT = "about", "What is this cell about?"
        START = "start", "Where should I start?"
        HIGHLIGHTED = "highlighted", "Highlighted study"
        ISSUE = "issue", "Issue to consider and discuss"

    cell = models.ForeignKey(Cell, on_delete=models.CASCADE, related_name="bite_sections")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    heading = models.CharField(
        max_length=200, blank=True, help_text="Required for issues; others default to their kind."
    )
    anchor = models.SlugField(
        max_length=80, help_text="Name for links to this section, e.g. cell:alcohol/E4#mutual-aid."
    )
    body = models.TextField()
    body_html = models.TextField(blank=True, editable=False)
    order = models.PositiveSmallIntegerField(default=0)

    markup_fields = ("body",)

    class Meta:
        ordering = ["cell", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cell", "anchor"], name="unique_bite_anchor")
        ]

    def __str__(self):
        return self.display_heading

    def get_absolute_url(self):
        return self.address(self.cell.get_absolute_url(), self.anchor)

    @staticmethod
    def address(cell_url, anchor):
        """A section's address: its cell's page with the Matrix Bite open, at the section."""
        return f"{cell_url}?bite=open#{anchor}"

    @property
    def display_heading(self):
        return self.heading_for(self.heading, self.kind)

    @classmethod
    def heading_for(cls, heading, kind):
        return heading or cls.Kind(kind).label

    @property
    def is_issue(self):
        return self.kind == self.Kind.ISSUE

    def clean(self):
        from markup.references import anchor_name_problem

        errors = {}
        if self.kind == self.Kind.ISSUE and not self.heading:
            errors["heading"] = "An issue needs a heading."
        problem = self.anchor and anchor_name_problem(self.anchor)
        if problem:
            errors["anchor"] = f"'{self.anchor}' cannot be used: {problem}."
        if errors:
            raise ValidationError(errors)
        super().clean()

    def markup_key(self):
        return self.cell.markup_key()

    def own_anchors(self):
        return [self.anchor] if self.anchor else []


class Chart(models.Model):
    """A small bar chart kept as data and drawn as accessible SVG when saved."""

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    caption = models.TextField(blank=True)
    unit = models.CharField(max_length=20, blank=True, default="%")
    data = models.TextField(
        help_text=(
            "One line per bar group: label, then one value per series, comma-separated. "
            'The first line names the series and starts with "label". Where the source gives '
            'no figure for a bar, write "?" (or leave it empty): the bar is marked "no figure" '
            "and the chart says so, rather than dropping the group."
        )
    )
    note = models.TextField(
        blank=True,
        help_text="Shown under the caption: where the figures come from, what is missing and why.",
    )
    source = models.ForeignKey(
        "studies.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="charts",
    )
    html = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["slug"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.redraw()  # its stored drawing; the texts placing it are a refresher's
        super().save(*args, **kwargs)

    def redraw(self):
        from .charts import draw

        self.html = draw(self)

    def refresh_texts_placing_it(self):
        """Texts store the drawn chart where they place it: draw it there again."""
        from markup.models import links_into, refresh_texts

        refresh_texts(links_into([f"chart:{self.slug}"]).values_list("source", flat=True))

    def clean(self):
        from .charts import ChartDataError, parse_data

        try:
            parse_data(self.data)
        except ChartDataError as exc:
            raise ValidationError({"data": str(exc)}) from exc

    def links_in_the_way(self):
        """Texts that place this chart, which deleting it would break."""
        from markup.models import links_into

        return links_into([f"chart:{self.slug}"])


class CellVerdict(MarkupOwner):
    """A cell's verdict card: what the body of evidence in the cell says, how sure we can be,
    what it costs and what is still unknown, written by the editors in plain words. It is
    part of its cell: edited in the cell's form, with the cell's history, workflow and
    preview."""

    cell = models.OneToOneField(Cell, on_delete=models.CASCADE, related_name="verdict")
    bottom_line = models.TextField(
        blank=True, help_text="One or two sentences: what the evidence says (markup)."
    )
    bottom_line_html = models.TextField(blank=True, editable=False)
    certainty = models.CharField(
        "certainty of the body of evidence",
        max_length=10,
        choices=Certainty.choices,
        default=Certainty.NOT_RATED,
    )
    certainty_reasons = models.JSONField(default=list, blank=True)
    certainty_note = models.TextField(
        "why this certainty", blank=True, help_text="The reasons in words (markup)."
    )
    certainty_note_html = models.TextField(blank=True, editable=False)
    effect = models.TextField("effect in plain words", blank=True)
    effect_html = models.TextField(blank=True, editable=False)
    works_for = models.TextField("who it works for and who it doesn't", blank=True)
    works_for_html = models.TextField(blank=True, editable=False)
    mechanism = models.TextField("how it is thought to work", blank=True)
    mechanism_html = models.TextField(blank=True, editable=False)
    implementation = models.TextField("what implementation needs", blank=True)
    implementation_html = models.TextField(blank=True, editable=False)
    cost_band = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        choices=[(1, "1 (very low)"), (2, "2 (low)"), (3, "3 (moderate)"), (4, "4 (high)"),
                 (5, "5 (very high)")],
        help_text="Cost per person treated, 1 (very low) to 5 (very high), as EEF bands it.",
    )  # fmt: skip
    cost_note = models.TextField(
        "what the cost counts", blank=True, help_text="What is counted in the band (markup)."
    )
    cost_note_html = models.TextField(blank=True, editable=False)
    economic_evaluations = models.ManyToManyField(
        Document,
        blank=True,
        related_name="+",
        help_text="The economic evaluations in the bank the cost band rests on.",
    )
    unclear = models.TextField("what remains unclear", blank=True)
    unclear_html = models.TextField(blank=True, editable=False)
    last_appraised = models.DateField(
        null=True, blank=True, help_text="When the editors last appraised the cell's evidence."
    )

    markup_fields = (
        "bottom_line", "certainty_note", "effect", "works_for", "mechanism",
        "implementation", "cost_note", "unclear",
    )  # fmt: skip

    class Meta:
        verbose_name = "verdict card"

    def __str__(self):
        return f"Verdict on {self.cell}" if self.cell_id else "Verdict"

    @property
    def certainty_level(self):
        return Certainty(self.certainty or Certainty.NOT_RATED)

    @property
    def certainty_why(self):
        return reasons_in_words(self.certainty_reasons or [])

    @property
    def is_written(self):
        return bool(self.bottom_line_html or self.certainty != Certainty.NOT_RATED)

    def markup_key(self):
        return self.cell.markup_key()
