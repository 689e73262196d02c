"""Loading the demo content in fixtures/ (matrices, bank, charts, topics, cells).

The load only adds. Into an empty bank it loads everything; on a bank editors have worked on
it adds what is missing (matched by slug or code) and never changes or deletes a row that is
already there: a document, chart or topic that exists is left as the editors have it, and a
cell that has any content keeps it. It reports both. All of it happens in one transaction,
and every text it added is checked at the end: content with a broken link is refused whole.
"""

from dataclasses import dataclass, field
from pathlib import Path

import reversion
import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from citations.names import parse_name
from editorial.services import save_content
from matrix.models import BiteSection, Cell, CellEntry, CellVerdict, Chart, Column, Matrix, Row
from search.indexing import recount_terms, reindex_documents
from studies.appraisal import (
    Certainty,
    CertaintyReason,
    Country,
    Design,
    EffectDirection,
    EffectMeasure,
    Population,
    RiskOfBias,
    Setting,
)
from studies.models import (
    AbstractTranslation,
    Document,
    DocumentAuthor,
    DocumentSection,
    FeaturedStudy,
)
from topics.models import HotTopic, TopicDocument

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
DEMO_REVISION = "Loaded from the demo content (manage.py load_demo)."
# Every plain field an editor can set on a document (not its key, relations or stored HTML).
DOCUMENT_FIELDS = tuple(
    f.name for f in Document._meta.concrete_fields if f.editable and f.name not in ("id", "slug")
)
# The appraisal's controlled values, checked before anything is saved: a slug the list does
# not have would be stored as it is and then match no facet, so it is refused instead.
CHOICES = {
    "design": Design,
    "effect_direction": EffectDirection,
    "risk_of_bias": RiskOfBias,
}
VOCABULARIES = {"care_settings": Setting, "populations": Population}
VERDICT_TEXTS = (
    "bottom_line", "certainty_note", "effect", "works_for", "mechanism", "implementation",
    "cost_note", "unclear",
)  # fmt: skip


class ContentError(Exception):
    """The content cannot be loaded; the message lists every problem found."""


@dataclass
class LoadReport:
    added: dict = field(default_factory=dict)
    left_alone: dict = field(default_factory=dict)  # kind -> [names]
    created: list = field(default_factory=list)  # objects with texts, checked at the end
    # What gets a first revision: each matrix, cell, document, chart and topic added (rows,
    # entries, sections and authors are in their owner's revision).
    for_history: dict = field(default_factory=dict)

    def keep_history(self, obj):
        self.for_history[(obj._meta.label, obj.pk)] = obj

    def add(self, name, number=1):
        self.added[name] = self.added.get(name, 0) + number

    def leave(self, kind, name):
        self.left_alone.setdefault(kind, []).append(name)

    def made(self, obj, name):
        self.created.append(obj)
        self.add(name)


