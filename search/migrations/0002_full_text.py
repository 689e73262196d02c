"""The full-text machinery each database has: on PostgreSQL a trigger filling the weighted
tsvectors, a GIN index and pg_trgm for "did you mean"; on SQLite an FTS5 table (porter
stemmer) mirroring search_searchtext through triggers. Each part runs only on its database."""

from django.db import migrations

VECTOR = """
    setweight(to_tsvector('english', coalesce(n.a, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(n.b, '')), 'B') ||
    setweight(to_tsvector('english', coalesce(n.c, '')), 'C') ||
    setweight(to_tsvector('english', coalesce(n.d, '')), 'D')
"""
HEAD = """
    setweight(to_tsvector('english', coalesce(n.a, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(n.b, '')), 'B')
"""

POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # Meant to keep the full vector out of line, so scanning matches reads narrow rows; in
    # fact PostgreSQL moves values out only from rows over about 2 KB, which these are not
    # (README, Decisions). Large result sets are sampled instead (facets.ESTIMATE_ABOVE).
    "ALTER TABLE search_searchentry ALTER COLUMN vector SET STORAGE EXTERNAL",
    "ALTER TABLE search_searchentry ALTER COLUMN head_vector SET STORAGE MAIN",
    "ALTER TABLE search_searchentry SET (toast_tuple_target = 512)",
    "CREATE INDEX search_entry_vector_gin ON search_searchentry USING gin (vector)",
    "CREATE INDEX search_term_word_trgm ON search_searchterm USING gin (word gin_trgm_ops)",
    f"""
    CREATE FUNCTION search_text_to_vectors() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE search_searchentry AS e
        SET vector = {VECTOR}, head_vector = {HEAD}
        FROM new_rows AS n WHERE e.id = n.entry_id;
        RETURN NULL;
    END $$
    """,
    """CREATE TRIGGER search_text_inserted AFTER INSERT ON search_searchtext
       REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
       EXECUTE FUNCTION search_text_to_vectors()""",
    """CREATE TRIGGER search_text_updated AFTER UPDATE ON search_searchtext
       REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
       EXECUTE FUNCTION search_text_to_vectors()""",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS search_text_updated ON search_searchtext",
    "DROP TRIGGER IF EXISTS search_text_inserted ON search_searchtext",
    "DROP FUNCTION IF EXISTS search_text_to_vectors()",
    "DROP INDEX IF EXISTS search_term_word_trgm",
    "DROP INDEX IF EXISTS search_entry_vector_gin",
]

SQLITE = [
    """CREATE VIRTUAL TABLE search_fts USING fts5(
        a, b, c, d, content='search_searchtext', content_rowid='entry_id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER search_text_ai AFTER INSERT ON search_searchtext BEGIN
        INSERT INTO search_fts(rowid, a, b, c, d)
        VALUES (new.entry_id, new.a, new.b, new.c, new.d);
    END""",
    """CREATE TRIGGER search_text_ad AFTER DELETE ON search_searchtext BEGIN
        INSERT INTO search_fts(search_fts, rowid, a, b, c, d)
        VALUES ('delete', old.entry_id, old.a, old.b, old.c, old.d);
    END""",
    """CREATE TRIGGER search_text_au AFTER UPDATE ON search_searchtext BEGIN
        INSERT INTO search_fts(search_fts, rowid, a, b, c, d)
        VALUES ('delete', old.entry_id, old.a, old.b, old.c, old.d);
        INSERT INTO search_fts(rowid, a, b, c, d)
        VALUES (new.entry_id, new.a, new.b, new.c, new.d);
    END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS search_text_au",
    "DROP TRIGGER IF EXISTS search_text_ad",
    "DROP TRIGGER IF EXISTS search_text_ai",
    "DROP TABLE IF EXISTS search_fts",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        )
    ]
