"""What a reader types, understood the same way on PostgreSQL and SQLite.

The syntax is PostgreSQL's ``websearch_to_tsquery``: words are all required, "quoted words"
are a phrase, ``-word`` or ``-"a phrase"`` excludes, ``or`` between two terms accepts either.
On top of it: hyphens and case do not matter ("mutual-aid" is the phrase "mutual aid"), stop
words are dropped, and terms on the editors' synonym list are widened to their whole group.

The parse yields only words made of letters and digits, so the database queries built from
it (``backends.py``) never carry a reader's punctuation into tsquery or FTS5 syntax.
"""

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

import snowballstemmer

# PostgreSQL's english stop list (Snowball's), so both databases drop the same words.
STOP_WORDS = frozenset(
    """i me my myself we our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves what which who
    whom this that these those am is are was were be been being have has had having do does did
    doing a an the and but if or because as until while of at by for with about against between
    into through during before after above below to from up down in out on off over under again
    further then once here there when where why how all any both each few more most other some
    such no nor not only own same so than too very s t can will just don should now""".split()
)
# Words people put around a question ("does … work", "what is the evidence on …"): they never
# exclude a document, but a document that has them ranks a little higher. Kept apart from the
# stop words, which are dropped: "effective" in a title still says something.
FILLER_WORDS = frozenset(
    """does do did work works worked working effective effectively effectiveness efficacy
    efficacious what which how why best good better evidence help helps helpful useful use using
    used should could would can may might there any tell show shows shown know known find
    study studies research researched outcome impact improve improves improving benefit benefits
    beneficial value worth helpful successful success approach approaches""".split()
)
# A typed word the bank does not hold, this long or longer, may be cut short ("rehab",
# "naltrex"): it also matches words beginning with it. (Not a shorter stem of it: a typo such
# as "treatmnet" would then match "treatment" silently, where a reader should be asked.)
PREFIX_MIN = 4
WORD_RE = re.compile(r"[^\W_]+")
# A quoted phrase (possibly unclosed at the end), or a run of anything but space and quotes.
CHUNK_RE = re.compile(r'(?P<neg>-?)(?:"(?P<quoted>[^"]*)"?|(?P<bare>[^\s"]+))')
MAX_TERMS = 32  # beyond this a query is refused rather than sent to the database

_stemmer = snowballstemmer.stemmer("english")


@lru_cache(maxsize=4096)
def stem(word):
    return _stemmer.stemWord(word.lower())


def words_of(text):
    return [w.lower() for w in WORD_RE.findall(text or "")]


@dataclass(frozen=True)
class Clause:
    """Documents must (or, negated, must not) contain one of ``alternatives``, each a tuple
    of words looked for as a phrase."""

    alternatives: tuple
    negated: bool = False
    expanded: bool = False  # widened by the synonym list
    literal: bool = False  # typed in quotes: taken as it is
    optional: bool = False  # a filler word: counts towards relevance, never excludes
    prefixes: tuple = ()  # also matches words beginning with one of these (a word cut short)


@dataclass
class ParsedQuery:
    text: str
    clauses: list = field(default_factory=list)
    error: str = ""

    @property
    def positive(self):
        return [c for c in self.clauses if not c.negated]

    @property
    def negative(self):
        return [c for c in self.clauses if c.negated]

    @property
    def required(self):
        """The clauses every document found must satisfy."""
        return [c for c in self.clauses if not c.negated and not c.optional]

    @property
    def optional(self):
        return [c for c in self.clauses if c.optional]

    def strict(self):
        """This query with only the clauses documents must satisfy (required and negated)."""
        return ParsedQuery(self.text, [c for c in self.clauses if not c.optional])

    def any_of(self, clauses):
        """A query finding documents that satisfy any one of ``clauses`` (and no negated
        clause): the relaxed match when no document has every word."""
        either = Clause(
            tuple(a for c in clauses for a in c.alternatives),
            expanded=True,
            prefixes=tuple(p for c in clauses for p in c.prefixes),
        )
        return ParsedQuery(self.text, [either, *self.negative])

    @property
    def is_empty(self):
        return not self.clauses

    def words(self):
        """The plain words looked for, in order, for "did you mean"."""
        return [w for c in self.positive if not c.expanded for alt in c.alternatives for w in alt]

    def describe(self):
        """The query as the search understood it, in its own syntax: a word that may be cut
        short ends in "*"; filler words, which only rank, are left out."""
        parts = []
        for clause in self.clauses:
            if clause.optional:
                continue
            alts = [_show(alt) for alt in clause.alternatives if alt[-1] not in clause.prefixes]
            alts += [f"{prefix}*" for prefix in clause.prefixes]
            text = " or ".join(alts)
            if clause.negated:
                text = "-" + text
            elif len(alts) > 1:
                text = f"({text})"
            parts.append(text)
        return " ".join(parts)


def _show(words):
    return f'"{" ".join(words)}"' if len(words) > 1 else words[0]