def _read(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def _text(value):
    return "" if value is None else str(value).strip()


@transaction.atomic
def load_demo_content(directory=FIXTURES):
    return _load(Path(directory))


def _save(obj):
    """Through the write path; not news for the "what changed" record, and its texts are
    checked once everything is in place (``finish_texts``)."""
    save_content(obj, editor=None, validated=True, record=False)


def _load(directory):
    report = LoadReport()
    load_matrices(_read(directory / "matrices.yaml"), report)
    if (directory / "coverage-terms.yaml").exists():
        load_coverage_terms(_read(directory / "coverage-terms.yaml"))
    documents = _read(directory / "documents.yaml")
    load_vocabularies(documents, report)
    load_documents(documents, report)
    load_charts(_read(directory / "charts.yaml"), report)
    load_topics(_read(directory / "topics.yaml"), report)
    for path in sorted((directory / "cells").glob("*.yaml")):
        load_cell(_read(path), report)
    finish_texts(report)
    # Authors are bulk-created, which sends no signal: index the new documents once, whole.
    added = [obj.pk for obj in report.created if isinstance(obj, Document)]
    reindex_documents(added)
    if added:
        recount_terms()  # "did you mean" weighs words by how common they are
    first_revisions(report)
    return report


def load_coverage_terms(data):
    """What each row and column covers, for searches (``Row.covers``), where it is empty."""
    for slug, parts in data.items():
        for number, terms in (parts.get("rows") or {}).items():
            Row.objects.filter(matrix__slug=slug, number=number, covers="").update(
                covers="\n".join(map(str, terms))
            )
        for code, terms in (parts.get("columns") or {}).items():
            Column.objects.filter(matrix__slug=slug, code=code, covers="").update(
                covers="\n".join(map(str, terms))
            )


def first_revisions(report):
    """One revision per object added, with what it holds once everything is in place, so
    the demo content can be compared, restored and recovered like anything editors made."""
    for obj in report.for_history.values():
        with reversion.create_revision(atomic=False):
            reversion.set_comment(DEMO_REVISION)
            reversion.add_to_revision(obj)


def load_matrices(data, report):
    for position, item in enumerate(data["matrices"], start=1):
        matrix = Matrix.objects.filter(slug=item["slug"]).first()
        if matrix is None:
            matrix = Matrix(
                slug=item["slug"],
                name=item["name"],
                legacy_folder=item["legacy_folder"],
                position=position,
                introduction=_text(item.get("introduction")),
                audience_guidance=_text(item.get("audience_guidance")),
            )
            _save(matrix)
            report.made(matrix, "matrices")
            report.keep_history(matrix)
        else:
            report.leave("matrices", matrix.slug)
        columns = {c.code: c for c in matrix.columns.all()}
        for col in item["columns"]:
            if col["code"] not in columns:
                columns[col["code"]] = Column.objects.create(
                    matrix=matrix,
                    code=col["code"],
                    name=col["name"],
                    description=_text(col.get("description")),
                )
                report.add("columns")
        rows = {r.number: r for r in matrix.rows.all()}
        for row_data in item["rows"]:
            if row_data["number"] not in rows:
                row = Row(
                    matrix=matrix,
                    number=row_data["number"],
                    name=row_data["name"],
                    description=_text(row_data.get("description")),
                    course_title=_text(row_data.get("course_title")),
                    introduction=_text(row_data.get("introduction")),
                )
                _save(row)
                rows[row.number] = row
                report.made(row, "rows")
        overrides = {c["code"]: c for c in item.get("cells") or []}
        existing = {(c.column_id, c.row_id) for c in matrix.cells.all()}
        for code, column in columns.items():
            for number, row in rows.items():
                if (column.pk, row.pk) in existing:
                    continue
                label = _text(overrides.get(f"{code}{number}", {}).get("label_override"))
                # An empty published cell says so and invites suggestions.
                cell = Cell(
                    matrix=matrix,
                    column=column,
                    row=row,
                    label_override=label,
                    status=Cell.Status.PUBLISHED,
                )
                _save(cell)
                report.add("cells")
                report.keep_history(cell)


def load_vocabularies(data, report):
    """Terms the fixtures add to the appraisal's vocabularies (settings, populations),
    matched by slug; a term that exists is left as the editors have it."""
    for key, model in (("settings", Setting), ("populations", Population)):
        existing = set(model.objects.values_list("slug", flat=True))
        for item in data.get(key) or []:
            slug = item.get("slug") or slugify(item["name"])
            if slug in existing:
                report.leave("vocabulary terms", slug)
                continue
            model.objects.create(
                name=item["name"], slug=slug, description=_text(item.get("description"))
            )
            existing.add(slug)
            report.add("vocabulary terms")


def _number(value):
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def appraisal_problems(item):
    """What is wrong with a document's appraisal in the fixtures, each in a sentence."""
    where = item["slug"]
    problems = []
    for name, choices in CHOICES.items():
        value = item.get(name) or ""
        if value and value not in choices.values:
            problems.append(
                f"{where}: '{value}' is not a {name.replace('_', ' ')} "
                f"(one of: {', '.join(choices.values)})."
            )
    for name in ("participants", "studies_included"):
        if item.get(name) is not None and not _number(item[name]):
            problems.append(f"{where}: {name} should be a whole number, not {item[name]!r}.")
    codes = item.get("countries") or []
    known = set(Country.objects.filter(code__in=codes).values_list("code", flat=True))
    problems.extend(
        f"{where}: '{code}' is not a country code (ISO 3166: US, GB, GB-ENG…)."
        for code in codes
        if code not in known
    )
    for name, model in VOCABULARIES.items():
        slugs = item.get(name) or []
        known = set(model.objects.filter(slug__in=slugs).values_list("slug", flat=True))
        problems.extend(
            f"{where}: there is no {model._meta.verbose_name} '{slug}' "
            "(add it to the fixtures' list of terms first)."
            for slug in slugs
            if slug not in known
        )
    for number, measure in enumerate(item.get("effect_measures") or [], start=1):
        try:
            _effect_measure(None, measure, number).full_clean(exclude=["document"])
        except (ValidationError, KeyError, TypeError) as exc:
            problems.append(f"{where}: effect measure {number}: {_message(exc)}")
    return problems


def _message(exc):
    if isinstance(exc, ValidationError):
        return " ".join(
            f"{name}: {' '.join(messages)}" if name != "__all__" else " ".join(messages)
            for name, messages in exc.message_dict.items()
        )
    if isinstance(exc, KeyError):
        return f"{exc.args[0]} is missing."
    return str(exc)


def _decimal(value):
    """As written: YAML reads 0.9 as a float, whose binary digits are not the 0.9 typed."""
    return None if value is None else str(value)


def _effect_measure(document, measure, position):
    return EffectMeasure(
        document=document,
        outcome=measure["outcome"],
        measure=measure["measure"],
        value=_decimal(measure["value"]),
        ci_low=_decimal(measure.get("ci_low")),
        ci_high=_decimal(measure.get("ci_high")),
        note=_text(measure.get("note")),
        position=position,
    )


def load_appraisal(document, item):
    """The appraisal's relations; its plain fields are among ``DOCUMENT_FIELDS``."""
    document.countries.set(item.get("countries") or [])
    for name, model in VOCABULARIES.items():
        getattr(document, name).set(model.objects.filter(slug__in=item.get(name) or []))
    EffectMeasure.objects.bulk_create(
        _effect_measure(document, measure, number)
        for number, measure in enumerate(item.get("effect_measures") or [], start=1)
    )


def load_documents(data, report):
    documents = data["documents"]
    existing = _slugs_in_bank(Document, [item["slug"] for item in documents])
    problems = [
        problem
        for item in documents
        if item["slug"] not in existing
        for problem in appraisal_problems(item)
    ]
    if problems:
        raise ContentError("The documents' appraisals are wrong:\n" + "\n".join(problems))
    created = []
    for item in documents:
        if item["slug"] in existing:
            report.leave("documents", item["slug"])
            continue
        document = Document(slug=item["slug"])
        for name in DOCUMENT_FIELDS:
            if name in item:
                value = item[name]
                setattr(document, name, value if not isinstance(value, str) else value.strip())
        _save(document)
        report.made(document, "documents")
        report.keep_history(document)
        created.append((document, item))
        document.tags.set(item.get("tags") or [])
        load_appraisal(document, item)
        DocumentAuthor.objects.bulk_create(
            DocumentAuthor.of(document, parse_name(name), position=i)
            for i, name in enumerate(item.get("authors") or [])
        )
        for order, section in enumerate(item.get("sections") or []):
            obj = DocumentSection(
                document=document,
                anchor=section["anchor"],
                heading=section["heading"],
                body=_text(section["body"]),
                order=order,
            )
            _save(obj)
            report.created.append(obj)
        AbstractTranslation.objects.bulk_create(
            AbstractTranslation(document=document, language=t["language"], text=_text(t["text"]))
            for t in item.get("translations") or []
        )
    by_slug = _documents_named(slug for _, item in created for slug in item.get("featured") or [])
    for analysis, item in created:
        FeaturedStudy.objects.bulk_create(
            FeaturedStudy(
                analysis=analysis, study=_document(by_slug, slug, item["slug"]), position=i
            )
            for i, slug in enumerate(item.get("featured") or [])
        )


def _slugs_in_bank(model, slugs):
    """Which of ``slugs`` the bank already holds: asked of the fixtures' own slugs, so the
    memory it takes does not grow with the bank (100,000 slugs took megabytes each time)."""
    slugs = list(slugs)
    found = set()
    for start in range(0, len(slugs), 500):  # SQLite's limit on parameters, with room
        chunk = slugs[start : start + 500]
        found.update(model.objects.filter(slug__in=chunk).values_list("slug", flat=True))
    return found


def _documents_named(slugs):
    """{slug: document} for the documents the fixtures name, not for the whole bank."""
    slugs = list(dict.fromkeys(slugs))
    found = {}
    for start in range(0, len(slugs), 500):
        for document in Document.objects.filter(slug__in=slugs[start : start + 500]):
            found[document.slug] = document
    return found


def _document(by_slug, slug, where):
    try:
        return by_slug[slug]
    except KeyError:
        raise ContentError(f"{where}: there is no document '{slug}'.") from None


def _figure(value):
    """A bar's value in the chart's data; null in the fixture (no figure in the source): "?"."""
    return "?" if value is None else f"{value:g}"


def load_charts(data, report):
    by_slug = _documents_named(
        item["source"] for item in data.get("charts") or [] if item.get("source")
    )
    existing = set(Chart.objects.values_list("slug", flat=True))
    for item in data.get("charts") or []:
        if item["slug"] in existing:
            report.leave("charts", item["slug"])
            continue
        header = "label, " + ", ".join(s["name"] for s in item["series"])
        lines = [header] + [
            ", ".join([label] + [_figure(s["values"][i]) for s in item["series"]])
            for i, label in enumerate(item["labels"])
        ]
        chart = Chart(
            slug=item["slug"],
            title=item["title"],
            caption=_text(item.get("caption")),
            note=_text(item.get("note")),
            unit=item.get("unit", "%"),
            data="\n".join(lines),
            source=_document(by_slug, item["source"], item["slug"]) if item.get("source") else None,
        )
        chart.full_clean()
        _save(chart)
        report.add("charts")
        report.keep_history(chart)


def load_topics(data, report):
    by_slug = _documents_named(
        slug for item in data.get("topics") or [] for slug in item.get("documents") or []
    )
    existing = set(HotTopic.objects.values_list("slug", flat=True))
    for item in data.get("topics") or []:
        if item["slug"] in existing:
            report.leave("hot topics", item["slug"])
            continue
        topic = HotTopic(
            slug=item["slug"],
            title=item["title"],
            standfirst=_text(item.get("standfirst")),
            essay=_text(item.get("essay")),
            search_query=item["search_query"],
            last_revised=item.get("last_revised"),
        )
        _save(topic)
        report.made(topic, "hot topics")
        report.keep_history(topic)
        TopicDocument.objects.bulk_create(
            TopicDocument(topic=topic, document=_document(by_slug, slug, item["slug"]), position=i)
            for i, slug in enumerate(item.get("documents") or [])
        )


def _has_content(cell):
    return bool(
        cell.scope
        or cell.more_query
        or cell.more_note
        or cell.entries.exists()
        or cell.bite_sections.exists()
    )


def load_cell(data, report):
    where = f"{data['matrix']} {data['code']}"
    try:
        cell = Cell.objects.with_labels().by_key(data["matrix"], data["code"])
    except Cell.DoesNotExist:
        raise ContentError(f"{where}: no such cell (load the matrices first).") from None
    if _has_content(cell):
        report.leave("cells with content", where)
        return
    cell.scope = _text(data.get("scope"))
    cell.more_query = _text(data.get("more_query"))
    cell.more_note = _text(data.get("more_note"))
    cell.first_uploaded = data.get("first_uploaded")
    cell.last_revised = data.get("last_revised")
    _save(cell)
    report.made(cell, "cell contents")
    report.keep_history(cell)
    verdict = data.get("verdict") or {}
    by_slug = _documents_named(
        [item["document"] for item in data.get("entries") or []]
        + list(verdict.get("economic_evaluations") or [])
    )
    certainty_problems(where, data.get("entries") or [], verdict)
    # The entries' certainty was judged when the cell was appraised (by the editors, not a
    # user account: the demo has none).
    judged_on = verdict.get("last_appraised")
    for order, item in enumerate(data.get("entries") or []):
        certainty = item.get("certainty") or Certainty.NOT_RATED
        entry = CellEntry(
            cell=cell,
            document=_document(by_slug, item["document"], where),
            roles="".join(code for code in "SKRG" if code in item["roles"]),
            headline=item["headline"],
            annotation=_text(item.get("annotation")),
            order=order,
            certainty=certainty,
            certainty_reasons=list(item.get("certainty_reasons") or []),
            certainty_judged_on=judged_on if "certainty" in item else None,
        )
        _save(entry)
        report.made(entry, "entries")
    if verdict:
        load_verdict(cell, verdict, by_slug, where, report)
    for order, item in enumerate(data.get("bite") or []):
        section = BiteSection(
            cell=cell,
            anchor=item["anchor"],
            kind=item["kind"],
            heading=_text(item.get("heading")),
            body=_text(item["body"]),
            order=order,
        )
        _save(section)
        report.made(section, "bite sections")


def certainty_problems(where, entries, verdict):
    """Refuse a certainty or a reason GRADE does not have, or a verdict's bad cost band,
    listing every one, before the cell's entries are saved."""
    problems = []
    judged = [(f"entry '{item.get('document')}'", item) for item in entries]
    if verdict:
        judged.append(("the verdict", verdict))
    for what, item in judged:
        level = item.get("certainty") or Certainty.NOT_RATED
        if level not in Certainty.values:
            problems.append(
                f"{where}, {what}: '{level}' is not a certainty "
                f"(one of: {', '.join(Certainty.values)})."
            )
        reasons = item.get("certainty_reasons") or []
        if not isinstance(reasons, list):
            reasons = [reasons]
        problems.extend(
            f"{where}, {what}: '{reason}' is not a reason for a certainty "
            f"(one of: {', '.join(CertaintyReason.values)})."
            for reason in reasons
            if reason not in CertaintyReason.values
        )
    band = verdict.get("cost_band")
    if band is not None and (not _number(band) or not 1 <= band <= 5):
        problems.append(f"{where}, the verdict: the cost band is 1 to 5, not {band!r}.")
    if problems:
        raise ContentError("The cell's certainty is wrong:\n" + "\n".join(problems))


def load_verdict(cell, data, by_slug, where, report):
    verdict = CellVerdict(
        cell=cell,
        certainty=data.get("certainty") or Certainty.NOT_RATED,
        certainty_reasons=list(data.get("certainty_reasons") or []),
        cost_band=data.get("cost_band"),
        last_appraised=data.get("last_appraised"),
        **{name: _text(data.get(name)) for name in VERDICT_TEXTS},
    )
    _save(verdict)
    report.made(verdict, "verdicts")
    verdict.economic_evaluations.set(
        _document(by_slug, slug, f"{where} verdict")
        for slug in data.get("economic_evaluations") or []
    )


def finish_texts(report):
    """Render what was added once everything is in place (texts saved early link to things
    saved later), then check every link it makes; raise listing all problems."""
    problems = []
    for owner in report.created:
        texts = owner.refresh_markup()
        for name, messages in texts.errors.items():
            problems.extend(f"{owner._meta.verbose_name} '{owner}' ({name}): {m}" for m in messages)
    if problems:
        raise ContentError("The content has broken markup:\n" + "\n".join(problems))
