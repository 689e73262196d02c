"""Small normalisers shared by every format: DOIs, titles, pages, identifiers, the kind."""

from __future__ import annotations

import html
import re
import unicodedata
from urllib.parse import unquote

from .inline import html_to_plain, looks_like_html

DOI_PREFIX_RE = re.compile(
    r"^(?:https?://(?:dx\.|www\.)?doi\.org/|doi\.org/|info:doi/|doi\s*[:=]?\s*)", re.I
)
DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
DOI_IN_TEXT_RE = re.compile(r"10\.\d{4,9}/[^\s\"'<>]+")
PMCID_RE = re.compile(r"^PMC\d+$")
PMC_URL_RE = re.compile(
    r"^https?://(?:www\.ncbi\.nlm\.nih\.gov/pmc/|pmc\.ncbi\.nlm\.nih\.gov/|europepmc\.org/)", re.I
)


def normalise_doi(value) -> str:
    """A DOI as the bank stores it: trimmed, without ``https://doi.org/`` or ``doi:``, URL
    escapes decoded, in the case the source gave it (DOIs match case-insensitively, but are
    shown as given: ``10.1002/14651858.CD012880.pub2``). "" for nothing. Does not check
    that the result is a DOI: see ``looks_like_doi``."""
    if value is None:
        return ""
    doi = unquote(str(value)).strip()
    for _ in range(2):  # "doi: https://doi.org/10…" happens
        doi = DOI_PREFIX_RE.sub("", doi).strip()
    return doi.rstrip(".,;")


def looks_like_doi(value: str) -> bool:
    return bool(DOI_RE.match(value))


def doi_in_text(value: str) -> str:
    """The first DOI found in a URL or a note, normalised; "" if none."""
    m = DOI_IN_TEXT_RE.search(unquote(value or ""))
    return normalise_doi(m.group(0)) if m else ""


def normalise_pmcid(value) -> str:
    value = str(value or "").strip().upper().replace(" ", "")
    if value.isdigit():
        value = "PMC" + value
    return value


def pmc_url(pmcid: str) -> str:
    return f"https://pmc.ncbi.nlm.nih.gov/articles/{pmcid}/"


def is_free_full_text_url(url: str) -> bool:
    """A link to PubMed Central or Europe PMC: free full text whatever field it came in."""
    return bool(PMC_URL_RE.match(url or ""))


ABBREVIATION_END_RE = re.compile(r"(?:\b(?:[A-Za-z]\.){2,}|\b(?:etc|al|vs|Inc|Ltd|Co|Jr|Sr)\.)$")


def clean_title(value) -> str:
    """A title as plain text (titles are not markup): tags and entities gone, whitespace
    collapsed, one trailing full stop dropped (PubMed and many records end titles with one;
    the bank's citations add their own), "..." and abbreviations like "U.S." kept."""
    text = clean_text(value)
    if text.endswith(".") and not text.endswith("..") and not ABBREVIATION_END_RE.search(text):
        text = text[:-1].rstrip()
    return text


def clean_text(value) -> str:
    """A one-line plain-text value: HTML tags and entities decoded, whitespace collapsed."""
    if value is None:
        return ""
    text = str(value)
    if "&" in text or "<" in text:
        if looks_like_html(text) or looks_like_html(html.unescape(text)):
            text = html_to_plain(text)
        else:
            text = html.unescape(text)
    return " ".join(text.split())


def normalise_title(title) -> str:
    """A key for finding the same title twice: case-folded, accents removed, punctuation
    and whitespace collapsed to single spaces, a trailing full stop ignored."""
    text = unicodedata.normalize("NFKD", html.unescape(str(title or "")))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.replace("&", " and ")
    text = re.sub(r"[\W_]+", " ", text)
    return " ".join(text.split())


PAGE_DASH_RE = re.compile(r"\s*(?:-{1,3}|–|—|‐|‑|−)\s*")


def normalise_pages(value) -> str:
    """``270-279`` from ``270--279``, ``270–279``, ``270-9`` (MEDLINE shortens the last
    page), ``pp. 270-279``; a single page or article number stays as it is."""
    text = clean_text(value)
    text = re.sub(r"^(?:pp?\.?\s*)", "", text, flags=re.I)
    parts = PAGE_DASH_RE.split(text, maxsplit=1)
    if len(parts) != 2:
        return text
    first, last = parts[0].strip(), parts[1].strip()
    if first.isdigit() and last.isdigit() and len(last) < len(first) and int(last) < int(first):
        last = first[: len(first) - len(last)] + last
    if not last or first == last:
        return first
    return f"{first}-{last}"


def join_pages(first, last) -> str:
    first, last = clean_text(first), clean_text(last)
    if first and last and not PAGE_DASH_RE.search(first):
        return normalise_pages(f"{first}-{last}")
    return normalise_pages(first or last)


