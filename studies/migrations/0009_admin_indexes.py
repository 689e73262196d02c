"""The admin at 100,000 documents: an index in the list's order, indexes for a PMID or
accession number typed whole, partial indexes for the dashboard's documents out for
consultation and scheduled, and on PostgreSQL trigram indexes for the editors' search ("contains" of title, DOI, source and authors' names; see
DocumentQuerySet.matching). Django's icontains compares UPPER(column), so the indexes are on
that expression. SQLite has no trigram indexes: there the search reads the table."""

from django.db import migrations, models

TRIGRAM_INDEXES = [
    ("document_title_trgm", "studies_document", "title"),
    ("document_doi_trgm", "studies_document", "doi"),
    ("document_source_trgm", "studies_document", "source"),
    ("document_author_name_trgm", "studies_documentauthor", "name"),
    ("document_author_given_trgm", "studies_documentauthor", "given"),
]


def add_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # Left in place on the way back: the search's "did you mean" uses pg_trgm too.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in TRIGRAM_INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )
    # A word too short for trigrams finds authors by the start of their cited name.
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS document_author_name_prefix ON studies_documentauthor "
        "((UPPER(name::text)) text_pattern_ops)"
    )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in [name for name, _, _ in TRIGRAM_INDEXES] + ["document_author_name_prefix"]:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("studies", "0008_countries_and_vocabularies"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="document",
            index=models.Index(fields=["-year", "title", "-id"], name="document_list_order"),
        ),
        migrations.AddIndex(
            model_name="document",
            index=models.Index(fields=["pmid"], name="document_pmid"),
        ),
        migrations.AddIndex(
            model_name="document",
            index=models.Index(fields=["accession_number"], name="document_accession_number"),
        ),
        migrations.AddIndex(
            model_name="document",
            index=models.Index(
                condition=models.Q(("status", "consultation")),
                fields=["consultation_closes"],
                name="document_in_consultation",
            ),
        ),
        migrations.AddIndex(
            model_name="document",
            index=models.Index(
                condition=models.Q(("publish_at__isnull", False)),
                fields=["publish_at"],
                name="document_scheduled",
            ),
        ),
        migrations.RunPython(add_trigram_indexes, drop_trigram_indexes, elidable=False),
    ]
