"""The appraisal's facets: design, certainty, country, setting and population, with the
parameter names the search page, the API, feeds and exports share (``design=randomised-trial``,
``certainty=moderate``, ``country=GB``, ``setting=primary-care``, ``population=women``).

Design, country, setting and population are facts of the document, kept as tokens in its
index row (``SearchEntry.appraisal``); a nation of the UK is indexed as itself and as the UK,
so ``country=GB`` finds a London trial. Certainty belongs to a document's place in a cell, so
it is read from the placements in cells the reader may see (``p`` in the facet statement):
a draft cell's judgement counts nowhere.
"""

import re

from studies.appraisal import Certainty, Country, Design, Population, Setting

from .facets import Facet, FacetValue, Param, Shown

COUNTRY_RE = re.compile(r"^[A-Z]{2}(-[A-Z]{3})?$")
SLUG_RE = re.compile(r"^[a-z0-9-]{1,100}$")


def appraisal_tokens(document):
    """A document's appraisal as its index row's tokens (its countries, settings and
    populations prefetched)."""
    tokens = [f"design:{document.design}"] if document.design else []
    countries = set()
    for country in document.countries.all():
        countries.add(country.code)
        if country.part_of_id:
            countries.add(country.part_of_id)
    tokens += [f"country:{code}" for code in sorted(countries)]
    tokens += [f"setting:{s.slug}" for s in document.care_settings.all()]
    tokens += [f"population:{p.slug}" for p in document.populations.all()]
    return tokens


def _choice(values, what):
    def clean(value, problems):
        value = str(value or "").strip()
        if value and value not in values:
            problems.append(f"“{value[:40]}” is not a {what}; that filter is left out.")
            return ""
        return value

    return clean


def _country(value, problems):
    value = str(value or "").strip().upper()
    if value and not COUNTRY_RE.match(value):
        problems.append(
            f"“{value[:20]}” is not a country code (GB, US, or GB-SCT for Scotland); "
            "that filter is left out."
        )
        return ""
    return value


def _slug(what):
    def clean(value, problems):
        value = str(value or "").strip().lower()
        if value and not SLUG_RE.match(value):
            problems.append(f"“{value[:40]}” is not a {what}; that filter is left out.")
            return ""
        return value

    return clean


class TokenFacet(Facet):
    """A facet over one kind of token in the index row's appraisal."""

    prefix = ""
    heading = ""
    columns = {}
    reads = ("appraisal",)
    limit = 15

    @property
    def param(self):
        return self.params[0]

    def chosen_label(self, value):
        return self.labels_for([value]).get(value, value)

    def labels_for(self, values):
        return {}

    def filter(self, qs, params, engine, cells):
        value = getattr(params, self.param.attr)
        qs = qs.filter(engine.token_filter("appraisal", [f"{self.prefix}:{value}"]))
        label = f"{self.heading}: {self.chosen_label(value)}"
        return qs, [(label, params.url(**{self.param.name: ""}))]

    # (table, key column, name column) naming its values in the facet statement itself, so
    # the page needs no query of its own for their labels.
    names_from = None

    def count_sql(self, engine):
        value = f"SUBSTR(t, {len(self.prefix) + 2})"
        label, join = "''", ""
        if self.names_from:
            table, key, name = self.names_from
            label, join = f"MAX(n.{name})", f" JOIN {table} AS n ON n.{key} = {value}"
        return [
            "SELECT * FROM ("
            f"SELECT '{self.name}', {value}, COUNT(DISTINCT x.id), {label} "
            f"FROM ({engine.token_source('appraisal')}) AS x{join} "
            f"WHERE t LIKE '{self.prefix}:%%' "
            f"GROUP BY t ORDER BY 3 DESC, 2 LIMIT 60) AS top_{self.name}"
        ]

    def show(self, page, counts, labels, params, cells):
        found = counts.get(self.name, [])
        names = labels.get(self.name, {}) if self.names_from else self.labels_for([])
        chosen = getattr(params, self.param.attr)
        values = [
            FacetValue(names.get(value, value), n, params.url(**{self.param.name: value}),
                       chosen == value, value)
            for value, n in found
            if value in names
        ]  # fmt: skip
        page.facets[self.name] = self.ordered(values)[: self.limit]
        return [Shown(self.heading, page.facets[self.name])]

    def ordered(self, values):
        return sorted(values, key=lambda v: (-v.count, v.label.lower()))


