"""Each document's listing (what a list of results shows of it) kept with its index text.

On SQLite, adding a column rebuilds search_searchtext, which drops the triggers that mirror it
into the FTS5 table (0002): they are made again. Rows indexed before this have no listing
until ``manage.py rebuild_search_index``; until then the search page reads those documents
whole, as it did before.
"""

import importlib

from django.db import migrations, models

FULL_TEXT = importlib.import_module("search.migrations.0002_full_text")
SQLITE_TRIGGERS = [s for s in FULL_TEXT.SQLITE if s.lstrip().startswith("CREATE TRIGGER")]


def mirror_again(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for name in ("search_text_ai", "search_text_ad", "search_text_au"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
        for statement in SQLITE_TRIGGERS:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0004_year_order_indexes")]

    # Triggers again after the column is added, and after it is removed when going back.
    operations = [
        migrations.RunPython(migrations.RunPython.noop, mirror_again),
        migrations.AddField(
            model_name="searchtext",
            name="listing",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(mirror_again, migrations.RunPython.noop),
    ]
