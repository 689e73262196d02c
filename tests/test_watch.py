"""Living evidence: cells' watches run against the sources (here a local server speaking
their formats), what is new joins the screening queue once, a failed run is kept with its
reason and loses nothing, and editors screen the queue in the admin."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from config.test_settings import DATABASE_TASKS
from matrix.models import Cell
from studies.models import Document
from tests.factories import get_cell
from tests.fake_literature import EFETCH, ESEARCH, FakeLiterature
from watch import services
from watch.models import Candidate, ExclusionReason, Watch, WatchRun, WatchSwitch

pytestmark = pytest.mark.django_db

QUEUE = "/admin/watch/candidate/"


@pytest.fixture
def fake(settings):
    with FakeLiterature() as server:
        settings.PUBMED_EUTILS_URL = server.url + "eutils/"
        settings.CROSSREF_API_URL = server.url + "crossref/"
        settings.OPENALEX_API_URL = server.url + "openalex/"
        yield server


def pubmed_watch(cell):
    services.ensure_watches(cell)
    return Watch.objects.get(cell=cell, source="pubmed", kind="search")


def test_a_cell_with_content_watches_each_source_and_the_works_citing_it(demo):
    e4 = get_cell("alcohol", "E4")
    services.ensure_watches(e4)
    watches = {(w.source, w.kind): w.query for w in e4.watches.all()}
    assert watches == {
        ("pubmed", "search"): '"mutual aid"[Title/Abstract]',
        ("crossref", "search"): "mutual aid",
        ("openalex", "search"): "mutual aid",
        ("openalex", "citing"): "",
    }
    # An editor's own wording for a source is kept when the watches are ensured again.
    Watch.objects.filter(cell=e4, source="pubmed").update(query="mutual aid[MeSH]")
    assert services.ensure_watches(e4) == []
    assert Watch.objects.get(cell=e4, source="pubmed").query == "mutual aid[MeSH]"
    assert services.ensure_watches(get_cell("alcohol", "A1")) == []  # nothing to watch


def test_a_run_queues_what_is_new_once_and_records_itself(demo, fake):
    fake.answer("/eutils/esearch", ESEARCH)
    fake.answer("/eutils/efetch", EFETCH)
    watch = pubmed_watch(get_cell("alcohol", "E4"))
    run = services.run_watch(watch)
    assert (run.found, run.new, run.in_bank, run.already_screened, run.error) == (2, 2, 0, 0, "")
    assert run.query == '"mutual aid"[Title/Abstract]' and run.since is None
    first = Candidate.objects.get(pmid="9000001")
    assert first.cell == watch.cell and first.watch == watch and first.source == "pubmed"
    assert first.found_because == 'Matched "mutual aid"[Title/Abstract]'
    assert (
        first.authors.splitlines()[0].startswith("Tester, A")
        and len(first.authors.splitlines()) == 2
    )
    # The next run starts from this one, and finds them already in the queue.
    again = services.run_watch(Watch.objects.get(pk=watch.pk))
    assert again.since == run.started_at.date()  # from the last successful run
    assert fake.requests[-2]["params"]["mindate"] == again.since.strftime("%Y/%m/%d")
    assert (again.found, again.new, again.already_screened) == (2, 0, 2)
    # A record the bank already holds is counted, not queued.
    Candidate.objects.all().delete()
    Document.objects.filter(slug="timko-debenedetti-2007-intensive-referral").update(pmid="9000002")
    third = services.run_watch(watch)
    assert (third.new, third.in_bank) == (1, 1)


def test_a_failed_run_keeps_its_reason_and_the_next_starts_where_it_did(demo, fake):
    watch = pubmed_watch(get_cell("alcohol", "E4"))
    last_success = timezone.now() - datetime.timedelta(days=8)
    Watch.objects.filter(pk=watch.pk).update(last_success_at=last_success)
    watch.refresh_from_db()
    fake.answer("/eutils/esearch", "<html>maintenance</html>")
    run = services.run_watch(watch)
    assert (
        run.failed and run.error == "PubMed's search answer was neither esearch's JSON nor its XML."
    )
    assert Candidate.objects.count() == 0
    watch.refresh_from_db()
    assert watch.last_success_at == last_success
    assert watch in services.due_watches()  # due again, from the same place


def test_watch_evidence_prints_a_line_a_watch_and_fails_if_one_failed(demo, fake, capsys):
    fake.answer("/eutils/esearch", ESEARCH)
    fake.answer("/eutils/efetch", EFETCH)
    call_command("watch_evidence", "--cell", "alcohol/E4", "--source", "pubmed")
    out = capsys.readouterr().out.strip().splitlines()
    assert out == [
        f"{get_cell('alcohol', 'E4')} · PubMed search: found 2, new 2, in the bank 0, "
        "already screened 0"
    ]
    fake.answer("/crossref/works", "oops", status=404)
    with pytest.raises(CommandError, match="1 watch"):
        call_command("watch_evidence", "--cell", "alcohol/E4", "--source", "crossref")
    assert "failed: Crossref answered 404." in capsys.readouterr().out
    assert WatchRun.objects.filter(error="").count() == 1
    with pytest.raises(CommandError, match="No cell 'alcohol/Z9'"):
        call_command("watch_evidence", "--cell", "alcohol/Z9")


def test_import_candidates_fills_the_queue_offline(demo, tmp_path, capsys):
    path = tmp_path / "found.nbib"
    path.write_text(EFETCH, encoding="utf-8")
    call_command("import_candidates", str(path), "--cell", "alcohol/E4")
    assert "found.nbib: 2 record(s), 2 new, 0 in the bank, 0 already in the queue" in (
        capsys.readouterr().out
    )
    call_command("import_candidates", str(path))
    assert "0 new, 0 in the bank, 2 already in the queue" in capsys.readouterr().out
    assert set(Candidate.objects.values_list("cell__column__code", flat=True)) == {"E"}
    with pytest.raises(CommandError, match="cannot be read"):
        call_command("import_candidates", str(tmp_path / "missing.ris"))


@pytest.fixture
def queued(demo, tmp_path):
    path = tmp_path / "found.nbib"
    path.write_text(EFETCH, encoding="utf-8")
    call_command("import_candidates", str(path), "--cell", "alcohol/E4")
    return list(Candidate.objects.order_by("pmid"))


def act(editor_client, action, candidates, **extra):
    data = {"action": action, "_selected_action": [c.pk for c in candidates], **extra}
    return editor_client.post(QUEUE, data, follow=True)


def test_the_queue_highlights_the_cells_search_and_filters(editor_client, queued):
    page = editor_client.get(QUEUE + "?status__exact=unscreened").content.decode()
    assert "<mark>Mutual</mark> <mark>aid</mark> meetings and outcomes" in page
    assert 'name="reason"' in page  # the reason beside the actions
    cell = Cell.objects.with_labels().by_key("alcohol", "E4")
    filtered = editor_client.get(QUEUE + f"?cell__id__exact={cell.pk}&source__exact=pubmed")
    assert filtered.status_code == 200


def test_screening_decisions_are_signed_dated_and_undoable(editor_client, editor, queued):
    trial, cohort = queued
    page = act(editor_client, "include_them", [trial]).content.decode()
    trial.refresh_from_db()
    assert trial.status == "included" and trial.decided_by == editor
    draft = trial.document
    assert draft.status == "draft" and draft.pmid == "9000001" and draft.doi == "10.5555/test.0001"
    assert list(draft.authorships.values_list("family", flat=True))[:1] == ["Tester"]
    assert "is a draft, suggested for Alcohol" in page and "as K" in page

    refused = act(editor_client, "exclude_them", [cohort]).content.decode()
    assert "Choose a reason beside the action" in refused
    assert Candidate.objects.get(pk=cohort.pk).status == "unscreened"
    design = ExclusionReason.objects.get(name="Wrong study design")
    act(editor_client, "exclude_them", [cohort], reason=design.pk)
    cohort.refresh_from_db()
    assert cohort.status == "excluded" and cohort.reason == design
    assert cohort.decided_at is not None

    act(editor_client, "undo_them", [trial, cohort])
    assert set(Candidate.objects.values_list("status", flat=True)) == {"unscreened"}
    assert not Document.objects.filter(pk=draft.pk).exists()  # the untouched draft goes
    act(editor_client, "maybe_them", [cohort])
    assert Candidate.objects.get(pk=cohort.pk).status == "maybe"


def test_a_flow_count_per_cell(editor_client, queued):
    trial, cohort = queued
    act(editor_client, "include_them", [trial])
    design = ExclusionReason.objects.get(name="Wrong study design")
    act(editor_client, "exclude_them", [cohort], reason=design.pk)
    e4 = get_cell("alcohol", "E4")
    flow = services.flow(e4)
    assert flow["included"] == 1 and flow["screened"] == 2
    assert flow["excluded"] == [("Wrong study design", 1)]
    # Shown to editors on the cell's own form, leading to its queue; and on its queue.
    form = editor_client.get(f"/admin/matrix/cell/{e4.pk}/change/").content.decode()
    panel = form[form.index('class="module flow-count"') :]
    panel = panel[: panel.index("</section>")]
    assert '<th scope="row">Included</th><td>1</td>' in panel
    assert "Wrong study design: 1" in panel and "0 still to screen" in panel
    assert f'href="/admin/watch/candidate/?cell__id__exact={e4.pk}"' in panel
    assert "is not watched yet" in panel  # imported, never searched: it can start watching
    start = f"/admin/watch/watch/start/?cell={e4.pk}"
    assert f'href="{start}"' in panel
    chosen = editor_client.get(start).content.decode()
    assert f'<option value="{e4.pk}" selected>' in chosen
    queue = editor_client.get(QUEUE + f"?cell__id__exact={e4.pk}").content.decode()
    assert '<th scope="row">Included</th><td>1</td>' in queue


def test_a_watched_cells_form_counts_its_runs_and_links_its_watches(editor_client, demo, fake):
    e4 = get_cell("alcohol", "E4")
    fake.answer("/eutils/esearch", ESEARCH)
    fake.answer("/eutils/efetch", EFETCH)
    services.run_watch(pubmed_watch(e4))
    form = editor_client.get(f"/admin/matrix/cell/{e4.pk}/change/").content.decode()
    assert '<th scope="row">Records found</th><td>2</td>' in form
    assert "2 still to screen" in form and "(2 waiting)" in form
    assert f'href="/admin/watch/watch/?cell__id__exact={e4.pk}"' in form
    assert "not watched yet" not in form
    # A cell nobody watches says so; an editor without the queue's permission sees no panel.
    b2 = get_cell("alcohol", "B2")
    other = editor_client.get(f"/admin/matrix/cell/{b2.pk}/change/").content.decode()
    assert "is not watched yet" in other
    from django.contrib.auth.models import Permission, User

    cells_only = User.objects.create_user("cells-only", is_staff=True)
    cells_only.user_permissions.set(
        Permission.objects.filter(content_type__app_label="matrix", codename__endswith="_cell")
    )
    editor_client.force_login(cells_only)
    page = editor_client.get(f"/admin/matrix/cell/{e4.pk}/change/")
    assert page.status_code == 200 and "flow-count" not in page.content.decode()


def test_scheduling_is_off_until_the_setting_and_an_editor_turn_it_on(
    editor_client, demo, settings, fake
):
    from django_tasks_db.models import DBTaskResult

    from watch.tasks import run_due_watches

    settings.TASKS = DATABASE_TASKS
    settings.WATCH_SCHEDULING = False
    switch = WatchSwitch.current()
    assert not switch.on and run_due_watches.call() == []
    url = f"/admin/watch/watchswitch/{switch.pk}/change/"
    assert "Off on this server: the WATCH_SCHEDULING setting is off." in (
        editor_client.get(url).content.decode()
    )
    editor_client.post(url, {"on": "on"})
    assert WatchSwitch.current().on and not DBTaskResult.objects.exists()  # the setting rules
    settings.WATCH_SCHEDULING = True
    editor_client.post(url, {"on": "on"})
    assert DBTaskResult.objects.filter(task_path__endswith="run_due_watches").count() == 1
    # The worker's run: each due watch, then itself again in a day.
    fake.answer("/eutils/esearch", ESEARCH)
    fake.answer("/eutils/efetch", EFETCH)
    fake.answer("/crossref/works", "down", status=404)
    fake.answer("/openalex/", "down", status=404)
    services.ensure_watches(get_cell("alcohol", "E4"))
    Watch.objects.exclude(source="pubmed").update(active=False)
    runs = run_due_watches.call()
    assert [WatchRun.objects.get(pk=pk).new for pk in runs] == [2]
    later = DBTaskResult.objects.filter(task_path__endswith="run_due_watches").order_by(
        "-run_after"
    )[0]
    assert later.run_after > timezone.now() + datetime.timedelta(hours=23)
    assert services.due_watches() == []  # weekly: not due again today
    # A second chain's run (queued for another moment) does nothing: one run a day.
    Watch.objects.update(last_success_at=None)
    assert run_due_watches.call("2020-01-01T00:00:00+00:00") == []
    assert WatchRun.objects.count() == 1


def test_the_dashboard_lists_cells_to_screen_and_failed_watches(editor_client, queued, fake):
    watch = pubmed_watch(get_cell("alcohol", "E4"))
    fake.answer("/eutils/esearch", "busy", status=404)
    services.run_watch(watch)
    page = editor_client.get("/admin/").content.decode()
    assert "Literature watch: to screen" in page
    assert "E4</a>: 2 records not screened" in page
    assert "Watches whose last run failed" in page and "PubMed answered 404." in page


def test_readers_see_when_a_cells_literature_was_last_searched(client, demo, fake, editor):
    e4 = get_cell("alcohol", "E4")
    url = e4.get_absolute_url()
    assert "Literature last searched" not in client.get(url).content.decode()  # never searched
    assert client.get(url)["X-Page-Cache"] == "hit"
    fake.answer("/eutils/esearch", ESEARCH)
    fake.answer("/eutils/efetch", EFETCH)
    services.run_watch(pubmed_watch(e4))
    page = client.get(url)
    assert page["X-Page-Cache"] == "miss"  # the run dropped the stored page
    today = timezone.localdate().strftime("%-d %B %Y")
    assert f"Literature last searched {today}: 2 records found, 0 screened in." in (
        page.content.decode()
    )
    services.include(Candidate.objects.get(pmid="9000001"), editor)
    assert "2 records found, 1 screened in." in client.get(url).content.decode()
    methods = client.get("/methods/").content.decode()
    assert f"So far 1 cell searched, last on {today}: 2 records found, 1 screened in." in methods
    # An unpublished cell's searches count for no reader.
    Cell.objects.filter(pk=get_cell("alcohol", "A1").pk).update(status="draft")
    a1 = get_cell("alcohol", "A1")
    assert not a1.is_public
    Watch.objects.create(cell=a1, source="crossref", query="screening")
    fake.answer("/crossref/works", {"status": "ok", "message": {"items": []}})
    services.run_watch(Watch.objects.get(cell=a1))
    assert "So far 1 cell searched" in client.get("/methods/").content.decode()
    # The draft it made is no reader's to see: not on the cell page, not in search.
    draft = Candidate.objects.get(pmid="9000001").document
    assert draft.status == "draft"
    assert client.get(draft.get_absolute_url()).status_code == 404


def flag_timko(fake, crossref, openalex=None, efetch=None, works=None):
    """Timko's trial given a test DOI and PMID; the sources answer as told: Crossref's notices
    (``updates:``) and works (``doi:``, with their ``updated-by``), OpenAlex, PubMed's XML."""
    from tests.fake_literature import CROSSREF_NONE, crossref_by_filter, efetch_xml, pubmed_article

    timko = Document.objects.get(slug="timko-debenedetti-2007-intensive-referral")
    Document.objects.filter(pk=timko.pk).update(doi="10.5555/test.0001", pmid="9000001")
    fake.answer("/crossref/works", crossref_by_filter(crossref, works or CROSSREF_NONE))
    fake.answer("/openalex/works", openalex or {"meta": {}, "results": []})
    fake.answer("/eutils/efetch", efetch or efetch_xml(pubmed_article("9000001", "A test.")))
    return Document.objects.get(pk=timko.pk)