class DesignFacet(TokenFacet):
    name = prefix = "design"
    heading = "Design"
    # The one facet filling the column the others read too.
    columns = {"appraisal": appraisal_tokens}
    params = (
        Param("design", "design", _choice(Design.values, "study design"),
              choices=tuple(Design.values),
              description="A study design (its slug): documents of that design."),
    )  # fmt: skip

    def labels_for(self, values):
        return {value: label for value, label in Design.choices}

    def ordered(self, values):
        order = {value: n for n, value in enumerate(Design.values)}
        return sorted(values, key=lambda v: order.get(v.value, 99))


class CountryFacet(TokenFacet):
    name = prefix = "country"
    heading = "Country"
    params = (
        Param("country", "country", _country, pattern=r"^[A-Za-z]{2}(-[A-Za-z]{3})?$",
              description="An ISO 3166 country code (GB, US) or one of the UK's nations "
              "(GB-ENG, GB-SCT, GB-WLS, GB-NIR): documents done or applying there. GB "
              "includes its nations."),
    )  # fmt: skip

    names_from = ("studies_country", "code", "name")

    def labels_for(self, values):
        return dict(Country.objects.filter(code__in=values).values_list("code", "name"))


class VocabularyFacet(TokenFacet):
    model = None

    def labels_for(self, values):
        return dict(self.model.objects.filter(slug__in=values).values_list("slug", "name"))


class SettingFacet(VocabularyFacet):
    name = prefix = "setting"
    heading = "Setting"
    model = Setting
    names_from = ("studies_setting", "slug", "name")
    params = (
        Param("setting", "setting", _slug("setting"), pattern=r"^[a-z0-9-]{1,100}$",
              description="A setting's slug (primary-care, residential…): documents of "
              "treatment there."),
    )  # fmt: skip


class PopulationFacet(VocabularyFacet):
    name = prefix = "population"
    heading = "Population"
    model = Population
    names_from = ("studies_population", "slug", "name")
    params = (
        Param("population", "population", _slug("population"), pattern=r"^[a-z0-9-]{1,100}$",
              description="A population's slug (women, young-people…): documents about "
              "them."),
    )  # fmt: skip


# "moderate-or-better" and "low-or-better" ask for a level or stronger.
AT_LEAST = {f"{level}-or-better": level for level in ("moderate", "low")}
CERTAINTY_VALUES = (*(c for c in Certainty.values), *AT_LEAST)


def levels_of(value):
    if value in AT_LEAST:
        return Certainty.at_least(AT_LEAST[value])
    return [value]


class CertaintyFacet(Facet):
    """The certainty editors judged for a document in a cell the reader may see."""

    name = "certainty"
    params = (
        Param("certainty", "certainty", _choice(CERTAINTY_VALUES, "certainty level"),
              choices=CERTAINTY_VALUES,
              description="A certainty level (high, moderate, low, very_low, not_rated) "
              "judged for the document in a cell; moderate-or-better or low-or-better ask "
              "for that level or stronger."),
    )  # fmt: skip

    def filter(self, qs, params, engine, cells):
        qs = qs.filter(engine.certainty_filter(list(cells), levels_of(params.certainty)))
        return qs, [(f"Certainty: {self.label(params.certainty)}", params.url(certainty=""))]

    @staticmethod
    def label(value):
        if value in AT_LEAST:
            return f"{Certainty(AT_LEAST[value]).label} or better"
        return Certainty(value).label

    def count_sql(self, engine):
        better = ", ".join(f"'{level}'" for level in Certainty.at_least("moderate"))
        return [
            "SELECT 'certainty', certainty, COUNT(DISTINCT id), '' FROM p "
            "WHERE certainty IS NOT NULL GROUP BY certainty",
            f"SELECT 'certainty', 'moderate-or-better', COUNT(DISTINCT id), '' FROM p "
            f"WHERE certainty IN ({better})",
        ]

    def show(self, page, counts, labels, params, cells):
        found = dict(counts.get("certainty", []))
        page.facets["certainty"] = [
            FacetValue(self.label(value), found[value], params.url(certainty=value),
                       params.certainty == value, value)
            for value in ("moderate-or-better", *Certainty.values)
            if found.get(value)
        ]  # fmt: skip
        return [Shown("Certainty of the evidence", page.facets["certainty"])]


FACETS = (
    DesignFacet(),
    CertaintyFacet(),
    CountryFacet(),
    SettingFacet(),
    PopulationFacet(),
)
