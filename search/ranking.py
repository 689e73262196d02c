"""How relevance is scored, in numbers both databases share (``backends`` turns them into SQL).

A document's score for a search is

    prior + TEXT_WEIGHT × specificity × text  (+ COVERAGE_WEIGHT × coverage when relaxed)

- ``prior``: what it brings whatever is searched for (``RankingBoosts``: S and K roles, reviews
  and guidance, recency, certainty), stored on its index row.
- ``text``: the database's own measure of how well the words match, field weights included,
  squashed into [0, 1): PostgreSQL's ``ts_rank_cd`` with length normalisation, SQLite's FTS5
  ``bm25``.
- ``specificity``: how rare the words looked for are, from 0 (in every document) to 1 per
  word (in one). A word in nearly every document says almost nothing about which comes
  first, so ranking falls back on the prior, as BM25's inverse document frequency does.
- ``coverage``: when no document has every word, the sum of the specificity of the words each
  has, so those with most of the words, and the rarest, come first.

Because ``text`` < 1, no document can gain more than ``TEXT_WEIGHT × specificity`` over its
prior: a search matching most of the bank reads its matches in prior order from an index and
only scores those that could still reach the page (``backends.Backend.threshold``).
"""

import math

TEXT_WEIGHT = 4.0
COVERAGE_WEIGHT = 10.0
# Above this many matches, scoring every match costs more than reading the best candidates
# in prior order: the early stop takes over.
SCORE_ALL_UP_TO = 3000


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
