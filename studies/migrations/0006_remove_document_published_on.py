from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("studies", "0005_author_parts_and_dates_from_old_fields")]

    operations = [migrations.RemoveField(model_name="document", name="published_on")]