# The kind: the record's own publication types decide first (guidance before review: a
# guideline often says it rests on a review), then the journal (a source that publishes
# only reviews), then the title (review before guidance: a "systematic review of
# guidelines" is a review); anything else is a study.
REVIEW_RE = re.compile(
    r"\b(?:(?:systematic|scoping|narrative|umbrella|rapid|literature|integrative)\s+)?"
    r"reviews?\b|\bmeta[-\s]?analys[ie]s\b|\boverview of reviews\b",
    re.I,
)
GUIDANCE_RE = re.compile(r"\b(?:(?:practice|clinical)\s+)?guidelines?\b|\bguidance\b", re.I)
# Journals that publish reviews and nothing else, in full and as NLM abbreviates them:
# "Cochrane Database of Systematic Reviews" / "Cochrane Database Syst Rev", "Campbell
# Systematic Reviews" / "Campbell Syst Rev", BMC's "Systematic Reviews" / "Syst Rev",
# "JBI Evidence Synthesis" and its former "JBI Database of Systematic Reviews and
# Implementation Reports", "Evidence-Based Child Health: A Cochrane Review Journal", the
# "Annual Review of …" series and "Current Opinion in …". ("Drug and Alcohol Review" is not
# one: it publishes research of every kind.)
REVIEW_SOURCE_RE = re.compile(
    r"^(?:the\s+)?(?:"
    r"cochrane\s+database\s+(?:of\s+)?syst(?:ematic|\.)?\s+rev(?:iews|\.)?"
    r"|(?:campbell\s+)?syst(?:ematic|\.)?\s+rev(?:iews|\.)?"
    r"|jbi\s+evid(?:ence|\.)?\s+synth(?:esis|\.)?"
    r"|jbi\s+database\s+(?:of\s+)?syst(?:ematic|\.)?\s+rev.*"
    r"|evid(?:ence|\.)?[-\s]+based\s+child\s+health.*cochrane.*"
    r"|annu(?:al|\.)?\s+rev(?:iew|\.)?\s+(?:of\s+)?.+"
    r"|curr(?:ent|\.)?\s+opin(?:ion|\.)?\s+(?:in\s+)?.+"
    r")\s*(?:\(online\))?\.?$",
    re.I,
)


def is_review_source(journal: str) -> bool:
    return bool(REVIEW_SOURCE_RE.match(" ".join((journal or "").split())))


def kind_of(title: str, publication_types, journal: str = "") -> str:
    types = " | ".join(publication_types or ())
    if GUIDANCE_RE.search(types):
        return "guidance"
    if REVIEW_RE.search(types) or is_review_source(journal):
        return "review"
    if REVIEW_RE.search(title or ""):
        return "review"
    if GUIDANCE_RE.search(title or ""):
        return "guidance"
    return "study"


# The design (the bank's slugs, studies.appraisal.Design: part of the public contract, so
# named here as text) from the record's own publication types, most specific first, then a
# source that publishes only systematic reviews. MEDLINE's generic "Review" is a narrative
# review only when nothing more specific is given; "Clinical Trial", "Observational Study"
# (a cohort, case-control or cross-sectional study alike) and "Journal Article" say too
# little, so they give nothing. Types are compared without case, spaces or hyphens, so
# Semantic Scholar's "MetaAnalysis" and CSL's "Systematic review" count too.
DESIGN_BY_TYPE = (
    ("guideline", {"practiceguideline", "guideline", "guidance", "clinicalpracticeguideline"}),
    ("meta-analysis", {"metaanalysis", "networkmetaanalysis"}),
    ("systematic-review", {"systematicreview", "cochranereview"}),
    (
        "randomised-trial",
        {
            "randomizedcontrolledtrial",
            "randomisedcontrolledtrial",
            "randomizedtrial",
            "randomisedtrial",
            # MeSH: "a randomized clinical trial" comparing interventions in usual practice.
            "pragmaticclinicaltrial",
        },
    ),
    # MeSH: allocation "may or may not be random"; indexers give a randomised trial its own
    # type, so this one alone is a controlled study without randomisation.
    ("controlled-study", {"controlledclinicaltrial"}),
    ("economic-evaluation", {"economicevaluation"}),
)
SYSTEMATIC_REVIEW_SOURCE_RE = re.compile(
    r"^(?:the\s+)?(?:"
    r"cochrane\s+database\s+(?:of\s+)?syst(?:ematic|\.)?\s+rev(?:iews|\.)?"
    r"|(?:campbell\s+)?syst(?:ematic|\.)?\s+rev(?:iews|\.)?"
    r"|jbi\s+evid(?:ence|\.)?\s+synth(?:esis|\.)?"
    r"|jbi\s+database\s+(?:of\s+)?syst(?:ematic|\.)?\s+rev.*"
    r")\s*(?:\(online\))?\.?$",
    re.I,
)


def design_of(publication_types, journal: str = "") -> str:
    """The design slug a record's types or source give, or "" when they do not say."""
    types = {re.sub(r"[\s\-_]+", "", t).lower() for t in publication_types or ()}
    for design, names in DESIGN_BY_TYPE:
        if types & names:
            return design
    if SYSTEMATIC_REVIEW_SOURCE_RE.match(" ".join((journal or "").split())):
        return "systematic-review"
    if "review" in types:
        return "narrative-review"
    return ""


SMALL_WORDS = frozenset(
    "a an and as at but by for from in into nor of on or over per the to upon via with".split()
)


def journal_title_case(value: str) -> str:
    """NLM's full journal titles are in sentence case ("Drug and alcohol dependence");
    citations use title case ("Drug and Alcohol Dependence"). Words with capitals already
    (acronyms, "McGill") are kept."""
    words = value.split(" ")
    out = []
    for i, word in enumerate(words):
        if word and word == word.lower() and (i == 0 or word not in SMALL_WORDS):
            word = word[0].upper() + word[1:]
        out.append(word)
    return " ".join(out)
