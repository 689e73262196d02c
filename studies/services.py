"""Multi-step writes to the bank: drafts made from citation records, and merging a record's
fields into a document that already has them in part."""

import reversion
from django.db import transaction

from citations.names import Name, is_et_al, parse_name
from editorial.services import save_content

from .models import Document, DocumentAuthor
from .slugs import document_slug

# A record's fields that go straight onto a Document.
RECORD_FIELDS = (
    "kind", "title", "authors_et_al", "year", "issued", "published_online", "source",
    "volume", "issue", "pages", "doi", "pmid", "accession_number", "accession_database",
    "url", "free_url", "abstract", "affiliations", "design",
)  # fmt: skip


def names(authors):
    """Names from a record's Names or from lines an editor typed ("Timko, Christine"); a
    line "et al." is not a name (the form has its own box for a list cut short)."""
    found = (
        a if isinstance(a, Name) else None if is_et_al(a) else parse_name(a) for a in authors or ()
    )
    return [name for name in found if name]


def unique_slug(fields):
    return document_slug(
        fields.get("title"),
        fields.get("year"),
        [name.family for name in names(fields.get("authors"))],
        taken=lambda slug: Document.objects.filter(slug=slug).exists(),
    )


def create_draft(fields, *, editor=None, note="Imported from a citation record."):
    """A draft document from a record's fields (``CitationRecord.as_document_fields()``, or
    a form's), its authors in order and its subjects, all or nothing.

    Raises ValidationError (by field) if the document would not be valid, saving nothing.
    """
    document = Document(status=Document.Status.DRAFT)
    for name in RECORD_FIELDS:
        value = fields.get(name)
        if value not in (None, ""):
            setattr(document, name, value)
    document.slug = fields.get("slug") or unique_slug(fields)
    document.full_clean()
    with transaction.atomic(), reversion.create_revision():
        reversion.set_comment(note)
        if editor is not None:
            reversion.set_user(editor)
        save_content(document, editor=editor, validated=True)  # full_clean() has checked it
        DocumentAuthor.objects.bulk_create(
            DocumentAuthor.of(document, name, position=i)
            for i, name in enumerate(names(fields.get("authors")))
        )
        if fields.get("tags"):
            document.tags.add(*fields["tags"])
    return document


def merge_into(document, fields, *, editor=None):
    """Fill ``document``'s empty fields (and an empty author list) from ``fields``; never
    overwrite what it has. Returns the names of the fields filled."""
    filled = []
    for name in RECORD_FIELDS:
        value = fields.get(name)
        if value in (None, "") or name == "kind":
            continue
        if getattr(document, name) in (None, "", False):
            setattr(document, name, value)
            filled.append(name)
    authors = names(fields.get("authors"))
    document.full_clean()
    with transaction.atomic(), reversion.create_revision():
        reversion.set_comment(
            "Merged the fields a citation record had and it lacked: "
            + (", ".join(filled) or "none")
        )
        if editor is not None:
            reversion.set_user(editor)
        save_content(document, editor=editor, validated=True)  # full_clean() has checked it
        if authors and not document.authorships.exists():
            DocumentAuthor.objects.bulk_create(
                DocumentAuthor.of(document, name, position=i) for i, name in enumerate(authors)
            )
            filled.append("authors")
        new_tags = [t for t in fields.get("tags") or [] if t not in document.tags.names()]
        if new_tags:
            document.tags.add(*new_tags)
            filled.append("subjects")
    return filled
