"""Small helpers that build content through the models' own save() (which renders markup)."""

import itertools

from matrix.models import BiteSection, Cell, CellEntry, Chart, Column, Matrix, Row
from studies.models import Document, DocumentAuthor
from topics.models import HotTopic, TopicDocument

COLUMNS = [
    ("A", "Interventions"),
    ("B", "Practitioners"),
    ("C", "Management/supervision"),
    ("D", "Organisational functioning"),
    ("E", "Treatment systems"),
]
ROWS = [
    (1, "Screening and brief intervention"),
    (2, "Generic and cross-cutting issues"),
    (3, "Medical treatment"),
    (4, "Psychosocial therapies"),
    (5, "Safeguarding the community"),
]
_numbers = itertools.count(1)


def make_matrix(slug="alcohol", name="Alcohol", legacy_folder=None, position=0, **fields):
    """A matrix with its 5 columns, 5 rows and 25 (published, empty) cells."""
    matrix = Matrix(
        slug=slug,
        name=name,
        legacy_folder=legacy_folder or name,
        position=position,
        **fields,
    )
    matrix.save()
    columns = [
        Column.objects.create(matrix=matrix, code=code, name=col_name, description=f"{col_name}.")
        for code, col_name in COLUMNS
    ]
    rows = []
    for number, row_name in ROWS:
        row = Row(matrix=matrix, number=number, name=row_name, description=f"{row_name}.")
        row.save()
        rows.append(row)
    for row in rows:
        for column in columns:
            Cell(matrix=matrix, column=column, row=row, status=Cell.Status.PUBLISHED).save()
    return matrix


def get_cell(matrix, code):
    """A cell of a matrix made above, with its labels loaded."""
    slug = matrix if isinstance(matrix, str) else matrix.slug
    return Cell.objects.with_labels().by_key(slug, code)


def make_document(slug=None, authors=("Smith J.", "Jones K."), **fields):
    number = next(_numbers)
    fields.setdefault("title", f"A study of mutual aid number {number}")
    fields.setdefault("year", 2010)
    fields.setdefault("source", "Addiction")
    fields.setdefault("kind", Document.Kind.STUDY)
    fields.setdefault("status", Document.Status.PUBLISHED)
    document = Document(slug=slug or f"test-document-{number}", **fields)
    document.save()
    for position, author in enumerate(authors):
        DocumentAuthor.objects.create(document=document, name=author, position=position)
    return document


def make_entry(cell, document=None, roles="K", order=0, **fields):
    fields.setdefault("headline", f"Headline for {cell.code} number {next(_numbers)}")
    entry = CellEntry(
        cell=cell, document=document or make_document(), roles=roles, order=order, **fields
    )
    entry.save()
    return entry


def make_section(cell, kind="about", anchor=None, body="Some text.", order=0, **fields):
    section = BiteSection(
        cell=cell, kind=kind, anchor=anchor or kind, body=body, order=order, **fields
    )
    section.save()
    return section


def make_chart(slug="test-chart", title="Abstinent after referral", source=None, **fields):
    fields.setdefault("data", "label, Intensive, Standard\nAbstinent, 51, 41")
    fields.setdefault("caption", "Share abstinent at one year.")
    chart = Chart(slug=slug, title=title, source=source, **fields)
    chart.full_clean()
    chart.save()
    return chart


def make_topic(slug="test-topic", title="Mutual aid", documents=(), **fields):
    fields.setdefault("search_query", "mutual aid")
    topic = HotTopic(slug=slug, title=title, **fields)
    topic.save()
    for position, document in enumerate(documents):
        TopicDocument.objects.create(topic=topic, document=document, position=position)
    return topic
