"""Author names in the bank's citation style: "Surname I." / "Surname IJ.".

Initials run together with one full stop ("Barreto NB.", "Crits-Christoph P."); a
hyphenated given name gives two initials ("Jean-Paul" → "JP"); particles stay with the
surname ("van der Berg A."). Corporate authors ("World Health Organization") are kept whole.
"""

from __future__ import annotations

import re

from .normalise import clean_text

PARTICLES = frozenset(
    "van von der den de del della des di da do dos das du la le ter ten bin al el".split()
)
SUFFIXES = frozenset("jr jr. sr sr. ii iii iv".split())
ET_AL_RE = re.compile(r"^(?:et\.?\s*al\.?|others|and others|\.\.\.|…)$", re.I)
INITIALS_RE = re.compile(r"^(?:[A-Z]{1,3}|(?:[A-Z]\.\s?){1,3}|(?:[A-Z]\.?-[A-Z]\.?))$")
CORPORATE_RE = re.compile(
    r"\b(?:organi[sz]ation|institute|institut|association|council|committee|agency|"
    r"department|ministry|office|cent(?:re|er)|society|collaboration|collaborative|"
    r"consortium|network|board|commission|services?|foundation|university|college|trust|"
    r"authority|programme|program|panel|investigators|group|team|alliance|federation|"
    r"administration|national|international|health)\b",
    re.I,
)
ACRONYM_RE = re.compile(r"\b(?:NHS|NICE|WHO|SAMHSA|NIDA|NIAAA|UNODC|EMCDDA|CDC|NIH)\b")


def is_et_al(name: str) -> bool:
    return bool(ET_AL_RE.match(" ".join(name.split())))


def looks_corporate(name: str) -> bool:
    """For records that do not mark corporate authors (RIS, plain name lists): a name with
    an organisation's word in it, or of more than four words, is taken as one."""
    words = name.split()
    if len(words) > 4 or ACRONYM_RE.search(name):
        return True
    return len(words) > 1 and bool(CORPORATE_RE.search(name))


def initials(given: str) -> str:
    """ "Keith" → "K", "N. B." → "NB", "NB" → "NB", "Jean-Paul" → "JP", "J.F." → "JF"."""
    out = []
    for token in re.split(r"[\s.]+", given or ""):
        if not token:
            continue
        for part in token.split("-"):
            letters = [ch for ch in part if ch.isalpha()]
            if not letters:
                continue
            if part.isupper() and len(part) <= 3:
                out.extend(letters)  # already initials: "NB", "JF"
            elif part[0].islower() and part.lower() in PARTICLES:
                continue
            else:
                out.append(letters[0].upper())
    return "".join(out)


def _surname(family: str) -> str:
    family = " ".join(family.split())
    if family.isupper() and len(family) > 3:
        # "HUMPHREYS" → "Humphreys", "CRITS-CHRISTOPH" → "Crits-Christoph"
        family = re.sub(r"[^\W\d_]+", lambda m: m.group(0).capitalize(), family.lower())
    return family


def cite_name(family: str, given: str = "", suffix: str = "") -> str:
    """ "Humphreys", "Keith" → "Humphreys K."; no given name → the surname alone."""
    family = _surname(clean_text(family))
    letters = initials(clean_text(given))
    suffix = clean_text(suffix).rstrip(".")
    if suffix:  # "King ML Jr.", "Smith J III"
        suffix = suffix + "." if suffix.lower() in ("jr", "sr") else suffix
        return " ".join(part for part in (family, letters, suffix) if part)
    return f"{family} {letters}." if letters else family


def name_from_string(name: str, *, corporate_check: bool = True) -> str:
    """A name written as text: "Humphreys, Keith", "Humphreys, K.", "Humphreys K",
    "Keith Humphreys", "Ludwig van Beethoven", "Smith, John, Jr.". Returns the cited form,
    or the name whole when it looks corporate. "" for nothing."""
    name = clean_text(name).strip(" ;,")
    if not name:
        return ""
    if corporate_check and "," not in name and looks_corporate(name):
        return name
    if "," in name:
        parts = [p.strip() for p in name.split(",") if p.strip()]
        family = parts[0]
        given = parts[1] if len(parts) > 1 else ""
        suffix = ""
        if len(parts) > 2:
            if given.lower() in SUFFIXES:  # BibTeX's "von Last, Jr, First"
                given, suffix = parts[2], parts[1]
            else:
                suffix = parts[2]
        if given.lower() in SUFFIXES:
            given, suffix = "", given
        return cite_name(family, given, suffix)
    tokens = name.split()
    suffix = ""
    if len(tokens) > 2 and tokens[-1].lower() in SUFFIXES:
        suffix = tokens.pop()
    if len(tokens) == 1:
        return cite_name(tokens[0], "", suffix)
    if INITIALS_RE.match(tokens[-1]):  # "Humphreys K", "Barreto NB" (MEDLINE's AU)
        return cite_name(" ".join(tokens[:-1]), tokens[-1], suffix)
    start = len(tokens) - 1
    while start > 1 and tokens[start - 1].lower() in PARTICLES:
        start -= 1
    return cite_name(" ".join(tokens[start:]), " ".join(tokens[:start]), suffix)


def split_name_list(value: str) -> list[str]:
    """ "Wayne Kepner, Keith Humphreys" or "Kepner W; Humphreys K" → one string a name."""
    value = clean_text(value)
    if not value:
        return []
    separator = ";" if ";" in value else ","
    names = [part.strip() for part in value.split(separator)]
    if separator == "," and len(names) > 1:
        # "Kepner, Wayne, Humphreys, Keith" cannot be told from four names; a list where
        # every other item is a lone given name or initials is taken as surname, given pairs.
        pairs = names[1::2]
        if all(INITIALS_RE.match(p) for p in pairs) and len(names) % 2 == 0:
            names = [f"{a}, {b}" for a, b in zip(names[::2], names[1::2], strict=True)]
    return [n for n in names if n]
