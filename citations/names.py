"""Author names as the source gave them, and the bank's cited form of them.

A ``Name`` keeps the parts the records carry: ``family`` (with its particles: "van der
Berg"), ``given`` (full given names, "Christine", or only initials when that is all the
source gives, written "N. B."), ``suffix`` ("Jr.") and, for a corporate author (an issuing
body), the whole name in ``family`` with ``corporate`` set. Nothing is shortened on the way
in; each citation style makes its own initials from ``given``.

The bank's house style on its pages (``Name.cited``) is the old site's: the surname and the
initials, each followed by a full stop, with no spaces ("Humphreys K.", "Barreto N.B.",
"Sartre J.-P.", "King M.L. Jr."); a corporate author is written whole.

This is the one module for names, read in and written out: the importers parse with it,
the bank stores its parts and cites with ``Name.cited`` (its one initials rule,
``initials``), and the export formats write a person with ``inverted``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .normalise import clean_text

PARTICLES = frozenset(
    "van von der den de del della des di da do dos das du la le ter ten bin al el".split()
)
SUFFIXES = frozenset("jr jr. sr sr. ii iii iv".split())
ET_AL_RE = re.compile(r"^(?:et\.?\s*al\.?|others|and others|\.\.\.|…)$", re.I)
# One token of initials: "K", "K.", "NB", "N.B.", "J-P", "J.-P.", "Ch." is not one.
INITIALS_TOKEN_RE = re.compile(r"^(?:(?:[A-Z]\.?){1,3}|[A-Z]\.?-[A-Z]\.?)$")
CORPORATE_RE = re.compile(
    r"\b(?:organi[sz]ation|institute|institut|association|council|committee|agency|"
    r"department|ministry|office|cent(?:re|er)|society|collaboration|collaborative|"
    r"consortium|network|board|commission|services?|foundation|university|college|trust|"
    r"authority|programme|program|panel|investigators|group|team|alliance|federation|"
    r"administration|national|international|health)\b",
    re.I,
)
ACRONYM_RE = re.compile(r"\b(?:NHS|NICE|WHO|SAMHSA|NIDA|NIAAA|UNODC|EMCDDA|CDC|NIH)\b")
ET_AL = "et al."  # what a list of names carries where the source cut it short


@dataclass(frozen=True)
class Name:
    family: str
    given: str = ""
    suffix: str = ""
    corporate: bool = False

    @property
    def cited(self) -> str:
        """The house style: "Timko C.", "Barreto N.B.", "World Health Organization"."""
        if self.corporate:
            return self.family
        letters = initials(self.given)
        return " ".join(p for p in (self.family, letters, self.suffix) if p)

    @property
    def inverted(self) -> str:
        """ "Family, Given[, Suffix]", as RIS, BibTeX and the editors' forms write a person;
        a corporate name whole."""
        if self.corporate:
            return self.family
        return inverted(self.family, self.given, self.suffix)

    @property
    def full(self) -> str:
        """ "Christine Timko": given names first, as a person is named in running text."""
        if self.corporate:
            return self.family
        return " ".join(p for p in (self.given, self.family, self.suffix) if p)


def inverted(family, given="", suffix="") -> str:
    """ "Timko, Christine", "King, Martin L., Jr.": a person as reference managers' formats
    write one (RIS, BibTeX, EndNote), from the parts the bank keeps."""
    return ", ".join(p for p in (family, given, suffix) if p)


def is_et_al(name) -> bool:
    return isinstance(name, str) and bool(ET_AL_RE.match(" ".join(name.split())))


def looks_corporate(name: str) -> bool:
    """For records that do not mark corporate authors (RIS, plain name lists): a name with
    an organisation's word in it, or of more than four words, is taken as one."""
    words = name.split()
    if len(words) > 4 or ACRONYM_RE.search(name):
        return True
    return len(words) > 1 and bool(CORPORATE_RE.search(name))


def _is_initials(token: str) -> bool:
    return bool(INITIALS_TOKEN_RE.match(token))


def initials(given: str) -> str:
    """The house style's initials: "Keith" → "K.", "N. B." → "N.B.", "Jean-Paul" → "J.-P.",
    "John F." → "J.F."; lower-case particles left in a given name are skipped."""
    out = []
    for token in (given or "").split():
        if token[0].islower() and token.lower().strip(".") in PARTICLES:
            continue
        if _is_initials(token):
            groups = [re.findall(r"[A-Z]", part) for part in token.split("-")]
            out.append("-".join("".join(f"{ch}." for ch in group) for group in groups))
            continue
        letters = [[ch for ch in part if ch.isalpha()] for part in token.split("-")]
        out.append("-".join(f"{part[0].upper()}." for part in letters if part))
    return "".join(out)


