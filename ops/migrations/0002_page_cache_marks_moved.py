# PageCacheMark moved to the pagecache app, which keeps its table (ops_pagecachemark).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("ops", "0001_page_cache_marks"),
        ("pagecache", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="PageCacheMark")],
        ),
    ]
