"""Loading the demo content in fixtures/ (matrices, bank, charts, topics, cells).

Everything is keyed by natural keys (slugs, codes), so loading twice changes nothing. All of
it happens in one transaction and every text's references are checked at the end: content
with a broken link is refused whole.
"""

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.apps import apps
from django.conf import settings
from django.db import transaction

from markup.models import MarkupOwner
from matrix.models import BiteSection, Cell, CellEntry, Chart, Column, Matrix, Row
from studies.models import (
    AbstractTranslation,
    Document,
    DocumentAuthor,
    DocumentSection,
    FeaturedStudy,
)
from topics.models import HotTopic, TopicDocument

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
# Every plain field an editor can set on a document (not its key, relations or stored HTML).
DOCUMENT_FIELDS = tuple(
    f.name for f in Document._meta.concrete_fields if f.editable and f.name not in ("id", "slug")
)


class ContentError(Exception):
    """The content cannot be loaded; the message lists every problem found."""


@dataclass
class LoadReport:
    counts: dict = field(default_factory=dict)

    def add(self, name, number=1):
        self.counts[name] = self.counts.get(name, 0) + number


def _read(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def _text(value):
    return "" if value is None else str(value).strip()


@transaction.atomic
def load_demo_content(directory=FIXTURES):
    directory = Path(directory)
    report = LoadReport()
    load_matrices(_read(directory / "matrices.yaml"), report)
    load_documents(_read(directory / "documents.yaml"), report)
    load_charts(_read(directory / "charts.yaml"), report)
    load_topics(_read(directory / "topics.yaml"), report)
    for path in sorted((directory / "cells").glob("*.yaml")):
        load_cell(_read(path), report)
    check_all_references()
    return report


def load_matrices(data, report):
    for position, item in enumerate(data["matrices"], start=1):
        matrix = Matrix.objects.filter(slug=item["slug"]).first() or Matrix(slug=item["slug"])
        matrix.name = item["name"]
        matrix.legacy_folder = item["legacy_folder"]
        matrix.position = position
        matrix.introduction = _text(item.get("introduction"))
        matrix.audience_guidance = _text(item.get("audience_guidance"))
        matrix.save()
        columns = {}
        for col in item["columns"]:
            columns[col["code"]], _ = Column.objects.update_or_create(
                matrix=matrix,
                code=col["code"],
                defaults={"name": col["name"], "description": _text(col.get("description"))},
            )
        rows = {}
        for row_data in item["rows"]:
            row = Row.objects.filter(matrix=matrix, number=row_data["number"]).first()
            row = row or Row(matrix=matrix, number=row_data["number"])
            row.name = row_data["name"]
            row.description = _text(row_data.get("description"))
            row.course_title = _text(row_data.get("course_title"))
            row.introduction = _text(row_data.get("introduction"))
            row.save()
            rows[row.number] = row
        overrides = {c["code"]: c for c in item.get("cells") or []}
        for code, column in columns.items():
            for number, row in rows.items():
                cell, created = Cell.objects.get_or_create(matrix=matrix, column=column, row=row)
                label = _text(overrides.get(f"{code}{number}", {}).get("label_override"))
                if created or cell.label_override != label:
                    cell.label_override = label
                    cell.save()
                report.add("cells")
        report.add("matrices")


def load_documents(data, report):
    documents = data["documents"]
    for item in documents:
        document = Document.objects.filter(slug=item["slug"]).first() or Document(slug=item["slug"])
        for name in DOCUMENT_FIELDS:
            if name in item:
                value = item[name]
                setattr(document, name, value if not isinstance(value, str) else value.strip())
        document.save()
        document.tags.set(item.get("tags") or [], clear=True)
        document.authorships.all().delete()
        DocumentAuthor.objects.bulk_create(
            DocumentAuthor(document=document, name=name, position=i)
            for i, name in enumerate(item.get("authors") or [])
        )
        keep = []
        for order, section in enumerate(item.get("sections") or []):
            obj = DocumentSection.objects.filter(
                document=document, anchor=section["anchor"]
            ).first()
            obj = obj or DocumentSection(document=document, anchor=section["anchor"])
            obj.heading, obj.body, obj.order = section["heading"], _text(section["body"]), order
            obj.save()
            keep.append(obj.pk)
        document.sections.exclude(pk__in=keep).delete()
        document.translations.all().delete()
        AbstractTranslation.objects.bulk_create(
            AbstractTranslation(document=document, language=t["language"], text=_text(t["text"]))
            for t in item.get("translations") or []
        )
        report.add("documents")
    by_slug = {d.slug: d for d in Document.objects.all()}
    for item in documents:
        analysis = by_slug[item["slug"]]
        analysis.featured_links.all().delete()
        FeaturedStudy.objects.bulk_create(
            FeaturedStudy(
                analysis=analysis, study=_document(by_slug, slug, item["slug"]), position=i
            )
            for i, slug in enumerate(item.get("featured") or [])
        )


def _document(by_slug, slug, where):
    try:
        return by_slug[slug]
    except KeyError:
        raise ContentError(f"{where}: there is no document '{slug}'.") from None


def load_charts(data, report):
    by_slug = {d.slug: d for d in Document.objects.all()}
    for item in data.get("charts") or []:
        header = "label, " + ", ".join(s["name"] for s in item["series"])
        lines = [header] + [
            ", ".join([label] + [f"{s['values'][i]:g}" for s in item["series"]])
            for i, label in enumerate(item["labels"])
        ]
        chart = Chart.objects.filter(slug=item["slug"]).first() or Chart(slug=item["slug"])
        chart.title = item["title"]
        chart.caption = _text(item.get("caption"))
        chart.unit = item.get("unit", "%")
        chart.data = "\n".join(lines)
        chart.source = (
            _document(by_slug, item["source"], item["slug"]) if item.get("source") else None
        )
        chart.full_clean()
        chart.save()
        report.add("charts")


def load_topics(data, report):
    by_slug = {d.slug: d for d in Document.objects.all()}
    for item in data.get("topics") or []:
        topic = HotTopic.objects.filter(slug=item["slug"]).first() or HotTopic(slug=item["slug"])
        topic.title = item["title"]
        topic.standfirst = _text(item.get("standfirst"))
        topic.essay = _text(item.get("essay"))
        topic.search_query = item["search_query"]
        topic.last_revised = item.get("last_revised")
        topic.save()
        topic.topic_documents.all().delete()
        TopicDocument.objects.bulk_create(
            TopicDocument(topic=topic, document=_document(by_slug, slug, item["slug"]), position=i)
            for i, slug in enumerate(item.get("documents") or [])
        )
        report.add("topics")


def load_cell(data, report):
    where = f"{data['matrix']} {data['code']}"
    try:
        cell = Cell.objects.with_labels().by_key(data["matrix"], data["code"])
    except Cell.DoesNotExist:
        raise ContentError(f"{where}: no such cell (load the matrices first).") from None
    cell.scope = _text(data.get("scope"))
    cell.more_query = _text(data.get("more_query"))
    cell.more_note = _text(data.get("more_note"))
    cell.first_uploaded = data.get("first_uploaded")
    cell.last_revised = data.get("last_revised")
    cell.save()
    by_slug = {d.slug: d for d in Document.objects.all()}
    keep = []
    for order, item in enumerate(data.get("entries") or []):
        document = _document(by_slug, item["document"], where)
        entry = CellEntry.objects.filter(cell=cell, document=document).first()
        entry = entry or CellEntry(cell=cell, document=document)
        entry.roles = "".join(code for code in "SKRG" if code in item["roles"])
        entry.headline = item["headline"]
        entry.annotation = _text(item.get("annotation"))
        entry.order = order
        entry.save()
        keep.append(entry.pk)
        report.add("entries")
    cell.entries.exclude(pk__in=keep).delete()
    keep = []
    for order, item in enumerate(data.get("bite") or []):
        section = BiteSection.objects.filter(cell=cell, anchor=item["anchor"]).first()
        section = section or BiteSection(cell=cell, anchor=item["anchor"])
        section.kind = item["kind"]
        section.heading = _text(item.get("heading"))
        section.body = _text(item["body"])
        section.order = order
        section.save()
        keep.append(section.pk)
        report.add("bite sections")
    cell.bite_sections.exclude(pk__in=keep).delete()


def check_all_references():
    """Check every stored text's markup and references; raise listing all problems."""
    problems = []
    for model in apps.get_models():
        if not issubclass(model, MarkupOwner):
            continue
        for owner in model.objects.all():
            for name, messages in owner.markup_errors(owner.render_markup()).items():
                problems.extend(
                    f"{model._meta.verbose_name} '{owner}' ({name}): {m}" for m in messages
                )
    if problems:
        raise ContentError("The content has broken markup:\n" + "\n".join(problems))