def _recased(text: str) -> str:
    """ "HUMPHREYS" → "Humphreys", "CRITS-CHRISTOPH" → "Crits-Christoph"; "WHO" stays."""
    if text.isupper() and len(text) > 3:
        return re.sub(r"[^\W\d_]+", lambda m: m.group(0).capitalize(), text.lower())
    return text


def given_name(given) -> str:
    """Given names as the source gave them, tidied: initials written "N. B." whatever form
    they came in ("NB", "N.B.", "N B"), "J.-P." for "J-P", a lone initial after a name given
    its full stop ("John F" → "John F."), a name in capitals in ordinary case. Nothing is
    shortened."""
    out = []
    for token in clean_text(given).split():
        if not _is_initials(token):
            out.append(_recased(token))
        elif "-" in token:
            out.append("-".join(f"{part.strip('.')}." for part in token.split("-")))
        else:
            out.extend(f"{ch}." for ch in token if ch.isalpha())
    return " ".join(out)


def person(family, given="", suffix="") -> Name | None:
    """A person from parts a record keeps apart (CSL, Crossref, BibTeX, MEDLINE's FAU)."""
    family = _recased(" ".join(clean_text(family).split()))
    if not family:
        return None
    suffix = clean_text(suffix).rstrip(".")
    if suffix:
        suffix += "." if suffix.lower() in ("jr", "sr") else ""
    return Name(family, given_name(given), suffix)


def corporate(name) -> Name | None:
    name = clean_text(name)
    return Name(name, corporate=True) if name else None


def parse_name(text, *, corporate_check=True) -> Name | None:
    """A name written as text: "Timko, Christine", "Miller, W. R.", "Humphreys K",
    "Barreto N.B.", "Keith Humphreys", "Ludwig van Beethoven", "Smith, John, Jr.", or an
    organisation's whole name (no comma, and an organisation's word in it). None for
    nothing."""
    name = clean_text(text).strip(" ;,")
    if not name:
        return None
    if "," in name:
        return _family_first(name, corporate_check)
    if corporate_check and looks_corporate(name):
        return Name(name, corporate=True)
    return _written_in_order(name.split())


def _family_first(name, corporate_check):
    """ "Timko, Christine", "Smith, John, Jr.", BibTeX's "von Last, Jr, First"."""
    parts = [p.strip() for p in name.split(",") if p.strip()]
    family = parts[0]
    if corporate_check and looks_corporate(family):
        return Name(name, corporate=True)  # "Department of Health, Scotland"
    given = parts[1] if len(parts) > 1 else ""
    suffix = ""
    if len(parts) > 2:
        if given.lower() in SUFFIXES:  # BibTeX's "von Last, Jr, First"
            given, suffix = parts[2], parts[1]
        else:
            suffix = parts[2]
    if given.lower() in SUFFIXES:
        given, suffix = "", given
    return person(family, given, suffix)


def _written_in_order(tokens):
    """ "Humphreys K", "Barreto N. B." (MEDLINE's AU, the bank's), "Keith Humphreys",
    "Ludwig van Beethoven", "John Smith Jr."."""
    suffix = ""
    if len(tokens) > 2 and tokens[-1].lower() in SUFFIXES:
        suffix = tokens.pop()
    if len(tokens) == 1:
        return person(tokens[0], "", suffix)
    trailing = len(tokens)
    while trailing > 1 and _is_initials(tokens[trailing - 1]):
        trailing -= 1
    if trailing < len(tokens):  # initials after the family name
        return person(" ".join(tokens[:trailing]), " ".join(tokens[trailing:]), suffix)
    start = len(tokens) - 1
    while start > 1 and tokens[start - 1].lower() in PARTICLES:
        start -= 1
    return person(" ".join(tokens[start:]), " ".join(tokens[:start]), suffix)


def split_name_list(value: str) -> list[str]:
    """ "Wayne Kepner, Keith Humphreys" or "Kepner W; Humphreys K" → one string a name."""
    value = clean_text(value)
    if not value:
        return []
    separator = ";" if ";" in value else ","
    names = [part.strip() for part in value.split(separator)]
    if separator == "," and len(names) > 1:
        # "Kepner, Wayne, Humphreys, Keith" cannot be told from four names; a list where
        # every other item is initials is taken as surname, initials pairs.
        pairs = names[1::2]
        if all(_is_initials(p.replace(" ", "")) for p in pairs) and len(names) % 2 == 0:
            names = [f"{a}, {b}" for a, b in zip(names[::2], names[1::2], strict=True)]
    return [n for n in names if n]
