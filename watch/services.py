"""Running watches, filling the screening queue, and the editors' decisions on it.

Every multi-step write is here: a run is recorded whatever happens, and its candidates are
saved with it or not at all; a decision and its undoing change the candidate and, when it
is included, make the draft document in one transaction.
"""

import datetime

import reversion
from django.db import transaction
from django.db.models import Count, IntegerField, Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format

from citations.normalise import normalise_doi, normalise_title
from studies.duplicates import find_duplicates
from studies.services import create_draft

from .models import Candidate, ExclusionReason, Source, Watch, WatchRun
from .sources import SourceError

# The role an included record is suggested for, by the kind the import mapping gave it.
SUGGESTED_ROLE = {"review": "R", "guidance": "G"}


def query_for(search, source):
    """A cell's MORE search (or a topic's search) as a source reads it: PubMed looks for the
    phrase in titles and abstracts; Crossref and OpenAlex take the words."""
    words = " ".join((search or "").split())
    if not words:
        return ""
    if source == Source.PUBMED:
        return f'"{words}"[Title/Abstract]'
    return words


def ensure_watches(cell):
    """A cell with content watches each source for its search, and OpenAlex for works citing
    its S and K studies. Existing watches (and editors' edits to them) are kept."""
    made = []
    if cell.more_query:
        for source in Source:
            watch, created = Watch.objects.get_or_create(
                cell=cell,
                source=source,
                kind=Watch.Kind.SEARCH,
                defaults={"query": query_for(cell.more_query, source)},
            )
            if created:
                made.append(watch)
    if cell.entries.filter(roles__regex=r"[SK]").exists():
        watch, created = Watch.objects.get_or_create(
            cell=cell, source=Source.OPENALEX, kind=Watch.Kind.CITING
        )
        if created:
            made.append(watch)
    return made


def ensure_topic_watches(topic):
    """A hot topic with a search watches each source for it (no citing watch: a topic has
    no S and K studies)."""
    made = []
    if topic.search_query:
        for source in Source:
            query = query_for(topic.search_query, source)
            watch, created = Watch.objects.get_or_create(
                topic=topic, source=source, kind=Watch.Kind.SEARCH, defaults={"query": query}
            )
            if created:
                made.append(watch)
    return made


def cited_studies(cell):
    """The cell's S and K studies that have a DOI: what a "citing" watch follows."""
    from studies.models import Document

    return list(
        Document.objects.filter(
            cell_entries__cell=cell, cell_entries__roles__regex=r"[SK]", doi__gt=""
        )
        .distinct()
        .order_by("pk")
    )


def fetch_records(watch, since):
    """[(record, why it was found)] from the watch's source. Raises SourceError."""
    from .sources.crossref import Crossref
    from .sources.openalex import OpenAlex
    from .sources.pubmed import PubMed

    if watch.kind == Watch.Kind.CITING:
        openalex = OpenAlex()
        found = []
        for study in cited_studies(watch.cell):
            works = openalex.citing(study.doi, since)
            why = f"Cites {study.short_citation}"[:500]
            found.extend((record, why) for record in openalex.records_from(works))
        return found
    client = {Source.PUBMED: PubMed, Source.CROSSREF: Crossref, Source.OPENALEX: OpenAlex}
    records = client[watch.source]().records(watch.query, since)
    why = f"Matched {watch.query}"[:500]
    return ((record, why) for record in records)  # as they come, a batch at a time


def describe_query(watch, since):
    if watch.kind == Watch.Kind.CITING:
        dois = ", ".join(s.doi for s in cited_studies(watch.cell)) or "(no S or K study has a DOI)"
        sent = f"cites: {dois}"
    else:
        sent = watch.query
    return f"{sent} (from {since.isoformat()})" if since else sent


