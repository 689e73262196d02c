"""Notes on publications and withdrawals are cleared; marked revisions keep theirs.

Until now a publication or withdrawal made from the change form took the editor's "Note on
this change", which was written for the history ("Re-publish after restore test"): that is
the only way such a row got a note, so every one of them is an editor's note, and none is
left where readers read. A marked revision's note was typed under "shows your note to
readers" and is the same text as the page's "Revised …" line; internal wording among them
cannot be told from notes meant for readers, so they stay (clearing them would take every
true revision note out of the bulletin archive). Editors can correct a page's note in the
form's "Note for readers".
"""

from django.db import migrations, models


def clear_internal_notes(apps, schema_editor):
    Change = apps.get_model("editorial", "Change")
    Change.objects.filter(kind__in=["published", "withdrawn"]).exclude(note="").update(note="")


class Migration(migrations.Migration):

    dependencies = [
        ("editorial", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="change",
            name="note",
            field=models.CharField(
                blank=True,
                help_text="A marked revision's note for readers; never an editor's note for the history.",
                max_length=300,
            ),
        ),
        migrations.RunPython(clear_internal_notes, migrations.RunPython.noop),
    ]
