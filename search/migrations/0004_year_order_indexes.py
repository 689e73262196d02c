"""Indexes in the exact orders the result pages sort by (newest: year descending, undated
last, then id; oldest: the reverse), so a page of a search with 60,000 matches walks the index
and stops after a page's worth instead of sorting every match."""

from django.db import migrations

STATEMENTS = {
    "postgresql": [
        "CREATE INDEX search_entry_newest ON search_searchentry "
        "(kind, year DESC NULLS LAST, id DESC)",
        "CREATE INDEX search_entry_oldest ON search_searchentry (kind, year ASC NULLS LAST, id)",
    ],
    "sqlite": [
        "CREATE INDEX search_entry_newest ON search_searchentry "
        "(kind, year IS NULL, year DESC, id DESC)",
        "CREATE INDEX search_entry_oldest ON search_searchentry (kind, year IS NULL, year, id)",
    ],
}
REVERSE = ["DROP INDEX IF EXISTS search_entry_newest", "DROP INDEX IF EXISTS search_entry_oldest"]


def create(apps, schema_editor):
    for statement in STATEMENTS.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor in STATEMENTS:
        for statement in REVERSE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0003_starting_synonyms")]

    operations = [migrations.RunPython(create, drop)]
