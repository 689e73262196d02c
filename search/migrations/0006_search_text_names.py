"""SearchText's columns named for what they hold rather than for their tsvector weights:
a, b, c, d become title, labels, summary, body.

The full-text machinery of 0002 names the columns, so it is made again for the new names: on
PostgreSQL the trigger function (plpgsql reads ``n.a`` only when it runs, so the rename
alone would leave it failing); on SQLite the FTS5 table, whose columns must be those of
search_searchtext (its content table), and the triggers mirroring into it, then the FTS5
index is rebuilt from the renamed table. Going back does the same with the old names.
"""

from django.db import migrations

NAMES = {"a": "title", "b": "labels", "c": "summary", "d": "body"}


def _postgresql(a, b, c, d):
    def weighted(column, weight):
        return f"setweight(to_tsvector('english', coalesce(n.{column}, '')), '{weight}')"

    vector = " || ".join(weighted(col, w) for col, w in zip((a, b, c, d), "ABCD", strict=True))
    head = " || ".join(weighted(col, w) for col, w in zip((a, b), "AB", strict=True))
    return [
        f"""
        CREATE OR REPLACE FUNCTION search_text_to_vectors() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE search_searchentry AS e
            SET vector = {vector}, head_vector = {head}
            FROM new_rows AS n WHERE e.id = n.entry_id;
            RETURN NULL;
        END $$
        """
    ]


def _sqlite(a, b, c, d):
    cols = f"{a}, {b}, {c}, {d}"
    new = ", ".join(f"new.{col}" for col in (a, b, c, d))
    old = ", ".join(f"old.{col}" for col in (a, b, c, d))
    return [
        f"""CREATE VIRTUAL TABLE search_fts USING fts5(
            {cols}, content='search_searchtext', content_rowid='entry_id',
            tokenize='porter unicode61 remove_diacritics 2')""",
        f"""CREATE TRIGGER search_text_ai AFTER INSERT ON search_searchtext BEGIN
            INSERT INTO search_fts(rowid, {cols}) VALUES (new.entry_id, {new});
        END""",
        f"""CREATE TRIGGER search_text_ad AFTER DELETE ON search_searchtext BEGIN
            INSERT INTO search_fts(search_fts, rowid, {cols})
            VALUES ('delete', old.entry_id, {old});
        END""",
        f"""CREATE TRIGGER search_text_au AFTER UPDATE ON search_searchtext BEGIN
            INSERT INTO search_fts(search_fts, rowid, {cols})
            VALUES ('delete', old.entry_id, {old});
            INSERT INTO search_fts(rowid, {cols}) VALUES (new.entry_id, {new});
        END""",
        "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
    ]


SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS search_text_au",
    "DROP TRIGGER IF EXISTS search_text_ad",
    "DROP TRIGGER IF EXISTS search_text_ai",
    "DROP TABLE IF EXISTS search_fts",
]


def drop_mirror(apps, schema_editor):
    """The FTS5 table and its triggers go before the rename (SQLite would otherwise rewrite
    the triggers for the new names while the table keeps the old ones)."""
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


def _make_again(columns):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        statements = {"postgresql": _postgresql, "sqlite": _sqlite}.get(vendor)
        for statement in statements(*columns) if statements else []:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0005_document_listing")]

    operations = [
        migrations.RunPython(drop_mirror, _make_again(NAMES.keys())),
        *(
            migrations.RenameField(model_name="searchtext", old_name=old, new_name=new)
            for old, new in NAMES.items()
        ),
        migrations.RunPython(_make_again(NAMES.values()), drop_mirror),
    ]