def test_a_retraction_is_flagged_everywhere_and_its_cells_followers_told(
    client, demo, fake, capsys, editor_client
):
    from editorial.models import Change
    from readers import bulletins
    from readers.models import Bulletin
    from tests.fake_literature import CROSSREF_NOTICES

    timko = flag_timko(fake, CROSSREF_NOTICES)
    call_command("check_retractions", "--doi", "10.5555/TEST.0001")
    assert capsys.readouterr().out.splitlines() == [
        "timko-debenedetti-2007-intensive-referral: Retracted (2026-05-04), reported by "
        "Retraction Watch (through Crossref)",
        "1 document(s) newly flagged.",
    ]
    sent = fake.requests[0]["params"]
    assert sent["filter"] == "updates:10.5555/test.0001"
    timko.refresh_from_db()
    assert (timko.notice, timko.notice_doi, timko.notice_date) == (
        "retraction",
        "10.5555/notice.0001",
        "2026-05-04",
    )
    # Its page, its entry in E4, a brief of E4: a dated notice linking the retraction notice.
    notice = "<strong>Retracted</strong> (2026-05-04): its publisher has retracted it"
    link = 'href="https://doi.org/10.5555/notice.0001">Read the notice</a>'
    for url in (timko.get_absolute_url(), "/matrices/alcohol/E4/", "/brief/?cells=alcohol/E4"):
        page = client.get(url).content.decode()
        assert notice in page and link in page, url
    # The API and the exports.
    answer = client.get(f"/api/v1/documents/{timko.slug}").json()
    assert answer["retraction"] == {
        "type": "retraction",
        "date": "2026-05-04",
        "notice_doi": "10.5555/notice.0001",
        "source": "Retraction Watch (through Crossref)",
    }
    assert (
        "N1  - Retracted (2026-05-04). Notice: https://doi.org/10.5555/notice.0001"
        in (answer["cite"]["ris"])
    )
    other = Document.objects.exclude(pk=timko.pk).filter(status="published").first()
    assert client.get(f"/api/v1/documents/{other.slug}").json()["retraction"] is None
    # Followers of E4 are told, as news, in their next bulletin.
    told = Change.objects.about(timko).filter(kind="revised").get()
    assert told.note == (
        "A study cited in Alcohol E4 was retracted on 4 May 2026 "
        "(Retraction Watch (through Crossref))."
    )
    bulletin = bulletins.gather(Bulletin.objects.create(title="Weekly"))
    assert told in bulletins.covered(bulletin)
    # Editors see it on the dashboard.
    dashboard = editor_client.get("/admin/").content.decode()
    assert "Publishers' notices found this month" in dashboard
    # A second check finds nothing new.
    assert list(services.flag_notices([timko])) == []


