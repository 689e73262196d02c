"""The SQL that differs between PostgreSQL (tsvector, GIN, websearch_to_tsquery, ts_rank,
ts_headline, pg_trgm) and SQLite (FTS5 with the porter stemmer, bm25, snippet).

Both take a parsed query (``query.ParsedQuery``), whose terms are only letters and digits, and
pass every term as a query parameter: nothing a reader types becomes SQL, tsquery or FTS5
syntax. Highlights come back between \\x02 and \\x03, which ``results.highlight`` escapes.
"""

import difflib
import json
import math

from django.db import connection
from django.db.models import BooleanField, F, FloatField, Q
from django.db.models.expressions import RawSQL

from . import ranking

START, STOP = "\x02", "\x03"
ENTRY = '"search_searchentry"'
# Word frequencies are counted exactly up to this many rows; beyond, PostgreSQL's planner
# estimate (or, on SQLite, a full count of the word's posting list) stands in.
COUNT_CAP = 5000
# How much a word's frequency in the bank weighs against its likeness, for "did you mean".
FREQUENCY_WEIGHT = 0.03
# Facet counts for a search with too many matches to count exactly are taken over a sample
# of about this many index rows, then scaled (facets.ESTIMATE_ABOVE).
SAMPLE_ROWS = 1000


# Year order, undated last, then the newest entry first, so paging is stable.
ORDER = {
    "newest": (F("year").desc(nulls_last=True), "-id"),
    "oldest": (F("year").asc(nulls_last=True), "id"),
    "relevance": (F("year").desc(nulls_last=True), "-id"),
}


# What a page of results reads of each index row it found (results.Hit, after the snippet),
# then the listing from its text row.
HIT_FIELDS = ("doc_kind", "doc_status", "year", "placements")


def backend():
    return PostgresBackend() if connection.vendor == "postgresql" else SQLiteBackend()


def _in(values):
    values = list(values)
    return (", ".join(["%s"] * len(values)), values) if values else ("NULL", [])


