"""The API's schemas: what each answer holds and what the search parameters may be. They are
its OpenAPI description (rendered at /api/v1/docs)."""

from typing import Annotated, Literal

from ninja import Path, Schema
from pydantic import BeforeValidator, Field, WithJsonSchema, create_model

from citations.exporting.formats import formats
from ops.inputs import whole_number
from search.params import MAX_PAGE, facet_params
from studies.appraisal import (
    Certainty,
    CertaintyReason,
    Design,
    EffectDirection,
    RiskOfBias,
)
from studies.models import Notice
from subjects.models import MAX_PAGE as SUBJECT_MAX_PAGE

SLUG = r"^[-a-zA-Z0-9_]+$"
# Text parameters hold no control characters (tab and line breaks aside): such an address is
# refused with 400 (config/middleware.py).
TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
# The path parameters, described as the site's addresses take them: a request the description
# allows is answered, or refused with a documented 404 when nothing has that name.
Slug = Annotated[str, Path(pattern=SLUG, min_length=1, max_length=50, description="A slug.")]
DocumentSlug = Annotated[
    str, Path(pattern=SLUG, min_length=1, max_length=120, description="A document's slug.")
]
SubjectSlug = Annotated[
    str, Path(pattern=SLUG, min_length=1, max_length=100, description="A subject's slug.")
]
CellCode = Annotated[
    str,
    Path(
        pattern=r"^[A-Ea-e][1-5]$",
        description="A cell's code: its column letter (A-E) and row number (1-5), e.g. E4.",
    ),
]


class ApiRoot(Schema):
    """What the API offers: its version, a link to each collection, its OpenAPI description
    and its documentation page."""

    name: str
    version: str
    collections: dict[str, str]
    openapi: str
    docs: str


class Link(Schema):
    title: str
    url: str
    api_url: str = ""


class RoleCount(Schema):
    role: str
    label: str
    count: int


class CellSummary(Schema):
    code: str
    # None while readers cannot see the cell (in preparation): only its code and place show.
    title: str | None
    url: str | None
    api_url: str | None
    has_content: bool
    counts: list[RoleCount]


class MatrixSummary(Schema):
    slug: str
    title: str
    url: str
    api_url: str


class MatrixDetail(MatrixSummary):
    rows: list[list[CellSummary]]


class DocumentSummary(Schema):
    slug: str
    kind: str
    title: str
    year: int | None
    citation: str
    status: str
    url: str
    api_url: str


class Place(Schema):
    cell: str
    title: str
    url: str
    roles: list[str]
    headline: str


def _citation_schema():
    """A document's ``cite``: its CSL item, the formatted styles, then one field per export
    format (``ExportFormat.api_key``: "ris", "bibtex"…), in the order the site lists them."""
    fields = {"csl": (dict, ...), "apa": (str, ...), "vancouver": (str, ...)}
    fields.update({f.api_key: (str, ...) for f in formats})
    return create_model("Citation", __base__=Schema, **fields)


Citation = _citation_schema()


def _enum(choices, empty=False):
    """A string that is one of ``choices`` (the values of a TextChoices), "" allowed when
    ``empty``: an enum in the OpenAPI description."""
    return Literal[*(("",) if empty else ()), *choices.values]


CountryCode = Annotated[
    str,
    Field(
        pattern=r"^[A-Z]{2}(-[A-Z]{3})?$",
        description="ISO 3166-1 (GB, US) or, for the UK's nations, ISO 3166-2 (GB-SCT).",
    ),
]


class Appraisal(Schema):
    """A document's appraisal: only what its source states; empty or null where it does not
    say."""

    design: _enum(Design, empty=True) = Field(description='The study design, or "".')
    participants: int | None = Field(description="How many took part (a study).")
    studies: int | None = Field(description="How many studies it includes (a review).")
    countries: list[CountryCode]
    setting: list[str] = Field(description="Slugs of the settings of treatment.")
    population: list[str] = Field(description="Slugs of the populations it is about.")
    effect_direction: _enum(EffectDirection, empty=True)
    risk_of_bias: _enum(RiskOfBias, empty=True)


class PublisherNotice(Schema):
    """A publisher's notice about the document: a retraction, a withdrawal, an expression of
    concern or a correction."""

    type: _enum(Notice)
    date: str = Field(description='As precise as the notice gives it ("2026-05-04"), or "".')
    notice_doi: str = Field(description='The notice\'s own DOI, or "".')
    source: str = Field(description="Who reported it (Crossref, Retraction Watch, OpenAlex).")


class DocumentDetail(DocumentSummary):
    authors: list[str]
    authors_et_al: bool
    source: str
    jurisdiction: str
    volume: str
    issue: str
    pages: str
    doi: str
    pmid: str
    publisher_url: str
    free_url: str
    standfirst_html: str
    key_points_html: str
    abstract_html: str
    commentary_html: str
    subjects: list[Link]
    appears_in: list[Place]
    first_published: str | None
    last_revised: str | None
    cite: Citation
    appraisal: Appraisal
    retraction: PublisherNotice | None = Field(
        description="A publisher's notice about it (retracted, withdrawn, of concern, "
        "corrected), or null."
    )