def test_openalex_or_pubmed_alone_can_report_a_retraction(demo, fake):
    from tests.fake_literature import (
        CROSSREF_NONE,
        EFETCH_XML_NOTICE,
        EFETCH_XML_RETRACTED,
        OPENALEX_WORK,
    )

    timko = flag_timko(fake, CROSSREF_NONE, {"results": [OPENALEX_WORK]})
    [(document, kind)] = list(services.flag_notices([timko]))
    assert kind == "retraction" and document.notice_source == "OpenAlex"
    [asked] = [r for r in fake.requests if r["path"] == "/openalex/works"]
    assert asked["params"]["filter"] == "doi:https://doi.org/10.5555/test.0001"

    # PubMed: the record is typed "Retracted Publication" and links its notice, whose own
    # record gives the notice's DOI and date.
    Document.objects.filter(pk=timko.pk).update(notice="", notice_source="")
    fake._answers.clear()
    timko = flag_timko(fake, CROSSREF_NONE, None, EFETCH_XML_RETRACTED)
    fake.answer("/eutils/efetch", EFETCH_XML_NOTICE)
    [(document, kind)] = list(services.flag_notices([timko]))
    assert (document.notice_source, document.notice_doi, document.notice_date) == (
        "PubMed",
        "10.5555/notice.0010",
        "2026-06-02",
    )
    fetched = [r["params"] for r in fake.requests if r["path"] == "/eutils/efetch.fcgi"]
    assert [(p["id"], p["retmode"]) for p in fetched][-2:] == [
        ("9000001", "xml"),
        ("9000010", "xml"),
    ]


