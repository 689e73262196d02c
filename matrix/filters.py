"""Links that narrow a cell's or a matrix's entries by their documents' appraisal: by country
(the UK's nations counted within the UK) and by design. Plain links with shareable addresses,
named as search and the API name them (``country=GB``, ``design=randomised-trial``)."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from studies.appraisal import Country, Design

# The jurisdictions documents carried as words before they had countries, and the country
# each names: old ``?jurisdiction=`` addresses are sent to the country they meant.
JURISDICTION_COUNTRIES = {
    "uk": "GB",
    "united kingdom": "GB",
    "gb": "GB",
    "england": "GB-ENG",
    "scotland": "GB-SCT",
    "wales": "GB-WLS",
    "northern ireland": "GB-NIR",
    "us": "US",
    "usa": "US",
    "united states": "US",
    "australia": "AU",
    "canada": "CA",
    "ireland": "IE",
    "new zealand": "NZ",
}
# The longest value either parameter takes ("GB-SCT", "cluster-randomised-trial").
LONGEST_VALUE = 40


def _printable(value):
    # What was asked is repeated in a message: never a control character into the page.
    return "".join(ch for ch in (value or "") if ch.isprintable()).strip()[:LONGEST_VALUE]


def country_asked(value):
    """``gb-sct`` and `` GB-SCT`` are GB-SCT."""
    return _printable(value).upper()


def design_asked(value):
    return _printable(value).lower()


def country_for_jurisdiction(word):
    """The country an old jurisdiction word names, or the word itself as asked."""
    word = (word or "").strip()
    return JURISDICTION_COUNTRIES.get(word.lower(), country_asked(word))


@dataclass
class Choice:
    value: str
    label: str
    count: int
    part_of: str = ""  # the name of the choice it is part of: a UK nation's "United Kingdom"
    href: str = ""
    current: bool = False


@dataclass
class Facet:
    """One way to narrow the entries: its parameter (``country``), the values present among
    the entries with how many each has, what the address asked and what was chosen (the
    asked value if present, else ""). ``unknown`` says the address asked for one that is not
    there. ``members`` maps each value to the keys of the entries it takes in."""

    name: str
    label: str
    choices: list
    total: int
    asked: str
    members: dict = field(default_factory=dict, repr=False)
    all_href: str = ""

    @property
    def chosen(self):
        return self.asked if self.asked in self.members else ""

    @property
    def unknown(self):
        return bool(self.asked) and not self.chosen

    @property
    def chosen_label(self):
        return next((c.label for c in self.choices if c.value == self.chosen), "")

    @property
    def chosen_parts(self):
        """The names of the chosen value's parts present: the nations under the UK."""
        label = self.chosen_label
        return [c.label for c in self.choices if label and c.part_of == label]

    def admits(self, key):
        return not self.chosen or key in self.members[self.chosen]


def country_facet(rows, asked, within=None):
    """From (entry key, country code, name, parent code, parent name) rows, one per country of
    each entry's document (code None for a document without one): each country present, the
    UK before its nations, and how many entries each takes in (the UK counts its nations').
    ``within`` (a set of keys) counts only those entries; the choices are those of all."""
    members, names, parents, keys = {}, {}, {}, set()
    for key, code, name, parent, parent_name in rows:
        keys.add(key)
        if code is None:
            continue
        names[code] = name
        members.setdefault(code, set()).add(key)
        if parent:
            parents[code] = parent
            names[parent] = parent_name
            members.setdefault(parent, set()).add(key)

    def counted(code):
        return len(members[code] if within is None else members[code] & within)

    choices = []
    for code in sorted((c for c in members if c not in parents), key=lambda c: names[c]):
        choices.append(Choice(code, names[code], counted(code)))
        parts = sorted((c for c, p in parents.items() if p == code), key=lambda c: names[c])
        choices += [Choice(p, names[p], counted(p), part_of=names[code]) for p in parts]
    total = len(keys if within is None else keys & within)
    return Facet("country", "Country", choices, total, country_asked(asked), members)


def country_facet_from_counts(counted, asked):
    """``country_facet`` for a whole grid with nothing chosen, from counts kept per code
    ({code: entries}, a nation's entries counted in the UK's too) and the entries' total:
    the same choices in the same order, the countries' names read in one query."""
    counts, total = counted
    names, parents = {}, {}
    for code, name, parent in Country.objects.filter(code__in=counts).values_list(
        "code", "name", "part_of"
    ):
        names[code] = name
        if parent:
            parents[code] = parent
    choices = []
    for code in sorted((c for c in names if c not in parents), key=lambda c: names[c]):
        choices.append(Choice(code, names[code], counts[code]))
        parts = sorted((c for c, p in parents.items() if p == code), key=lambda c: names[c])
        choices += [Choice(p, names[p], counts[p], part_of=names[code]) for p in parts]
    # Only the codes matter to ``chosen``, and nothing is chosen on this path.
    members = {code: frozenset() for code in names}
    return Facet("country", "Country", choices, total, country_asked(asked), members)


def design_facet(rows, asked, within=None):
    """From (entry key, design) rows: each design present, in the list's order, with how many
    entries have it. ``within`` as for ``country_facet``."""
    members, keys = {}, set()
    for key, design in rows:
        keys.add(key)
        if design:
            members.setdefault(design, set()).add(key)
    choices = [
        Choice(d.value, d.label, len(members[d] if within is None else members[d] & within))
        for d in Design
        if d.value in members
    ]
    total = len(keys if within is None else keys & within)
    return Facet("design", "Design", choices, total, design_asked(asked), members)


@dataclass
class EntryFilter:
    """The facets of a page, each choice linked to the page's address with that choice and
    the other facets' choices kept (so "UK" then "randomised trials" is both)."""

    facets: list
    base: str = ""
    keep: dict = field(default_factory=dict)  # other parameters the links carry (a sort)

    def __iter__(self):
        return iter(self.facets)

    @property
    def chosen(self):
        """[(facet, label)] of the facets narrowing the entries."""
        return [(f, f.chosen_label) for f in self.facets if f.chosen]

    @property
    def chosen_labels(self):
        """ "United Kingdom and Randomised controlled trial"."""
        return " and ".join(label for _, label in self.chosen)

    @property
    def unknown(self):
        return [f for f in self.facets if f.unknown]

    @property
    def any_unknown(self):
        return bool(self.unknown)

    def admits(self, key):
        return all(f.admits(key) for f in self.facets)

    def query(self, **values):
        """The query string for the chosen values with ``values`` changed ("" drops one)."""
        params = {f.name: f.chosen for f in self.facets}
        params.update(self.keep)
        params.update(values)
        pairs = [(k, v) for k, v in params.items() if v]
        return f"?{urlencode(pairs)}" if pairs else ""

    def link(self, base, keep=None):
        """Give every choice its address (``base`` with the query), each carrying ``keep``
        (the table's sort) too."""
        self.base, self.keep = base, keep or {}
        for facet in self.facets:
            facet.all_href = self.base + self.query(**{facet.name: ""})
            for choice in facet.choices:
                choice.current = facet.chosen == choice.value
                choice.href = self.base + self.query(**{facet.name: choice.value})
