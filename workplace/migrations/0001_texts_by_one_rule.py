"""Texts saved before the site had one rule for them (browsers' CRLF line breaks, a trailing
newline) are stored by it, so the first save of an untouched form records no change."""

import re

from django.db import migrations, models
from django.db.models import Q

CONTENT_APPS = ("matrix", "studies", "topics")
LINE_ENDINGS_RE = re.compile(r"\r\n?")


def text_fields(model):
    return [
        f
        for f in model._meta.concrete_fields
        if f.editable
        and not f.primary_key  # a code kept as the key (a country's) is no prose
        and isinstance(f, models.CharField | models.TextField)
    ]


def store_texts_by_the_rule(apps, schema_editor):
    for label in CONTENT_APPS:
        for model in apps.get_app_config(label).get_models():
            fields = text_fields(model)
            if not fields:
                continue
            off_rule = Q()
            for field in fields:
                off_rule |= Q(**{f"{field.attname}__regex": r"\r|^\s|\s$"})
            batch = []
            for obj in model._base_manager.filter(off_rule).iterator(chunk_size=500):
                for field in fields:
                    value = getattr(obj, field.attname)
                    if isinstance(value, str):
                        setattr(obj, field.attname, LINE_ENDINGS_RE.sub("\n", value).strip())
                batch.append(obj)
                if len(batch) == 500:
                    model._base_manager.bulk_update(batch, [f.attname for f in fields])
                    batch = []
            model._base_manager.bulk_update(batch, [f.attname for f in fields])


class Migration(migrations.Migration):
    dependencies = [
        ("matrix", "0002_cell_workflow"),
        ("studies", "0003_document_title_key"),
        ("topics", "0001_initial"),
    ]

    operations = [migrations.RunPython(store_texts_by_the_rule, migrations.RunPython.noop)]