def run_watch(watch, *, now=None, fetch=fetch_records):
    """Run one watch from its last success; record the run; queue what is new.

    A source that is down, slow, rate-limiting or answering nonsense leaves a failed run
    with its reason and nothing else: the next run starts from the same place."""
    now = now or timezone.now()
    # A run left unfinished (its worker stopped mid-run) kept nothing: its candidates are
    # saved in one transaction with its counts. Say so, and start from the last success.
    WatchRun.objects.filter(watch=watch, finished_at__isnull=True, error="").update(
        error="Interrupted: the worker stopped mid-run; nothing from it was kept.",
        finished_at=now,
    )
    since = watch.last_success_at.date() if watch.last_success_at else None
    run = WatchRun.objects.create(
        watch=watch, started_at=now, since=since, query=describe_query(watch, since)
    )
    try:
        # The records are queued as they arrive, all in one transaction with the run's
        # counts: a source failing half-way (or the worker stopping) keeps none of them.
        with transaction.atomic():
            counts = queue_records(fetch(watch, since), watch=watch, run=run)
            for name, value in counts.items():
                setattr(run, name, value)
            run.finished_at = timezone.now()
            run.save()
            Watch.objects.filter(pk=watch.pk).update(last_success_at=now)
            shown_again(watch.cell)
    except SourceError as problem:
        WatchRun.objects.filter(pk=run.pk).update(error=str(problem), finished_at=timezone.now())
        run.refresh_from_db()
        return run
    watch.last_success_at = now
    return run


def queue_records(found, *, watch=None, run=None, cell=None, source=""):
    """Put records into the screening queue, each once: {found, new, in_bank,
    already_screened}. ``found`` is [(CitationRecord, why)]."""
    counts = {"found": 0, "new": 0, "in_bank": 0, "already_screened": 0}
    for record, why in found:
        counts["found"] += 1
        fields = record.as_document_fields()
        doi, pmid = normalise_doi(fields["doi"] or ""), (fields["pmid"] or "").strip()
        key, year = normalise_title(fields["title"] or ""), fields["year"]
        # A record twice in one answer finds its first copy among the candidates saved just
        # before it: nothing is held in memory across the records.
        if find_duplicates(doi=doi, pmid=pmid, title=fields["title"], year=year):
            counts["in_bank"] += 1
            continue
        if Candidate.objects.matching(doi=doi, pmid=pmid, title_key=key, year=year).exists():
            counts["already_screened"] += 1
            continue
        Candidate.objects.create(
            title=fields["title"],
            authors="\n".join(name.inverted for name in fields["authors"]),
            year=year,
            journal=fields["source"] or "",
            doi=fields["doi"] or "",
            pmid=pmid,
            abstract=fields["abstract"] or "",
            source=(watch.source if watch else source) or "",
            record=stored(fields),
            cell=watch.cell if watch else cell,
            watch=watch,
            run=run,
            found_because=why,
        )
        counts["new"] += 1
    return counts


def stored(fields):
    """A record's fields as JSON: authors as their written names (create_draft reads them)."""
    return {
        **fields,
        "authors": [name.inverted for name in fields["authors"]],
        "tags": list(fields.get("tags") or []),
    }


def due_watches(now=None):
    """Active watches whose time has come: never run, or last successful ``every_days`` ago."""
    now = now or timezone.now()
    due = []
    for watch in Watch.objects.filter(active=True).select_related("cell"):
        last = watch.last_success_at
        if last is None or now - last >= datetime.timedelta(days=watch.every_days):
            due.append(watch)
    return due


# Decisions.


def _decide(candidate, status, editor, **fields):
    Candidate.objects.filter(pk=candidate.pk).update(
        status=status, decided_by=editor, decided_at=timezone.now(), **fields
    )
    candidate.refresh_from_db()
    shown_again(candidate.cell)
    return candidate


@transaction.atomic
def include(candidate, editor):
    """A draft document through the import mapping; the candidate remembers it. The draft
    is suggested for the candidate's cell, in the role its kind suggests."""
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.status == Candidate.Status.INCLUDED and candidate.document_id:
        return candidate
    document = create_draft(
        dict(candidate.record), editor=editor, note="Screened in from the literature watch."
    )
    return _decide(candidate, Candidate.Status.INCLUDED, editor, document=document, reason=None)


