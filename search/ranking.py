"""How relevance is scored, in numbers both databases share (``backends`` turns them into SQL).

A document's score for a search is

    prior + Σ over the words: FIELD_WEIGHT × specificity × field
          + TEXT_WEIGHT × Σ specificity × text  (+ COVERAGE_WEIGHT × coverage when relaxed)

- ``prior``: what it brings whatever is searched for (``RankingBoosts``: S and K roles, reviews
  and guidance, recency, certainty), stored on its index row.
- ``field`` (up to FIELDS_UP_TO matches, while every match is scored): where the
  document has the word, the best of its title (1), the headlines of
  the cells citing it and its subjects (0.4), its summary, abstract and citation (0.2) or the
  rest (0.1): tested the same way on both databases (a tsquery with weight labels on
  PostgreSQL, an FTS5 column filter on SQLite), so that they agree on what comes first.
- ``text``: the database's own measure of how well the words match, field weights included,
  squashed into [0, 1): PostgreSQL's ``ts_rank_cd`` with length normalisation, SQLite's FTS5
  ``bm25``.
- ``specificity``: how rare the words looked for are, from 0 (in every document) to 1 per
  word (in one). A word in nearly every document says almost nothing about which comes
  first, so ranking falls back on the prior, as BM25's inverse document frequency does.
- ``coverage``: when no document has every word, the sum of the specificity of the words each
  has, so those with most of the words, and the rarest, come first.

Because ``field`` ≤ 1 and ``text`` < 1, no document can gain more than a known bound over its
prior: a search matching most of the bank reads its matches in prior order from an index and
only scores those that could still reach the page (``backends.Backend.threshold``).
"""

import math

FIELD_WEIGHT = 10.0
TEXT_WEIGHT = 3.0
FIELDS = (("A", "title", 1.0), ("B", "labels", 0.4), ("C", "summary", 0.2), ("D", "body", 0.1))
# SQLite's bm25 (column weights 10, 4, 2, 1) is squashed as s / (s + BM25_HALF): a match worth
# BM25_HALF counts half. Title matches score tens; one in the body, about one.
BM25_HALF = 1.0
COVERAGE_WEIGHT = 10.0
# Above this many matches, scoring every match costs more than reading the best candidates
# in prior order: the early stop takes over.
SCORE_ALL_UP_TO = 3000
# Up to this many matches, where each word is (``field``) counts too.
FIELDS_UP_TO = 3000


def prior(boosts, kind, year, placements, this_year):
    """A document's prior from its index row's kind, year and placements ([cell, matrix,
    roles, headline, certainty]); ``boosts`` has RankingBoosts' weights as attributes."""
    roles = "".join(str(p[2]) for p in placements if len(p) > 2)
    certainties = {p[4] for p in placements if len(p) > 4}
    score = 0.0
    score += boosts.seminal if "S" in roles else 0
    score += boosts.key if "K" in roles else 0
    score += boosts.review if kind == "review" or "R" in roles else 0
    score += boosts.guidance if kind == "guidance" or "G" in roles else 0
    if year:
        score += boosts.recency * max(0.0, 1 - max(0, this_year - year) / 30)
    if "high" in certainties:
        score += boosts.high_certainty
    elif "moderate" in certainties:
        score += boosts.moderate_certainty
    return round(score, 4)


def specificity(frequency, documents):
    """How much a word found in ``frequency`` of ``documents`` says: log(N/df) / log(N),
    from 0 for a word in every document to 1 for a word in one."""
    if documents <= 1:
        return 1.0
    frequency = min(max(frequency, 1), documents)
    return math.log((documents + 1) / (frequency + 1)) / math.log(documents + 1) + 1e-3
