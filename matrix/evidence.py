"""A cell's evidence table: one row per entry with its document's appraisal, sortable by any
column and written out as CSV with the same words the page shows."""

import csv
import io
from dataclasses import dataclass

from studies.appraisal import Design, EffectDirection


@dataclass(frozen=True)
class Column:
    key: str  # the ``sort`` value
    heading: str
    sortable: bool = True
    descending_first: bool = False  # bigger, newer and surer first on the first click


COLUMNS = [
    Column("document", "Document"),
    Column("roles", "Role"),
    Column("design", "Design"),
    Column("size", "Participants or studies", descending_first=True),
    Column("countries", "Countries"),
    Column("outcomes", "Outcomes", sortable=False),
    Column("effect", "Effect"),
    Column("certainty", "Certainty", descending_first=True),
]
SORTS = {c.key for c in COLUMNS if c.sortable}
# The CSV has the page's columns, then what a reader needs to find the document.
CSV_HEADINGS = [c.heading for c in COLUMNS] + ["Year", "DOI", "Address"]

DESIGN_ORDER = {d.value: n for n, d in enumerate(Design)}
EFFECT_ORDER = {e.value: n for n, e in enumerate(EffectDirection)}


class EvidenceRow:
    """What the table says of one entry, as text (the CSV writes the same words)."""

    def __init__(self, entry):
        document = entry.document
        self.entry, self.document = entry, document
        self.roles = ", ".join(role.singular for role in entry.role_list)
        self.design = document.get_design_display() if document.design else ""
        self.size = document.size
        self.countries = [c.name for c in document.countries.all()]
        self.outcomes = document.outcome_list
        self.effect_direction = (
            document.get_effect_direction_display() if document.effect_direction else ""
        )
        self.measures = [f"{m.outcome}: {m.in_words}" for m in document.effect_measures.all()]
        self.certainty = entry.certainty_level
        self.certainty_why = entry.certainty_why

    @property
    def effect(self):
        return "; ".join(p for p in [self.effect_direction, *self.measures] if p)

    @property
    def certainty_text(self):
        text = self.certainty.label
        return f"{text} ({self.certainty_why})" if self.certainty_why else text

    def texts(self):
        """The row's columns as the CSV writes them, in ``COLUMNS`` order."""
        return [
            self.document.title,
            self.roles,
            self.design,
            self.size,
            ", ".join(self.countries),
            "; ".join(self.outcomes),
            self.effect,
            self.certainty_text,
        ]

    def sort_value(self, key):
        """What the row sorts by under ``key``; None sorts after everything, either way."""
        document = self.document
        if key == "document":
            return document.title.casefold() or None
        if key == "roles":
            roles = self.entry.roles
            return ("SKRG".index(roles[0]), self.entry.order) if roles else None
        if key == "design":
            return DESIGN_ORDER.get(document.design)
        if key == "size":
            return document.participants or document.studies_included or None
        if key == "countries":
            return ", ".join(sorted(self.countries)).casefold() or None
        if key == "effect":
            return EFFECT_ORDER.get(document.effect_direction)
        if key == "certainty":
            return self.certainty.rank or None
        raise ValueError(key)


def sort_rows(rows, sort):
    """``rows`` in the order ``sort`` asks ("design", "-certainty"), empty values last."""
    key = sort.lstrip("-")
    if key not in SORTS:
        return list(rows)
    valued = [r for r in rows if r.sort_value(key) is not None]
    empty = [r for r in rows if r.sort_value(key) is None]
    valued.sort(key=lambda r: r.sort_value(key), reverse=sort.startswith("-"))
    return valued + empty


def parse_sort(value):
    """(sort, problem): the sort asked for if it is one, else "" with what was wrong."""
    value = (value or "").strip()
    if not value or value.lstrip("-") in SORTS and value.count("-") <= 1:
        return value if value.lstrip("-") in SORTS else "", ""
    return "", value[:40]


def headers(sort):
    """[(column, aria-sort or "", the sort its link asks for)] for the table's head."""
    current = sort.lstrip("-")
    descending = sort.startswith("-")
    found = []
    for column in COLUMNS:
        if not column.sortable:
            found.append((column, "", ""))
        elif column.key == current:
            found.append(
                (
                    column,
                    "descending" if descending else "ascending",
                    column.key if descending else f"-{column.key}",
                )
            )
        else:
            found.append((column, "", f"-{column.key}" if column.descending_first else column.key))
    return found


def _safe(text):
    # A spreadsheet runs a cell starting with these as a formula: make it plain text.
    text = str(text)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def write_csv(rows, address_of):
    """The rows as CSV (a header, then one line per row); ``address_of(document)`` gives the
    document's absolute address. Starts with a byte-order mark, so spreadsheets read UTF-8."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADINGS)
    for row in rows:
        document = row.document
        extra = [document.year or "", document.doi, address_of(document)]
        writer.writerow([_safe(value) for value in [*row.texts(), *extra]])
    return out.getvalue()