class Backend:
    def subject_filter(self, tag_id):
        raise NotImplementedError

    def token_filter(self, column, tokens):
        """Index rows whose JSON list ``column`` holds any of ``tokens``."""
        raise NotImplementedError

    def token_source(self, column):
        """SQL selecting each element ``t`` of the matches' JSON list ``column``."""
        raise NotImplementedError

    def certainty_filter(self, cell_ids, levels):
        """Index rows placed, in one of ``cell_ids``, with one of the certainty ``levels``."""
        raise NotImplementedError

    def placement_filter(self, cell_ids, role):
        raise NotImplementedError

    def facets_sql(self, base_sql, cell_ids, parts, sizes_sql=""):
        """One statement: the total, then the facets' (facet, value, count, label) rows
        (``parts``, from ``Facet.count_sql``) over the CTE ``m`` of matches and ``p`` of their
        placements in ``cell_ids``, then ``sizes_sql``'s (a sample's sizes); the parameters
        after ``base_sql``'s."""
        cell, matrix, roles, certainty = self.placement_parts
        cells_in, cell_params = _in(cell_ids)
        counts = "".join(f"\n        UNION ALL {part}" for part in parts)
        sql = f"""
        WITH m AS MATERIALIZED ({base_sql}),
        p AS MATERIALIZED (
            SELECT id, CAST({cell} AS BIGINT) AS cell, CAST({matrix} AS BIGINT) AS matrix,
                   {roles} AS roles, {certainty} AS certainty
            FROM ({self.placement_source}) AS x WHERE CAST({cell} AS BIGINT) IN ({cells_in}))
        SELECT 'total', '', COUNT(*), '' FROM m{counts}
        {sizes_sql}
        """
        return sql, cell_params

    def scale(self, sizes):
        """How many index rows each sampled row stands for, from the sample's sizes rows:
        ``population`` (rows in the index) and ``sample`` (rows the sample held)."""
        if sizes["population"] <= SAMPLE_ROWS:
            return 1.0  # the sample was every row
        return sizes["population"] / max(sizes["sample"], 1)

    def more_than(self, sql, params, limit):
        """Whether ``sql`` finds more than ``limit`` rows (counting no further than that)."""
        capped = f"SELECT COUNT(*) FROM ({sql} LIMIT %s) AS capped"
        (count,) = self.run(capped, [*params, limit + 1])[0]
        return count > limit

    def frequencies(self, clauses):
        """(index rows, [rows matching each clause]), for the specificity of each clause:
        counted exactly up to COUNT_CAP, in one statement; beyond, estimated
        (``frequency``)."""
        columns, params = [self.rows_sql], []
        for clause in clauses:
            sql, clause_params = self.clause_rows(clause)
            columns.append(f"(SELECT COUNT(*) FROM ({sql} LIMIT %s) AS c)")
            params += [*clause_params, COUNT_CAP]
        rows, *found = self.run("SELECT " + ", ".join(columns), params)[0]
        for index, count in enumerate(found):
            if count >= COUNT_CAP:
                found[index] = self.frequency(*self.clause_rows(clauses[index]))
        return int(rows), found

    def threshold(self, matched, bound, depth):
        """The lowest prior a match may have and still reach the first ``depth`` places,
        when no match gains more than ``bound`` over its prior (``ranking``): the prior of
        the depth-th match in prior order, less the bound. Read from the prior index, which
        the walk stops early in."""
        priors = matched.order_by("-prior", "-id").values_list("prior", flat=True)
        found = list(priors[depth - 1 : depth])
        return found[0] - bound if found else None

    def page(self, filtered, plan, sort, total, offset, limit):
        """[(entry id, document id, snippet, *HIT_FIELDS, listing)] for one page of the
        documents in ``filtered`` (visible, faceted) that ``plan`` (an ``engine.Plan``)
        matches, in ``sort`` order."""
        if plan is None:
            return self.browse(filtered, sort, offset, limit)
        if sort != "relevance":
            return self.page_of(filtered, plan, sort, offset, limit)[0]
        narrowed, need, matched = self.candidates(filtered, plan, total, offset + limit)
        rows, scores = self.page_of(narrowed, plan, sort, offset, limit, matched)
        if need is not None and (len(rows) < limit or scores[-1] < need):
            rows, _ = self.page_of(filtered, plan, sort, offset, limit)  # score them all
        return rows

    def candidates(self, filtered, plan, total, depth):
        """(``filtered`` narrowed, when relevance orders many matches, to those that can still
        reach the first ``depth`` places (see ``ranking``); the score the depth-th of them
        must reach for that to hold, or None if it holds anyway; whether they are all
        matches already). Strict: matches whose prior is at least ``threshold``. Relaxed:
        below."""
        if total <= ranking.SCORE_ALL_UP_TO:
            return filtered, None, False
        if not plan.relaxed:
            floor = self.threshold(filtered.filter(self.match(plan.match)), plan.bound, depth)
            return (filtered if floor is None else filtered.filter(prior__gte=floor)), None, False
        if plan.all_common is None:
            return filtered, None, False
        # Relaxed, at scale. C: every match of a rare word, and the best by prior of those
        # with all the common words (their coverage is the same, so the strict bound holds
        # among them). Any other match has some common words and no rare one; if even the
        # best it could score is below C's depth-th score, C holds the page exactly.
        floor = self.threshold(filtered.filter(self.match(plan.all_common)), plan.bound, depth)
        if floor is None:
            return filtered, None, False
        best = Q(self.match(plan.all_common), prior__gte=floor)
        chosen = filtered.filter(Q(self.match(plan.rare)) | best if plan.rare else best)
        top_prior = filtered.order_by("-prior", "-id").values_list("prior", flat=True).first()
        outside = (top_prior or 0) + plan.bound + plan.common_weight - plan.least_common
        return chosen, outside, True

    def browse(self, filtered, sort, offset, limit):
        """A page of ``filtered`` with no words to match: no snippets."""
        rows = filtered.order_by(*ORDER[sort]).values_list(
            "id", "document_id", *HIT_FIELDS, "text__listing"
        )
        return [(entry, doc, "", *rest) for entry, doc, *rest in rows[offset : offset + limit]]

    def decoded(self, rows):
        """Rows of a raw page query with their JSON columns (placements, listing) decoded:
        both databases hand them back as text outside the ORM."""
        return [(*row[:-2], json.loads(row[-2]), json.loads(row[-1])) for row in rows]

    def run(self, sql, params):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def close_word(self, word, frequencies):
        """The word of ``frequencies`` ({word: frequency}) most like ``word``, weighing how
        common it is as PostgreSQL's ``suggest_word`` does."""
        scored = []
        for candidate, frequency in frequencies.items():
            ratio = difflib.SequenceMatcher(None, word, candidate).ratio()
            if ratio >= 0.75:
                weight = ratio + FREQUENCY_WEIGHT * math.log(frequency + 1)
                scored.append((-weight, len(candidate), candidate))
        return min(scored)[2] if scored else None