class EntryDocument(DocumentSummary):
    appraisal: Appraisal


class Entry(Schema):
    roles: list[str]
    headline: str
    annotation_html: str
    certainty: _enum(Certainty) = Field(
        description="How far this document, in this cell, can be trusted (GRADE's levels, "
        "or not_rated)."
    )
    certainty_reasons: list[_enum(CertaintyReason)]
    document: EntryDocument


class Verdict(Schema):
    """A cell's verdict card, written by the editors; its texts as HTML."""

    bottom_line: str
    certainty: _enum(Certainty)
    certainty_reasons: list[_enum(CertaintyReason)]
    effect: str
    cost_band: int | None = Field(ge=1, le=5, description="1 (very low) to 5 (very high).")
    unclear: str
    last_appraised: str | None = Field(description="ISO 8601 date.")
    review_due: str | None = Field(description="ISO 8601 date.")


class CellDetail(Schema):
    matrix: str
    code: str
    title: str
    url: str
    scope_html: str
    more_search: str
    verdict: Verdict | None = Field(description="Null when the cell has no verdict card.")
    entries: list[Entry]
    bite_sections: list[Link]
    first_uploaded: str | None
    last_revised: str | None


class TopicSummary(Schema):
    slug: str
    title: str
    url: str
    api_url: str


class TopicDetail(TopicSummary):
    standfirst_html: str
    essay_html: str
    search: str
    documents: list[DocumentSummary]


class SubjectSummary(Schema):
    slug: str
    name: str
    documents: int
    url: str
    api_url: str


class FacetValueOut(Schema):
    label: str
    count: int
    selected: bool


class Page(Schema):
    # A search that cannot run (no usable words, only excluded words, too many terms) is
    # answered with no results and this note saying why.
    notice: str | None = None
    count: int
    page: int
    pages: int
    next: str | None
    previous: str | None


class DocumentPage(Page):
    results: list[DocumentSummary]
    facets: dict[str, list[FacetValueOut]]


class SearchResult(DocumentSummary):
    snippet_html: str
    appears_in: list[Place]


class SearchAnswer(Page):
    query: str
    understood_as: str
    results: list[SearchResult]
    facets: dict[str, list[FacetValueOut]]
    cells: list[Link]
    bite_sections: list[Link]
    topics: list[Link]
    did_you_mean: str | None


class SubjectPage(Page):
    subject: SubjectSummary
    results: list[DocumentSummary]


def whole_number_between(low, high):
    """An int parameter read by the pages' own rule (``ops.inputs.whole_number``): ASCII
    digits from ``low`` to ``high``; anything else is refused with 422 and says so."""

    def read(value):
        number = whole_number(str(value), low, high)
        if number is None:
            raise ValueError(f"Expected a whole number from {low} to {high}, in digits 0-9.")
        return number

    # The bounds only describe the parameter in the OpenAPI document; read() checks them.
    described = WithJsonSchema({"type": "integer", "minimum": low, "maximum": high})
    return Annotated[int, BeforeValidator(read), described]


SearchPageNumber = whole_number_between(1, MAX_PAGE)
SubjectPageNumber = whole_number_between(1, SUBJECT_MAX_PAGE)


def _facet_field(param):
    """A search facet's parameter (``search.facets.Param``) as a field of SearchFilters."""
    if param.kind == "number":
        return whole_number_between(param.low, param.high) | None, None
    if param.kind == "flag":
        return bool, False
    if param.choices:
        kind = Literal["", *param.choices]
    elif param.pattern:
        kind = Annotated[str, Field(pattern=param.pattern.replace("^", "^$|^", 1))]
    else:
        kind = Annotated[str, Field(pattern=TEXT)]
    if param.description:
        kind = Annotated[kind, Field(description=param.description)]
    return kind, ""


# The search's parameters: the words, each registered facet's (search/hooks.py), the sort and
# the page. Built when the URLs are (after every app's hooks are registered).
SearchFilters = create_model(
    "SearchFilters",
    __base__=Schema,
    q=(
        Annotated[
            str,
            Field(
                max_length=200,
                pattern=TEXT,
                description=(
                    "Words to look for (up to 200 characters; longer is cut). Words are "
                    "letters and digits; punctuation and very common words (the, of…) are left "
                    "out, and question words (does, work…) only rank. A q with no usable words "
                    "is answered with no results and a `notice` saying why, as is one that only "
                    "excludes (-word) or has more than 32 terms."
                ),
            ),
        ],
        "",
    ),
    **{param.attr: _facet_field(param) for param in facet_params()},
    sort=(
        Annotated[
            Literal["", "relevance", "newest", "oldest"],
            Field(description="Relevance (the default with words), newest or oldest first."),
        ],
        "",
    ),
    page=(SearchPageNumber, 1),
)