def test_what_a_check_flagged_before_a_source_failed_is_kept_and_told_at_once(demo, fake):
    """The check yields each document as it flags it: a source failing in a later batch of
    fifty loses nothing the earlier batches recorded."""
    import json

    from tests.fake_literature import CROSSREF_NONE, CROSSREF_NOTICES
    from watch.sources import SourceAnswerInvalid

    timko = flag_timko(fake, CROSSREF_NONE)
    asked = []

    def crossref(params):  # the first batch's two answers, then nonsense
        asked.append(params["filter"])
        if len(asked) > 2:
            return "<html>overloaded</html>"
        return json.dumps(CROSSREF_NOTICES if len(asked) == 1 else CROSSREF_NONE)

    fake._answers.pop("/crossref/works")
    fake.answer("/crossref/works", crossref)
    others = [Document(slug=f"other-{n}", doi=f"10.5555/other.{n}") for n in range(50)]
    flagging = services.flag_notices([timko, *others])
    document, kind = next(flagging)
    assert (document.slug, kind) == (timko.slug, "retraction")
    with pytest.raises(SourceAnswerInvalid):
        next(flagging)
    assert Document.objects.get(pk=timko.pk).notice == "retraction"


def test_a_retraction_watch_record_on_the_work_itself_is_found(demo, fake):
    """Crossref lists Retraction Watch's records in the retracted work's ``updated-by``, even
    when no notice naming it (``update-to``) was registered; the gravest is recorded."""
    from tests.fake_literature import CROSSREF_NONE, CROSSREF_UPDATED_BY

    timko = flag_timko(fake, CROSSREF_NONE, works=CROSSREF_UPDATED_BY)
    [(document, kind)] = list(services.flag_notices([timko]))
    assert (kind, document.notice_doi, document.notice_date, document.notice_source) == (
        "retraction",
        "10.5555/rw.0001",
        "2026-07-09",
        "Retraction Watch (through Crossref)",
    )
    filters = [r["params"]["filter"] for r in fake.requests if r["path"] == "/crossref/works"]
    assert filters == ["updates:10.5555/test.0001", "doi:10.5555/test.0001"]