class PostgresBackend(Backend):
    vendor = "postgresql"
    # Set-returning functions in the select list (ProjectSet), not in FROM (a function scan
    # per row, each filling a tuplestore): three times faster over a few thousand rows.
    subject_source = "SELECT jsonb_array_elements_text(m.subjects) AS s FROM m"
    placement_source = "SELECT m.id, jsonb_array_elements(m.placements) AS pl FROM m"
    placement_parts = ("pl->>0", "pl->>1", "pl->>2", "pl->>4")

    def clause_tsquery(self, clause):
        """One clause as a tsquery, with its parameters: websearch_to_tsquery per term (its
        syntax has no brackets for synonym groups), a prefix as to_tsquery('simple', 'p:*')
        (unstemmed: the prefix is already the start of a stem)."""
        leaves, params = [], []
        for alt in clause.alternatives:
            leaves.append("websearch_to_tsquery('english', %s)")
            params.append(f'"{" ".join(alt)}"' if len(alt) > 1 else alt[0])
        for prefix in clause.prefixes:
            leaves.append("to_tsquery('simple', %s)")
            params.append(f"{prefix}:*")
        return "(" + " || ".join(leaves) + ")", params

    def tsquery(self, query):
        """The tsquery as SQL with its parameters: every clause but the optional ones, joined
        with the tsquery operators."""
        sql, params = [], []
        for clause in query.clauses:
            if clause.optional:
                continue
            part, part_params = self.clause_tsquery(clause)
            sql.append(f"!!{part}" if clause.negated else part)
            params += part_params
        return "(" + " && ".join(sql) + ")", params

    def match(self, query, table=ENTRY):
        sql, params = self.tsquery(query)
        return RawSQL(f"{table}.vector @@ {sql}", params, output_field=BooleanField())

    def clause_rows(self, clause):
        sql, params = self.clause_tsquery(clause)
        return f"SELECT 1 FROM {ENTRY} WHERE {ENTRY}.vector @@ {sql}", params

    # The planner's count of index rows, or (small, or never analysed) an exact one.
    rows_sql = (
        f"(SELECT CASE WHEN reltuples < {COUNT_CAP} THEN (SELECT COUNT(*) FROM {ENTRY}) "
        f"ELSE reltuples END FROM pg_class WHERE oid = '{ENTRY}'::regclass)"
    )

    def frequencies(self, clauses):
        """The planner's estimate of each clause's rows first (a word in much of the bank
        needs no exact count, its specificity is near nothing either way; counting even to
        the cap reads thousands of rows), then one statement counting the rest exactly."""
        estimates = [self.estimate(*self.clause_rows(clause)) for clause in clauses]
        columns, params = [self.rows_sql], []
        for clause, estimate in zip(clauses, estimates, strict=True):
            if estimate < COUNT_CAP:
                sql, clause_params = self.clause_rows(clause)
                columns.append(f"(SELECT COUNT(*) FROM ({sql} LIMIT %s) AS c)")
                params += [*clause_params, COUNT_CAP]
        rows, *counted = self.run("SELECT " + ", ".join(columns), params)[0]
        counted = iter(counted)
        found = [e if e >= COUNT_CAP else next(counted) for e in estimates]
        return int(rows), found

    def estimate(self, sql, params):
        (plan,) = self.run(f"EXPLAIN (FORMAT JSON) {sql}", params)[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        return plan[0]["Plan"]["Plan Rows"]

    def field_sql(self, clause):
        """Where a row has the clause's words, as ``ranking.FIELDS`` weighs it: a tsquery per
        weight label (to_tsquery's ``word:A``; words are letters and digits only)."""
        cases, params = [], []
        for label, _, value in ranking.FIELDS:
            leaves = []
            for alt in clause.alternatives:
                leaves.append("to_tsquery('english', %s)")
                params.append(" <-> ".join(f"{word}:{label}" for word in alt))
            for prefix in clause.prefixes:
                leaves.append("to_tsquery('simple', %s)")
                params.append(f"{prefix}:*{label}")
            cases.append(f"WHEN {ENTRY}.vector @@ ({' || '.join(leaves)}) THEN {value}")
        return f"(CASE {' '.join(cases)} ELSE 0 END)", params

    def score(self, plan):
        """A match's score (see ``ranking``): its prior, the text rank of every word looked
        for (ts_rank_cd, normalised by length and squashed into [0, 1)) and, relaxed, its
        coverage."""
        text_sql, text_params = self.tsquery(plan.text)
        sql = f"{ENTRY}.prior + %s * ts_rank_cd({ENTRY}.vector, {text_sql}, 33)"
        params = [plan.text_weight, *text_params]
        for clause, weight in plan.fields:
            part, part_params = self.field_sql(clause)
            sql += f" + %s * {part}"
            params += [weight, *part_params]
        for clause, weight in plan.coverage:
            part, part_params = self.clause_tsquery(clause)
            sql += f" + CASE WHEN {ENTRY}.vector @@ {part} THEN %s ELSE 0 END"
            params += [*part_params, weight]
        return RawSQL(sql, params, output_field=FloatField())

    def more_than(self, sql, params, limit):
        """The planner's estimate answers when it is far from ``limit`` either way, and
        counting only when it is near: counting even to 2,001 reads rows until that many
        match, 10 to 40 ms when filters spread the matches thin. An estimate wrong by more
        than half only costs time: a count estimated small is then counted exactly."""
        estimate = self.estimate(sql, params)
        if estimate >= 2 * limit:
            return True
        if estimate <= limit / 2:
            return False
        return super().more_than(sql, params, limit)

    def sample(self, facts):
        """``facts`` (a values() queryset of matches) over a page sample of the index, and
        the sizes that scale it: (sql, params, sizes sql, sizes params), for facets_sql.
        TABLESAMPLE reads only the sampled pages, so a word in every document costs what a
        thousand rows cost; REPEATABLE keeps the counts steady. SYSTEM picks whole pages, so
        the sample's size varies: it is scaled by the rows it holds (a ratio estimate), not
        by the percentage asked for, and both sizes come back with the facets."""
        sql, params = facts.query.sql_with_params()
        rows = (
            "(SELECT GREATEST(reltuples, 1) FROM pg_class "
            "WHERE oid = 'search_searchentry'::regclass)"
        )
        sample = f"{ENTRY} TABLESAMPLE SYSTEM (LEAST(100, 100.0 * %s / {rows})) REPEATABLE (7)"
        sampled = sql.replace(f"FROM {ENTRY}", f"FROM {sample}", 1)
        sizes = (
            f"UNION ALL SELECT 'population', '', CAST({rows} AS BIGINT), '' "
            f"UNION ALL SELECT 'sample', '', COUNT(*), '' FROM {sample}"
        )
        return sampled, [SAMPLE_ROWS, *params], sizes, [SAMPLE_ROWS]

    def subject_filter(self, tag_id):
        return RawSQL(
            f"{ENTRY}.subjects @> %s::jsonb", [json.dumps([tag_id])], output_field=BooleanField()
        )

    def token_filter(self, column, tokens):
        return RawSQL(f"{ENTRY}.{column} ?| %s", [list(tokens)], output_field=BooleanField())

    def token_source(self, column):
        return f"SELECT m.id, jsonb_array_elements_text(m.{column}) AS t FROM m"

    def certainty_filter(self, cell_ids, levels):
        cells_in, params = _in(cell_ids)
        levels_in, level_params = _in(levels)
        return RawSQL(
            f"EXISTS (SELECT 1 FROM jsonb_array_elements({ENTRY}.placements) AS pl "
            f"WHERE CAST(pl.value->>0 AS BIGINT) IN ({cells_in}) "
            f"AND pl.value->>4 IN ({levels_in}))",
            [*params, *level_params],
            output_field=BooleanField(),
        )

    def placement_filter(self, cell_ids, role):
        cells_in, params = _in(cell_ids)
        return RawSQL(
            f"EXISTS (SELECT 1 FROM jsonb_array_elements({ENTRY}.placements) AS pl "
            f"WHERE CAST(pl.value->>0 AS BIGINT) IN ({cells_in}) AND pl.value->>2 LIKE %s)",
            [*params, f"%{role}%"],
            output_field=BooleanField(),
        )

    def page_of(self, candidates, plan, sort, offset, limit, matched=False):
        """(rows, their scores) of one page of ``candidates`` (``matched``: all matches
        already) in ``sort`` order: one statement, the page of matches, then a headline for
        each of its rows only, marking every word looked for."""
        columns = ("id", "document_id", *HIT_FIELDS)
        found = candidates if matched else candidates.filter(self.match(plan.match))
        if sort == "relevance":
            found = found.annotate(score=self.score(plan)).order_by("-score", "-id")
            columns += ("score",)
        else:
            found = found.order_by(*ORDER[sort])
        page_sql, page_params = found.values_list(*columns)[
            offset : offset + limit
        ].query.sql_with_params()
        sql, params = self.tsquery(plan.text)
        options = (
            f"StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12, ShortWord=2, "
            'MaxFragments=2, FragmentDelimiter=" … "'
        )
        score = "hit.score" if sort == "relevance" else "NULL"
        rows = self.run(
            f"SELECT {score}, hit.id, hit.document_id, "
            f"ts_headline('english', t.summary, {sql}, %s), "
            + ", ".join(f"hit.{name}" for name in HIT_FIELDS)
            + ", t.listing "
            f"FROM (SELECT p.*, row_number() OVER () AS position FROM ({page_sql}) AS p) AS hit "
            "JOIN search_searchtext AS t ON t.entry_id = hit.id ORDER BY hit.position",
            [*params, options, *page_params],
        )
        return self.decoded([row[1:] for row in rows]), [row[0] for row in rows]

    def known_words(self, words):
        ids, params = _in(words)
        return {
            w
            for (w,) in self.run(
                f"SELECT word FROM search_searchterm WHERE word IN ({ids})", params
            )
        }

    def suggest_word(self, word):
        # The most alike, and among the nearly alike the commonest in the bank: "treatmnet"
        # is "treatment", not "treat".
        rows = self.run(
            "SELECT word FROM search_searchterm WHERE lower(word) %% %s "
            "ORDER BY similarity(lower(word), %s) + %s * ln(frequency + 1) DESC, length(word), "
            "word LIMIT 1",
            [word, word, FREQUENCY_WEIGHT],
        )
        return rows[0][0] if rows else None


class SQLiteBackend(Backend):
    vendor = "sqlite"
    subject_source = "SELECT s.value AS s FROM m, json_each(m.subjects) AS s"
    placement_source = "SELECT m.id, pl.value AS pl FROM m, json_each(m.placements) AS pl"
    placement_parts = (
        "json_extract(pl, '$[0]')",
        "json_extract(pl, '$[1]')",
        "json_extract(pl, '$[2]')",
        "json_extract(pl, '$[4]')",
    )
    # bm25 column weights in the order title, labels, summary, body (SearchText), after
    # PostgreSQL's {1.0, 0.4, 0.2, 0.1}.
    BM25 = "bm25(search_fts, 10.0, 4.0, 2.0, 1.0)"

    def clause_fts(self, clause):
        """One clause in FTS5 syntax: every term double-quoted (terms hold only letters and
        digits), a prefix as ``"p" *``."""
        alts = ['"' + " ".join(alt) + '"' for alt in clause.alternatives]
        alts += [f'"{prefix}" *' for prefix in clause.prefixes]
        return alts[0] if len(alts) == 1 else "(" + " OR ".join(alts) + ")"

    def fts_query(self, query):
        """An FTS5 query for every clause but the optional ones."""
        text = " AND ".join(self.clause_fts(c) for c in query.required)
        if query.negative:
            text = f"({text}) NOT (" + " OR ".join(self.clause_fts(c) for c in query.negative) + ")"
        return text

    def match(self, query, table=ENTRY):
        return RawSQL(
            f"{table}.id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)",
            [self.fts_query(query)],
            output_field=BooleanField(),
        )

    def clause_rows(self, clause):
        return "SELECT 1 FROM search_fts WHERE search_fts MATCH %s", [self.clause_fts(clause)]

    rows_sql = f"(SELECT COUNT(*) FROM {ENTRY})"

    def frequency(self, sql, params):
        """Past the cap, counted in full: FTS5 reads only the word's posting list."""
        (count,) = self.run(f"SELECT COUNT(*) FROM ({sql})", params)[0]
        return count

    def scored_fts(self, plan):
        """The MATCH of a page ordered by relevance: the match, and every word looked for,
        so that bm25 weighs the optional words too (any of them is always present)."""
        text = self.clause_fts(plan.text.clauses[0])
        return f"({self.fts_query(plan.match)}) AND {text}"

    def field_sql(self, clause):
        """Where a row (``e``) has the clause's words, as ``ranking.FIELDS`` weighs it: an
        FTS5 column filter per field."""
        terms = self.clause_fts(clause)
        cases, params = [], []
        for _, column, value in ranking.FIELDS:
            cases.append(
                "WHEN e.id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s) "
                f"THEN {value}"
            )
            params.append(f"{column} : {terms if terms.startswith('(') else '(' + terms + ')'}")
        return f"(CASE {' '.join(cases)} ELSE 0 END)", params

    def score(self, plan):
        """A match's score (see ``ranking``) as SQL over ``e`` (the index row) joined to
        ``search_fts``: bm25 squashed into [0, 1) for the text."""
        sql = f"e.prior + %s * (-{self.BM25}) / ({ranking.BM25_HALF} - {self.BM25})"
        params = [plan.text_weight]
        for clause, weight in plan.fields:
            part, part_params = self.field_sql(clause)
            sql += f" + %s * {part}"
            params += [weight, *part_params]
        for clause, weight in plan.coverage:
            sql += (
                " + CASE WHEN e.id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s) "
                "THEN %s ELSE 0 END"
            )
            params += [self.clause_fts(clause), weight]
        return sql, params

    def sample(self, facts):
        """``facts`` over every k-th index row, and the sizes that scale it (as Postgres's)."""
        documents = f"FROM {ENTRY} WHERE kind = 'document'"
        step = f"(SELECT MAX(1, COUNT(*) / %s) {documents})"
        sampled = facts.filter(RawSQL(f"{ENTRY}.id %% {step} = 0", [SAMPLE_ROWS], BooleanField()))
        sql, params = sampled.query.sql_with_params()
        sizes = (
            f"UNION ALL SELECT 'population', '', COUNT(*), '' {documents} "
            f"UNION ALL SELECT 'sample', '', COUNT(*) / MAX(1, COUNT(*) / %s), '' {documents}"
        )
        return sql, params, sizes, [SAMPLE_ROWS]

    def subject_filter(self, tag_id):
        return RawSQL(
            f"EXISTS (SELECT 1 FROM json_each({ENTRY}.subjects) WHERE value = %s)",
            [tag_id],
            output_field=BooleanField(),
        )

    def token_filter(self, column, tokens):
        tokens_in, params = _in(tokens)
        return RawSQL(
            f"EXISTS (SELECT 1 FROM json_each({ENTRY}.{column}) WHERE value IN ({tokens_in}))",
            params,
            output_field=BooleanField(),
        )

    def token_source(self, column):
        return f"SELECT m.id, t.value AS t FROM m, json_each(m.{column}) AS t"

    def certainty_filter(self, cell_ids, levels):
        cells_in, params = _in(cell_ids)
        levels_in, level_params = _in(levels)
        return RawSQL(
            f"EXISTS (SELECT 1 FROM json_each({ENTRY}.placements) AS pl "
            f"WHERE json_extract(pl.value, '$[0]') IN ({cells_in}) "
            f"AND json_extract(pl.value, '$[4]') IN ({levels_in}))",
            [*params, *level_params],
            output_field=BooleanField(),
        )

    def placement_filter(self, cell_ids, role):
        cells_in, params = _in(cell_ids)
        return RawSQL(
            f"EXISTS (SELECT 1 FROM json_each({ENTRY}.placements) AS pl "
            f"WHERE json_extract(pl.value, '$[0]') IN ({cells_in}) "
            "AND json_extract(pl.value, '$[2]') LIKE %s)",
            [*params, f"%{role}%"],
            output_field=BooleanField(),
        )

    def page_of(self, candidates, plan, sort, offset, limit, matched=False):
        """(rows, their scores) of one page of ``candidates`` in ``sort`` order, with their
        snippets, then the listing of each of its rows only. The MATCH is always applied:
        FTS5 scores and snippets only what it matches."""
        base_sql, base_params = (
            candidates.order_by()
            .values("id", "document_id", "prior", *HIT_FIELDS)
            .query.sql_with_params()
        )
        score_sql, score_params = self.score(plan)
        if sort != "relevance":
            score_sql, score_params = "NULL", []
        order = {
            "relevance": "r.score DESC, r.id DESC",
            "newest": "r.year IS NULL, r.year DESC, r.id DESC",
            "oldest": "r.year IS NULL, r.year, r.id",
        }[sort]
        fields = ", ".join(f"e.{name}" for name in HIT_FIELDS)
        shown = ", ".join(f"p.{name}" for name in HIT_FIELDS)
        # The matches with their scores (r), the page of them in order (p), then a snippet
        # for each row of the page only: SQLite would otherwise work out every match's
        # snippet before sorting them.
        match = self.scored_fts(plan)
        rows = self.run(
            f"WITH r AS (SELECT e.id, e.document_id, {fields}, {score_sql} AS score "
            # CROSS JOIN: the matches outside, each looking up its index row, never the
            # full-text query run again for each of thousands of filtered rows.
            f"FROM search_fts CROSS JOIN ({base_sql}) AS e ON e.id = search_fts.rowid "
            "WHERE search_fts MATCH %s), "
            f"p AS (SELECT r.*, row_number() OVER (ORDER BY {order}) AS position FROM r "
            f"ORDER BY {order} LIMIT %s OFFSET %s) "
            f"SELECT p.id, p.document_id, s.snip, {shown}, p.score, t.listing FROM p "
            "JOIN (SELECT rowid AS id, snippet(search_fts, 2, char(2), char(3), ' … ', 24) "
            "AS snip FROM search_fts WHERE search_fts MATCH %s AND rowid IN (SELECT id FROM p)) "
            "AS s ON s.id = p.id JOIN search_searchtext AS t ON t.entry_id = p.id "
            "ORDER BY p.position",
            [*score_params, *base_params, match, limit, offset, match],
        )
        # Without the score column.
        return self.decoded([row[:-2] + row[-1:] for row in rows]), [row[-2] for row in rows]

    def known_words(self, words):
        ids, params = _in(words)
        return {
            w
            for (w,) in self.run(
                f"SELECT word FROM search_searchterm WHERE word IN ({ids})", params
            )
        }

    def suggest_word(self, word):
        # No trigram index here: compare with the words of similar length and first letter.
        candidates = dict(
            self.run(
                "SELECT word, frequency FROM search_searchterm WHERE substr(word, 1, 1) = %s "
                "AND length(word) BETWEEN %s AND %s",
                [word[:1], len(word) - 2, len(word) + 2],
            )
        )
        return self.close_word(word, candidates)