def suggested_role(candidate):
    return SUGGESTED_ROLE.get((candidate.record or {}).get("kind"), "K")


def exclude(candidate, editor, reason):
    if not isinstance(reason, ExclusionReason):
        raise ValueError("Choose a reason for excluding it.")
    return _decide(candidate, Candidate.Status.EXCLUDED, editor, reason=reason)


def maybe(candidate, editor):
    return _decide(candidate, Candidate.Status.MAYBE, editor, reason=None)


@transaction.atomic
def undo(candidate, editor):
    """Back to the queue. A draft made by including it is deleted if it is still an
    untouched draft (no one has published or placed it); otherwise it stays, and is kept."""
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    document = candidate.document
    kept = None
    if document is not None:
        untouched = document.status == "draft" and not document.cell_entries.exists()
        if untouched:
            document.delete()
        else:
            kept = document
    Candidate.objects.filter(pk=candidate.pk).update(
        status=Candidate.Status.UNSCREENED,
        reason=None,
        decided_by=editor,
        decided_at=timezone.now(),
        document=None,
    )
    candidate.refresh_from_db()
    shown_again(candidate.cell)
    return candidate, kept


def searched(cell):
    """(last searched, records found, screened in) of a cell's successful runs and the
    records editors included, in one query; None if it was never searched."""
    included = (
        Candidate.objects.filter(cell=OuterRef("watch__cell"), status=Candidate.Status.INCLUDED)
        .order_by()
        .values("cell")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    row = (
        WatchRun.objects.filter(watch__cell=cell, error="", finished_at__isnull=False)
        .order_by()
        .values("watch__cell")
        .annotate(
            last=Max("finished_at"),
            records=Sum("found"),
            screened_in=Coalesce(Subquery(included, output_field=IntegerField()), 0),
        )
        .values_list("last", "records", "screened_in")
        .first()
    )
    return row


def searched_line(cell):
    """Readers' one line: "Last searched 3 March 2027: 214 records, 12 screened in."."""
    row = searched(cell)
    if row is None:
        return None
    last, records, screened_in = row
    day = date_format(timezone.localtime(last), "j F Y")
    plural = "" if records == 1 else "s"
    return (
        f"Literature last searched {day}: {records:,} record{plural} found, "
        f"{screened_in:,} screened in."
    )


def shown_again(cell):
    """The cell's page (and the methods page's totals) show the search: drop stored copies."""
    from pagecache.tags import list_tag, tag_for
    from pagecache.versions import invalidate

    tags = {list_tag(WatchRun)}
    if cell is not None:
        tags.add(tag_for(cell))
    invalidate(tags)


def flow(cell):
    """The cell's flow of records (PRISMA-like): its watches, found, duplicates removed,
    screened, excluded by reason, included; and when it was last searched. Two queries: the
    watches with their successful runs' sums, and the candidates by status and reason."""
    succeeded = Q(runs__error="")
    runs = Watch.objects.filter(cell=cell).aggregate(
        watches=Count("pk", distinct=True),
        found=Sum("runs__found", filter=succeeded, default=0),
        in_bank=Sum("runs__in_bank", filter=succeeded, default=0),
        already_screened=Sum("runs__already_screened", filter=succeeded, default=0),
        last=Max("runs__finished_at", filter=succeeded),
    )
    statuses, excluded = {}, {}
    for status, reason, n in (
        Candidate.objects.filter(cell=cell)
        .values_list("status", "reason__name")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        statuses[status] = statuses.get(status, 0) + n
        if status == Candidate.Status.EXCLUDED:
            excluded[reason] = excluded.get(reason, 0) + n
    decided = sum(n for status, n in statuses.items() if status != Candidate.Status.UNSCREENED)
    return {
        "watches": runs["watches"],
        "last_searched": runs["last"],
        "found": runs["found"],
        "duplicates": runs["in_bank"] + runs["already_screened"],
        "screened": decided,
        "unscreened": statuses.get(Candidate.Status.UNSCREENED, 0),
        "maybe": statuses.get(Candidate.Status.MAYBE, 0),
        "excluded": sorted(excluded.items(), key=lambda item: (-item[1], item[0] or "")),
        "included": statuses.get(Candidate.Status.INCLUDED, 0),
    }


def literature_totals():
    """For the methods page: cells searched, records found, screened in, and the last search,
    over the cells readers may see only (an unpublished cell's searches are not counted)."""
    from matrix.models import Cell

    public = Cell.objects.public()
    runs = WatchRun.objects.filter(error="", finished_at__isnull=False, watch__cell__in=public)
    totals = runs.aggregate(last=Max("finished_at"), records=Coalesce(Sum("found"), 0))
    totals["cells"] = runs.values("watch__cell").distinct().count()
    totals["screened_in"] = Candidate.objects.filter(
        status=Candidate.Status.INCLUDED, cell__in=public
    ).count()
    return totals


# Publishers' notices about documents already in the bank.

SERIOUSNESS = ["retraction", "withdrawal", "expression_of_concern", "correction"]
SOURCE_NAMES = {
    "retraction-watch": "Retraction Watch (through Crossref)",
    "crossref": "Crossref",
    "publisher": "Crossref",
    "openalex": "OpenAlex",
    "pubmed": "PubMed",
}


BATCH = 50  # DOIs or PMIDs a request: OpenAlex's most for one filter
NOTICE_FIELDS = ("notice", "notice_doi", "notice_date", "notice_source", "notice_found_at")
CHECKED_FIELDS = ("pk", "slug", "kind", "doi", "pmid", *NOTICE_FIELDS)


def documents_to_check(doi=None):
    """Every document in the bank with a DOI or a PMID (or the one with ``doi``)."""
    from django.db.models import Q

    from studies.models import Document

    if doi:
        return Document.objects.filter(doi__iexact=normalise_doi(doi))
    return Document.objects.filter(Q(doi__gt="") | Q(pmid__gt="")).order_by("pk")


def most_serious(notices):
    """The gravest notice; of equally grave ones, the first that names its notice's DOI (and
    date), so a reader can be sent to it."""
    known = [n for n in notices if n["kind"] in SERIOUSNESS]
    return min(
        known,
        key=lambda n: (SERIOUSNESS.index(n["kind"]), not n["notice_doi"], not n["date"]),
        default=None,
    )


NOTICE_VERBS = {
    "retraction": "retracted",
    "withdrawal": "withdrawn by its publisher",
    "expression_of_concern": "the subject of an expression of concern",
    "correction": "corrected",
}


def notice_news(document):
    """What readers following its cells are told: "A study cited in Alcohol E4 was retracted
    on 4 May 2026 (Retraction Watch, through Crossref)."."""
    from citations.dates import PartialDate

    cells = sorted(
        {
            f"{e.cell.matrix.name} {e.cell.code}"
            for e in document.cell_entries.select_related(
                "cell__matrix", "cell__column", "cell__row"
            )
        }
    )
    what = "study" if document.kind == "study" else document.get_kind_display().lower()
    where = f" cited in {', '.join(cells)}" if cells else " in the bank"
    when = ""
    date = PartialDate.from_iso(document.notice_date)
    if date is not None:
        shown = datetime.date(date.year, date.month or 1, date.day or 1)
        pattern = {"day": "%-d %B %Y", "month": "%B %Y", "year": "%Y"}[date.precision]
        when = (" on " if date.day else " in ") + shown.strftime(pattern)
    return f"A {what}{where} was {NOTICE_VERBS[document.notice]}{when} ({document.notice_source})."


def flag_notices(documents=None, *, crossref=None, openalex=None, pubmed=None):
    """Ask Crossref (notices naming the DOIs in ``update-to``, and the works' own
    ``updated-by``, where the Retraction Watch records it serves appear), OpenAlex
    (``is_retracted``) and PubMed (publication types and links to notices) about the
    documents' DOIs and PMIDs, fifty at a time; record the most serious notice on each
    document through the write path, as a revision its cells' followers are told of. Yields
    (document, notice kind) for each document whose notice changed, as it is recorded: a
    check of the whole bank holds none of them, and a command prints each as it comes.
    Raises SourceError, having kept what it recorded before."""
    from .sources.crossref import Crossref
    from .sources.openalex import OpenAlex
    from .sources.pubmed import PubMed

    crossref = crossref or Crossref()
    openalex = openalex or OpenAlex()
    pubmed = pubmed or PubMed()
    documents = documents if documents is not None else documents_to_check()
    if hasattr(documents, "only"):
        # Only what the check reads, a few hundred at a time: 100,000 documents' texts are
        # never held; one whose notice changes is read whole before it is saved.
        documents = documents.only(*CHECKED_FIELDS).iterator(chunk_size=500)
    batch = []
    for document in documents:
        batch.append(document)
        if len(batch) == BATCH:
            yield from _check_batch(batch, crossref, openalex, pubmed)
            batch = []
    if batch:
        yield from _check_batch(batch, crossref, openalex, pubmed)


def _check_batch(documents, crossref, openalex, pubmed):
    dois = [normalise_doi(d.doi).casefold() for d in documents if d.doi]
    notices = crossref.updates_of(dois) if dois else {}
    retracted = openalex.retracted_of(dois) if dois else set()
    pmids = [d.pmid for d in documents if d.pmid]
    pubmed_notices = pubmed.notices_of(pmids) if pmids else {}
    changed = []
    for document in documents:
        key = normalise_doi(document.doi).casefold() if document.doi else ""
        found = list(notices.get(key, [])) if key else []
        found += pubmed_notices.get(document.pmid, []) if document.pmid else []
        if key in retracted and not any(n["kind"] == "retraction" for n in found):
            found.append(_reported("openalex"))
        notice = most_serious(found)
        if notice is not None and (saved := _record_notice(document, notice)) is not None:
            changed.append((saved, notice["kind"]))
    return changed


def _reported(source):
    return {"kind": "retraction", "notice_doi": "", "date": "", "source": source}


def _record_notice(document, notice):
    """Record ``notice`` on the document unless it has it, or a graver one, already; returns
    the document saved, or None."""
    from editorial.services import save_content
    from studies.models import Notice

    checked = document
    if document.get_deferred_fields():
        # Read for the check only, perhaps minutes ago: read whole, and as it is now (an
        # editor may have set a notice since), before deciding and saving.
        document = type(document).objects.filter(pk=document.pk).first()
        if document is None:
            return None  # deleted since
    if document.notice == notice["kind"] and document.notice_doi == notice["notice_doi"]:
        return None
    if (
        document.notice
        and SERIOUSNESS.index(document.notice) <= SERIOUSNESS.index(notice["kind"])
        and document.notice != notice["kind"]
    ):
        return None  # never downgrade what is recorded (an editor's, or a graver one)
    if document.notice == notice["kind"] and not notice["notice_doi"]:
        return None  # the same, reported again without its notice's DOI
    document.notice = notice["kind"]
    document.notice_doi = notice["notice_doi"]
    document.notice_date = notice["date"]
    document.notice_source = SOURCE_NAMES.get(notice["source"], notice["source"])[:40]
    document.notice_found_at = timezone.now()
    said = notice_news(document)
    with transaction.atomic(), reversion.create_revision():
        reversion.set_comment(
            f"{Notice(notice['kind']).label}, as {document.notice_source} reports."
        )
        save_content(document, editor=None, revised=True, note=said[:300], validated=True)
    for name in NOTICE_FIELDS:  # the light copy is what is told of; the whole one is let go
        setattr(checked, name, getattr(document, name))
    return checked
