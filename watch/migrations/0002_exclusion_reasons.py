from django.db import migrations

# Covidence's and Rayyan's usual reasons; editors add, rename and reorder them in the admin.
REASONS = [
    "Wrong population",
    "Wrong intervention",
    "Wrong comparison",
    "Wrong outcomes",
    "Wrong study design",
    "Not research",
    "Duplicate",
    "Not about addiction treatment",
    "Other",
]


def the_usual_reasons(apps, schema_editor):
    reason = apps.get_model("watch", "ExclusionReason")
    for order, name in enumerate(REASONS):
        reason.objects.get_or_create(name=name, defaults={"order": order})


class Migration(migrations.Migration):
    dependencies = [("watch", "0001_initial")]

    operations = [migrations.RunPython(the_usual_reasons, migrations.RunPython.noop)]