def test_a_graver_notice_is_never_replaced_by_a_lesser_one(demo, fake):
    correction = {
        "status": "ok",
        "message": {
            "items": [
                {
                    "DOI": "10.5555/c",
                    "update-to": [{"DOI": "10.5555/test.0001", "type": "correction"}],
                }
            ]
        },
    }
    timko = flag_timko(fake, correction)
    Document.objects.filter(pk=timko.pk).update(notice="retraction", notice_doi="10.5555/r")
    timko.refresh_from_db()
    assert list(services.flag_notices([timko])) == []
    timko.refresh_from_db()
    assert (timko.notice, timko.notice_doi) == ("retraction", "10.5555/r")
    # A correction alone is shown as such.
    Document.objects.filter(pk=timko.pk).update(notice="", notice_doi="")
    timko.refresh_from_db()
    [(document, kind)] = list(services.flag_notices([timko]))
    assert kind == "correction" and document.get_notice_display() == "Corrected"


def test_an_editor_turns_on_e4s_watches_and_the_run_fills_the_queue(editor_client, demo, fake):
    """The issue's first "done when": no command line, the admin and the worker (here the
    tests' immediate task backend) do it."""
    fake.answer("/eutils/esearch", ESEARCH)
    fake.answer("/eutils/efetch", EFETCH)
    fake.answer("/crossref/works", {"status": "ok", "message": {"items": []}})
    fake.answer("/openalex/works", {"meta": {}, "results": []})
    e4 = get_cell("alcohol", "E4")
    form = editor_client.get("/admin/watch/watch/start/")
    assert form.status_code == 200 and "Watch it and run now" in form.content.decode()
    response = editor_client.post("/admin/watch/watch/start/", {"cell": e4.pk}, follow=True)
    assert "watch(es) queued to run now" in response.content.decode()
    assert e4.watches.count() == 4
    assert Candidate.objects.filter(cell=e4, status="unscreened").count() == 2
    queue = editor_client.get(QUEUE + f"?cell__id__exact={e4.pk}").content.decode()
    assert "the flow of records" in queue
    assert '<th scope="row">Records found</th><td>2</td>' in queue
    refused = editor_client.post("/admin/watch/watch/start/", {"cell": ""})
    assert "Choose a cell or a hot topic (one of them)." in refused.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_run_leaves_each_record_queued_once(settings, fake):
    """The worker is killed while the source is still answering; the run is left unfinished
    and kept nothing. The next run (another worker) records the first as interrupted and
    queues each record exactly once."""
    import signal

    from tests.factories import make_matrix
    from tests.workers import wait_for, worker
    from watch.tasks import run_watches

    settings.TASKS = DATABASE_TASKS
    make_matrix()
    cell = get_cell("alcohol", "E4")
    watch = Watch.objects.create(cell=cell, source="pubmed", query="mutual aid")
    fake.answer("/eutils/esearch", ESEARCH)
    fake.answer("/eutils/efetch", EFETCH, delay=30)  # never answers in time
    env = {"PUBMED_EUTILS_URL": fake.url + "eutils/"}
    run_watches.enqueue([watch.pk])
    with worker(**env) as first:
        fetching = wait_for(lambda: "/eutils/efetch.fcgi" in fake.paths(), timeout=60)
        assert fetching, first.stdout.read() if first.poll() is not None else "no fetch"
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    assert Candidate.objects.count() == 0
    [stopped] = WatchRun.objects.all()
    assert stopped.finished_at is None and stopped.error == ""

    fake._answers["/eutils/efetch"] = []
    fake.answer("/eutils/efetch", EFETCH)
    run_watches.enqueue([watch.pk])
    with worker(**env):
        assert wait_for(lambda: Candidate.objects.count() == 2, timeout=60)
        assert wait_for(
            lambda: WatchRun.objects.filter(error="", finished_at__isnull=False).exists(),
            timeout=30,
        )
    stopped.refresh_from_db()
    assert stopped.error.startswith("Interrupted")
    assert sorted(Candidate.objects.values_list("pmid", flat=True)) == ["9000001", "9000002"]


