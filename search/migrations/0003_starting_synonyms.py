"""The synonym list editors start with (they change it in the admin)."""

from django.db import migrations

GROUPS = [
    (
        "mutual aid\nmutual help\nself-help groups\n12-step\nAA\nNA\nSMART Recovery",
        "Peer-led recovery groups, by their usual names.",
    ),
    ("brief intervention\nbrief advice\nscreening", "Finding and advising risky drinkers."),
    (
        "primary care\ngeneral practice",
        "Kept together as a phrase: “primary care” is a setting, not two separate words.",
    ),
]


def add_groups(apps, schema_editor):
    SynonymGroup = apps.get_model("search", "SynonymGroup")
    if not SynonymGroup.objects.exists():
        SynonymGroup.objects.bulk_create(
            SynonymGroup(terms=terms, note=note) for terms, note in GROUPS
        )


class Migration(migrations.Migration):
    dependencies = [("search", "0002_full_text")]

    operations = [migrations.RunPython(add_groups, migrations.RunPython.noop)]
