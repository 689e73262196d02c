"""The SQL that differs between PostgreSQL (tsvector, GIN, websearch_to_tsquery, ts_rank,
ts_headline, pg_trgm) and SQLite (FTS5 with the porter stemmer, bm25, snippet).

Both take a parsed query (``query.ParsedQuery``), whose terms are only letters and digits, and
pass every term as a query parameter: nothing a reader types becomes SQL, tsquery or FTS5
syntax. Highlights come back between \\x02 and \\x03, which ``results.highlight`` escapes.
"""

import difflib
import json

from django.db import connection
from django.db.models import BooleanField, F, FloatField
from django.db.models.expressions import RawSQL

START, STOP = "\x02", "\x03"
ENTRY = '"search_searchentry"'
# Above this many matches, relevance ranks the RANK_POOL newest matches, on the short
# title/headline/subject vector: reading every abstract's vector to order 50,000 near-equal
# matches costs more than it tells a reader, who wants the recent ones on top anyway.
FULL_RANK_LIMIT = 2000
RANK_POOL = 1000
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

    def close_words(self, word, candidates):
        return difflib.get_close_matches(word, candidates, n=1, cutoff=0.75)


class PostgresBackend(Backend):
    vendor = "postgresql"
    # Set-returning functions in the select list (ProjectSet), not in FROM (a function scan
    # per row, each filling a tuplestore): three times faster over a few thousand rows.
    subject_source = "SELECT jsonb_array_elements_text(m.subjects) AS s FROM m"
    placement_source = "SELECT m.id, jsonb_array_elements(m.placements) AS pl FROM m"
    placement_parts = ("pl->>0", "pl->>1", "pl->>2", "pl->>4")

    def tsquery(self, query):
        """The tsquery as SQL with its parameters: websearch_to_tsquery per term, joined
        with the tsquery operators (websearch syntax has no brackets for synonym groups)."""
        sql, params = [], []
        for clause in query.clauses:
            leaves = []
            for alt in clause.alternatives:
                leaves.append("websearch_to_tsquery('english', %s)")
                params.append(f'"{" ".join(alt)}"' if len(alt) > 1 else alt[0])
            part = "(" + " || ".join(leaves) + ")"
            sql.append(f"!!{part}" if clause.negated else part)
        return "(" + " && ".join(sql) + ")", params

    def match(self, query, table=ENTRY):
        sql, params = self.tsquery(query)
        return RawSQL(f"{table}.vector @@ {sql}", params, output_field=BooleanField())

    def more_than(self, sql, params, limit):
        """The planner's estimate answers when it is far from ``limit`` either way, and
        counting only when it is near: counting even to 2,001 reads rows until that many
        match, 10 to 40 ms when filters spread the matches thin. An estimate wrong by more
        than half only costs time: a count estimated small is then counted exactly."""
        (plan,) = self.run(f"EXPLAIN (FORMAT JSON) {sql}", params)[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        estimate = plan[0]["Plan"]["Plan Rows"]
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

    def page(self, filtered, query, sort, total, offset, limit):
        """[(entry id, document id, snippet, *HIT_FIELDS)] for one page of the documents in
        ``filtered`` (visible, faceted) that match ``query``, in ``sort`` order."""
        if query.is_empty:
            return self.browse(filtered, sort, offset, limit)
        matched = filtered.filter(self.match(query))
        columns = ("id", "document_id", *HIT_FIELDS)
        if sort == "relevance" and total > FULL_RANK_LIMIT:
            # The RANK_POOL newest matches, ranked as they are read (no second visit to
            # their rows), then ordered by rank; see FULL_RANK_LIMIT.
            sql, params = self.tsquery(query)
            rank = RawSQL(f"ts_rank({ENTRY}.head_vector, {sql})", params, FloatField())
            pool_sql, pool_params = (
                matched.annotate(rank=rank)
                .order_by(*ORDER["newest"])
                .values(*columns, "rank")[:RANK_POOL]
                .query.sql_with_params()
            )
            page_sql = (
                f"SELECT {', '.join(columns)} FROM ({pool_sql}) AS pool "
                "ORDER BY rank DESC, year DESC NULLS LAST, id DESC LIMIT %s OFFSET %s"
            )
            page_params = [*pool_params, limit, offset]
        else:
            if sort == "relevance":
                sql, params = self.tsquery(query)
                rank = RawSQL(f"ts_rank({ENTRY}.vector, {sql})", params, FloatField())
                matched = matched.annotate(rank=rank).order_by("-rank", *ORDER["newest"])
            else:
                matched = matched.order_by(*ORDER[sort])
            page_sql, page_params = matched.values_list(*columns)[
                offset : offset + limit
            ].query.sql_with_params()
        # One statement: the page of matches, then a headline for each of its rows only.
        sql, params = self.tsquery(query)
        options = (
            f"StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12, ShortWord=2, "
            'MaxFragments=2, FragmentDelimiter=" … "'
        )
        rows = self.run(
            f"SELECT hit.id, hit.document_id, ts_headline('english', t.summary, {sql}, %s), "
            + ", ".join(f"hit.{name}" for name in HIT_FIELDS)
            + ", t.listing "
            f"FROM (SELECT p.*, row_number() OVER () AS position FROM ({page_sql}) AS p) AS hit "
            "JOIN search_searchtext AS t ON t.entry_id = hit.id ORDER BY hit.position",
            [*params, options, *page_params],
        )
        return self.decoded(rows)

    def known_words(self, words):
        ids, params = _in(words)
        return {
            w
            for (w,) in self.run(
                f"SELECT word FROM search_searchterm WHERE word IN ({ids})", params
            )
        }

    def suggest_word(self, word):
        rows = self.run(
            "SELECT word FROM search_searchterm WHERE word %% %s "
            "ORDER BY similarity(word, %s) DESC, length(word), word LIMIT 1",
            [word, word],
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

    def fts_query(self, query):
        """An FTS5 query: every term double-quoted (terms hold only letters and digits)."""

        def clause_sql(clause):
            alts = ['"' + " ".join(alt) + '"' for alt in clause.alternatives]
            return alts[0] if len(alts) == 1 else "(" + " OR ".join(alts) + ")"

        text = " AND ".join(clause_sql(c) for c in query.positive)
        if query.negative:
            text = f"({text}) NOT (" + " OR ".join(clause_sql(c) for c in query.negative) + ")"
        return text

    def match(self, query, table=ENTRY):
        return RawSQL(
            f"{table}.id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)",
            [self.fts_query(query)],
            output_field=BooleanField(),
        )

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

    def ranked_pool(self, matched, total):
        """The matches relevance orders: all of them, or the RANK_POOL newest of many."""
        if total <= FULL_RANK_LIMIT:
            return matched
        # Compiled on its own, not as a queryset subquery: the match is raw SQL naming the
        # table, which inside a Django subquery (aliased U0) would point at the outer row.
        pool_sql, params = (
            matched.order_by(*ORDER["newest"]).values("id")[:RANK_POOL].query.sql_with_params()
        )
        return matched.model.objects.filter(
            RawSQL(f"{ENTRY}.id IN ({pool_sql})", params, output_field=BooleanField())
        )

    def page(self, filtered, query, sort, total, offset, limit):
        if query.is_empty:
            return self.browse(filtered, sort, offset, limit)
        if sort == "relevance" and total > FULL_RANK_LIMIT:
            filtered = self.ranked_pool(filtered.filter(self.match(query)), total)
        base_sql, base_params = (
            filtered.order_by().values("id", "document_id", *HIT_FIELDS).query.sql_with_params()
        )
        order = {
            "relevance": f"{self.BM25}, e.year IS NULL, e.year DESC, e.id DESC",
            "newest": "e.year IS NULL, e.year DESC, e.id DESC",
            "oldest": "e.year IS NULL, e.year, e.id",
        }[sort]
        # The page of matches with their snippets, then the listing of each of its rows only.
        fields = ", ".join(f"e.{name}" for name in HIT_FIELDS)
        rows = self.run(
            "SELECT hit.*, t.listing FROM (SELECT p.*, row_number() OVER () AS position FROM ("
            "SELECT e.id, e.document_id, snippet(search_fts, 2, char(2), char(3), ' … ', 24), "
            f"{fields} FROM search_fts JOIN ({base_sql}) AS e ON e.id = search_fts.rowid "
            f"WHERE search_fts MATCH %s ORDER BY {order} LIMIT %s OFFSET %s) AS p) AS hit "
            "JOIN search_searchtext AS t ON t.entry_id = hit.id ORDER BY hit.position",
            [*base_params, self.fts_query(query), limit, offset],
        )
        return self.decoded([row[:-2] + row[-1:] for row in rows])  # without the position

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
        candidates = [
            w
            for (w,) in self.run(
                "SELECT word FROM search_searchterm WHERE substr(word, 1, 1) = %s "
                "AND length(word) BETWEEN %s AND %s",
                [word[:1], len(word) - 2, len(word) + 2],
            )
        ]
        found = self.close_words(word, candidates)
        return found[0] if found else None
