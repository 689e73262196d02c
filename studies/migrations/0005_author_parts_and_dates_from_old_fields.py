"""Authors' names into their parts, and the old full publication date into the dates kept at
their precision. Nothing is invented: a name stored as "Miller WR." keeps only its initials
("Miller", "W. R."), and a date is kept only as precisely as it can be trusted."""

import datetime

from django.db import migrations

from citations.names import Name, parse_name


def names_into_parts(apps, schema_editor):
    DocumentAuthor = apps.get_model("studies", "DocumentAuthor")
    changed = []
    for author in DocumentAuthor.objects.all():
        person = parse_name(author.name) or Name(author.name)
        author.family, author.given = person.family, person.given
        author.suffix, author.corporate = person.suffix, person.corporate
        author.name = person.cited  # "Miller WR." → "Miller W.R.", the house style
        changed.append(author)
    DocumentAuthor.objects.bulk_update(
        changed, ["family", "given", "suffix", "corporate", "name"], batch_size=500
    )


def parts_into_names(apps, schema_editor):
    pass  # the cited names are still there


def dates_at_their_precision(apps, schema_editor):
    """The old ``published_on`` was the online date when the record gave one to the day, else
    the issue date, with a month alone stored as its 1st. So a date in another year than the
    citation's is the online date; a 1st of the month is kept as the month only (the day may
    have been padding); any other date is the issue's, to the day."""
    Document = apps.get_model("studies", "Document")
    changed = []
    for document in Document.objects.exclude(published_on=None):
        day = document.published_on
        if document.year and day.year != document.year:
            document.published_online = day.isoformat()
        elif day.day == 1:
            document.issued = f"{day.year:04d}-{day.month:02d}"
        else:
            document.issued = day.isoformat()
        document.year = document.year or day.year
        changed.append(document)
    Document.objects.bulk_update(
        changed, ["issued", "published_online", "year"], batch_size=500
    )


def dates_into_one(apps, schema_editor):
    Document = apps.get_model("studies", "Document")
    for document in Document.objects.exclude(issued="", published_online=""):
        value = document.issued if len(document.issued) > 4 else document.published_online
        if len(value) > 4:
            parts = [int(p) for p in value.split("-")] + [1]
            document.published_on = datetime.date(*parts[:3])
            document.save(update_fields=["published_on"])


class Migration(migrations.Migration):
    dependencies = [("studies", "0004_author_parts_and_dates")]

    operations = [
        migrations.RunPython(names_into_parts, parts_into_names, elidable=False),
        migrations.RunPython(dates_at_their_precision, dates_into_one, elidable=False),
    ]
