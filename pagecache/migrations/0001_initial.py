# The marks were made by the ops app; the page cache took them over with the table as it was.

from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("ops", "0001_page_cache_marks"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PageCacheMark",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("created", models.DateTimeField(auto_now_add=True)),
                        ("reason", models.CharField(max_length=200)),
                    ],
                    options={"db_table": "ops_pagecachemark"},
                ),
            ],
        ),
    ]