def parse(text, synonym_groups=(), known=None):
    """Parse ``text``; ``synonym_groups`` is a list of lists of terms (strings); ``known``,
    the set of typed words the bank holds, says which words may be cut short: any word it
    does not hold (without ``known``, the last word typed)."""
    query = ParsedQuery(text=text)
    items = []  # (alternatives, negated, quoted); "or" markers as None
    for m in CHUNK_RE.finditer(text or ""):
        negated = bool(m["neg"])
        if m["quoted"] is not None:
            words = tuple(words_of(m["quoted"]))
            if words:
                items.append(((words,), negated, True))
            continue
        bare = m["bare"]
        if bare.lower() == "or" and not negated:
            items.append(None)
            continue
        words = tuple(words_of(bare))
        if not words:
            continue
        # "mutual-aid", "self/help": one typed chunk of several words is a phrase, though
        # not a literal one: the synonym list may still widen it.
        items.append(((words,), negated, False))
    clauses = _join_ors(items)
    clauses = _expand_synonyms(clauses, synonym_groups)
    clauses = [c for c in map(_without_stop_words, clauses) if c.alternatives]
    clauses = list(dict.fromkeys(clauses))  # "self-help AA" widens twice to one group
    clauses = _mark_fillers(clauses)
    clauses = _mark_prefixes(clauses, known)
    if sum(len(c.alternatives) for c in clauses) > MAX_TERMS:
        query.error = f"That search has too many terms; use at most {MAX_TERMS}."
        return query
    if clauses and not any(not c.negated for c in clauses):
        query.error = "Add at least one word to look for: a search cannot only exclude words."
        return query
    query.clauses = clauses
    return query


def _join_ors(items):
    """Turn items and "or" markers into clauses: ``a or b c`` is (a|b) & c."""
    clauses = []
    pending_or = False
    for item in items:
        if item is None:
            pending_or = bool(clauses)
            continue
        alternatives, negated, quoted = item
        clause = Clause(alternatives=alternatives, negated=negated, expanded=quoted, literal=quoted)
        if pending_or and not negated and not clauses[-1].negated:
            previous = clauses.pop()
            clause = Clause(
                alternatives=previous.alternatives + alternatives,
                expanded=previous.expanded or quoted,
                literal=previous.literal or quoted,
            )
        clauses.append(clause)
        pending_or = False
    # ``expanded`` marked quoted input so synonyms leave it alone; reset after expansion.
    return clauses


def _single_word(clause):
    """The word of a clause that is one plain typed word, or None."""
    if clause.negated or clause.expanded or clause.literal or len(clause.alternatives) != 1:
        return None
    (words,) = clause.alternatives
    return words[0] if len(words) == 1 else None


def _mark_fillers(clauses):
    """Filler words become optional, unless nothing else is left to look for."""
    marked = [replace(c, optional=True) if _single_word(c) in FILLER_WORDS else c for c in clauses]
    if not any(not c.negated and not c.optional for c in marked):
        return clauses
    return marked


def _mark_prefixes(clauses, known):
    required = [c for c in clauses if not c.negated and not c.optional]
    marked = []
    for clause in clauses:
        word = _single_word(clause)
        cut_short = (
            word is not None
            and not clause.optional
            and len(word) >= PREFIX_MIN
            and word.isalpha()
            # A word with an ending of its own ("manning") is whole: and SQLite's stemmer would
            # cut the prefix to its stem ("man*").
            and stem(word) == word
            and (word not in known if known is not None else clause is required[-1])
        )
        marked.append(replace(clause, prefixes=(word,)) if cut_short else clause)
    return marked


def _without_stop_words(clause):
    """Drop lone stop words (inside a phrase they stay: they keep the words apart)."""
    kept = tuple(a for a in clause.alternatives if not (len(a) == 1 and a[0] in STOP_WORDS))
    return replace(clause, alternatives=kept)


def _expand_synonyms(clauses, synonym_groups):
    """Replace each run of plain typed words that spells a term of a synonym group with one
    clause accepting any term of the group (longest term first, left to right)."""
    terms = []  # (stemmed words, group index)
    groups = []
    for index, group in enumerate(synonym_groups):
        alternatives = tuple(dict.fromkeys(tuple(words_of(t)) for t in group if words_of(t)))
        groups.append(alternatives)
        terms.extend((tuple(stem(w) for w in alt), index) for alt in alternatives)
    terms.sort(key=lambda t: -len(t[0]))
    result = []
    i = 0
    while i < len(clauses):
        clause = clauses[i]
        if clause.negated or clause.expanded or len(clause.alternatives) != 1:
            result.append(replace(clause, expanded=False))
            i += 1
            continue
        # The words from here on, as long as they are plain typed words or hyphen phrases.
        run, owners = [], []
        for j in range(i, len(clauses)):
            c = clauses[j]
            if c.negated or len(c.alternatives) != 1 or (c.expanded and j > i):
                break
            for w in c.alternatives[0]:
                run.append(stem(w))
                owners.append(j)
        match = None
        for stems, index in terms:
            n = len(stems)
            if tuple(run[:n]) == stems and (n == len(run) or owners[n] != owners[n - 1]):
                match = (n, index)
                terms_of = {index: stems}
                break
        if match:
            # A term in several groups ("AA" is mutual aid and Alcoholics Anonymous) widens
            # to all of them.
            n, index = match
            stems = terms_of[index]
            joined = [a for st, idx in terms if st == stems for a in groups[idx]]
            result.append(Clause(alternatives=tuple(dict.fromkeys(joined)), expanded=True))
            i = owners[n - 1] + 1
        else:
            result.append(replace(clause, expanded=False))
            i += 1
    return result
