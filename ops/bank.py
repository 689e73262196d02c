"""The whole bank in one file, and back: ``manage.py export_bank`` / ``import_bank``.

The file is JSON:

    {"format": "evidence-bank", "version": 1, "exported_at": "…",
     "objects": [{"model": "studies.document", "pk": 12, "fields": {…}}, …]}

``objects`` is Django's own serialisation, in the order the models depend on each other,
with primary keys kept (so every reference, stored link and revision stays true) and
references to content types, users and groups written by name (their ids differ between
databases). Subject links (taggit's tagged items) are rows like any other, so none is lost;
``dumpdata --natural-primary`` loses them because tags have no natural key.

What is exported: the content (matrices, cells, entries, bite sections, charts, documents and
their parts and appraisals, verdict cards, topics, subjects, the appraisal's vocabularies),
the registries of anchors and links, the "what changed" record, the history
(django-reversion), readers' messages, subscribers with what they follow, bulletins, and the
editors' accounts and groups. Not exported: the outbox, task
results, sessions and sign-in throttling records, which are transient, and the search index,
which ``import_bank`` builds again (``BANK_AFTER_IMPORT``).
"""

import datetime
import json

from django.apps import apps
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

FORMAT, VERSION = "evidence-bank", 1
# In dependency order: what a row refers to comes before it.
MODELS = [
    "auth.group",
    "auth.user",
    "taggit.tag",
    "subjects.subjectredirect",
    "search.synonymgroup",
    "search.rankingboosts",
    "markup.anchor",
    "markup.link",
    "studies.setting",
    "studies.population",
    "studies.document",
    "studies.documentauthor",
    "studies.documentsection",
    "studies.featuredstudy",
    "studies.abstracttranslation",
    "studies.effectmeasure",
    "matrix.matrix",
    "matrix.column",
    "matrix.row",
    "matrix.cell",
    "matrix.cellentry",
    "matrix.bitesection",
    "matrix.cellverdict",
    "matrix.chart",
    "topics.hottopic",
    "topics.topicdocument",
    "taggit.taggeditem",
    "editorial.change",
    "feedback.editormessage",
    "mail.mailing",
    "mail.undeliverable",
    "mail.liftedsuppression",
    "readers.subscriber",
    "readers.follow",
    "readers.bulletinschedule",
    "readers.bulletin",
    # The literature watch: the screening decisions are editors' work, kept like content.
    "watch.exclusionreason",
    "watch.watch",
    "watch.watchrun",
    "watch.candidate",
    "reversion.revision",
    "reversion.version",
]
# Models that must already be empty before an import (the bank's own tables).
# Tables a new database's migrations fill with starting rows (the first synonyms): an import
# replaces their rows with the bank's.
REPLACED = [
    "search.synonymgroup",
    "studies.setting",
    "studies.population",
    "readers.bulletinschedule",
    "watch.exclusionreason",
]
CONTENT = [m for m in MODELS if not m.startswith(("auth.", "taggit.")) and m not in REPLACED]
# Everything else in the database, and why it is left out.
LEFT_OUT = {
    "mail.outboxmessage": "mail waiting or sent: transient",
    "admin.logentry": "the admin's action log; the history is in the revisions",
    "auth.permission": "made by migrate",
    "contenttypes.contenttype": "made by migrate",
    "sessions.session": "sign-ins: transient",
    "django_tasks_database.dbtaskresult": "background tasks: transient",
    "axes.accessattempt": "sign-in throttling: transient",
    "axes.accessfailurelog": "sign-in throttling: transient",
    "axes.accesslog": "sign-in throttling: transient",
    "axes.accessattemptexpiration": "sign-in throttling: transient",
    "search.searchentry": "the search index: built again after an import (BANK_AFTER_IMPORT)",
    "search.searchtext": "the search index: built again after an import (BANK_AFTER_IMPORT)",
    "search.searchterm": "the search index: built again after an import (BANK_AFTER_IMPORT)",
    "matrix.celltally": "counts kept from the content: counted again when first read",
    "subjects.subjecttally": "counts kept from the content: counted again when first read",
    "subjects.subject": "a proxy of taggit.tag: its rows are exported as tags",
    "studies.country": "ISO 3166 and the UK's nations, made by migrate (documents name them)",
    "pagecache.pagecachemark": "the page cache's record of failed invalidations: transient",
    "watch.watchswitch": "whether this server's worker runs the watches: off on a new one",
}


class BankError(Exception):
    pass


def registered_models():
    return [apps.get_model(label) for label in MODELS]


def unaccounted_models():
    """Models neither exported nor left out on purpose (a test keeps this empty)."""
    known = set(MODELS) | set(LEFT_OUT)
    return sorted(
        m._meta.label_lower for m in apps.get_models() if m._meta.label_lower not in known
    )


class ExactEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to milliseconds; a backup keeps them whole, so a round
    trip gives back exactly what was there."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        return super().default(o)


def export_bank(stream):
    """Write the whole bank to ``stream`` (text); return {model label: rows}."""
    counts, objects = {}, []
    for model in registered_models():
        rows = model._default_manager.order_by("pk")
        counts[model._meta.label_lower] = rows.count()
        natural_primary = model._meta.label_lower in ("auth.group", "auth.user")
        objects.extend(
            json.loads(
                serializers.serialize(
                    "json",
                    rows,
                    use_natural_foreign_keys=True,
                    use_natural_primary_keys=natural_primary,
                    cls=ExactEncoder,
                )
            )
        )
    json.dump(
        {
            "format": FORMAT,
            "version": VERSION,
            "exported_at": timezone.now().isoformat(),
            "objects": objects,
        },
        stream,
        ensure_ascii=False,
        indent=1,
    )
    return counts


def import_bank(stream):
    """Load a file ``export_bank`` wrote into a bank with no content; all or nothing."""
    data = json.load(stream)
    if data.get("format") != FORMAT or data.get("version") != VERSION:
        raise BankError(f"This is not an Evidence Bank export (format {FORMAT} {VERSION}).")
    occupied = [label for label in CONTENT if apps.get_model(label)._default_manager.exists()]
    if occupied:
        raise BankError(
            "The bank is not empty (" + ", ".join(occupied) + "). Import into a new database: "
            "create it, run migrate, then import_bank."
        )
    counts = {}
    with transaction.atomic():
        for label in REPLACED:
            apps.get_model(label)._default_manager.all().delete()
        for obj in serializers.deserialize(
            "json", json.dumps(data["objects"]), handle_forward_references=True
        ):
            obj.save()
            label = obj.object._meta.label_lower
            counts[label] = counts.get(label, 0) + 1
        reset_sequences()
    return counts


def reset_sequences():
    """After rows arrive with their ids, new rows must not reuse them (PostgreSQL)."""
    statements = connection.ops.sequence_reset_sql(no_style(), registered_models())
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
