"""The "free copy" facet's column on the index (documents whose ``free_url`` is set), filled
for the rows already indexed.

On SQLite, adding a column rebuilds search_searchentry; the FTS5 table mirrors
search_searchtext, not this table, so nothing else needs making again.
"""

from django.db import migrations, models


def fill(apps, schema_editor):
    SearchEntry = apps.get_model("search", "SearchEntry")
    SearchEntry.objects.filter(kind="document").exclude(document__free_url="").update(
        free_copy=True
    )


class Migration(migrations.Migration):
    dependencies = [("search", "0006_search_text_names"), ("studies", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="free_copy",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