def test_a_source_failing_half_way_keeps_none_of_the_run(demo, fake):
    """250 PMIDs: the first 200 records arrive, the second fetch fails. Nothing is queued,
    the run says why, and the next starts from the same place."""
    pmids = [str(8_000_000 + n) for n in range(250)]
    first = "\n\n".join(
        f"PMID- {p}\nTI  - Test record {p} about mutual aid.\nDP  - 2026\n" for p in pmids[:200]
    )
    fake.answer(
        "/eutils/esearch",
        {"esearchresult": {"count": "250", "webenv": "MCID_TEST", "querykey": "1"}},
    )
    fake.answer("/eutils/efetch", first)
    fake.answer("/eutils/efetch", "gone", status=404)
    watch = pubmed_watch(get_cell("alcohol", "E4"))
    run = services.run_watch(watch)
    assert run.error == "PubMed answered 404." and run.new == 0
    assert Candidate.objects.count() == 0
    assert Watch.objects.get(pk=watch.pk).last_success_at is None
    fetches = [r["params"] for r in fake.requests if r["path"].endswith("efetch.fcgi")]
    assert [(f["retstart"], f["retmax"], f["WebEnv"]) for f in fetches] == [
        ("0", "200", "MCID_TEST"),
        ("200", "200", "MCID_TEST"),
    ]


def test_a_hot_topic_watches_its_search_too(editor_client, demo, fake):
    from topics.models import HotTopic

    fake.answer("/eutils/esearch", ESEARCH)
    fake.answer("/eutils/efetch", EFETCH)
    fake.answer("/crossref/works", {"status": "ok", "message": {"items": []}})
    fake.answer("/openalex/works", {"meta": {}, "results": []})
    topic = HotTopic.objects.get(slug="twelve-step-mutual-aid")
    both = editor_client.post(
        "/admin/watch/watch/start/", {"cell": get_cell("alcohol", "E4").pk, "topic": topic.pk}
    )
    assert "Choose a cell or a hot topic (one of them)." in both.content.decode()
    editor_client.post("/admin/watch/watch/start/", {"topic": topic.pk})
    assert sorted(topic.watches.values_list("source", flat=True)) == [
        "crossref",
        "openalex",
        "pubmed",
    ]
    found = Candidate.objects.filter(watch__topic=topic)
    assert found.count() == 2 and not found.filter(cell__isnull=False).exists()
    queue = editor_client.get(QUEUE + "?status__exact=unscreened").content.decode()
    assert "<mark>Mutual</mark> <mark>aid</mark> meetings" in queue  # the topic's words
