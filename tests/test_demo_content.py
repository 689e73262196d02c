"""The demo content in fixtures/: complete, loadable twice, and refused whole when broken."""

import re
import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command

from demo.loader import ContentError, load_demo_content
from matrix.models import BiteSection, Cell, CellEntry, CellVerdict, Chart, Column, Matrix, Row
from studies.appraisal import Certainty, CertaintyReason, Country, Design
from studies.models import Document
from tests.factories import get_cell
from tests.htmlparse import parse
from topics.models import HotTopic

pytestmark = pytest.mark.django_db

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
CONTENT_APPS = ("matrix", "studies", "topics", "markup", "taggit")


# The vocabularies an appraisal picks from: ISO 3166 and the starting terms, made by migrate.
VOCABULARIES = ("studies.Country", "studies.Setting", "studies.Population")


def content_models():
    return [
        model
        for label in CONTENT_APPS
        for model in apps.get_app_config(label).get_models()
        if model._meta.label not in VOCABULARIES
    ]


def counts():
    return {model._meta.label: model.objects.count() for model in content_models()}


def snapshot():
    """Every row of every content table, to show that nothing at all changed."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values()) for model in content_models()
    }


def test_load_demo_twice_duplicates_nothing(db, capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    assert (
        "Added: 2 matrices, 10 columns, 10 rows, 50 cells, 1 vocabulary terms, 28 documents" in out
    )
    assert "21 entries, 2 verdicts, 10 bite sections" in out
    first = snapshot()
    call_command("load_demo")
    assert snapshot() == first
    out = capsys.readouterr().out
    assert "Added nothing" in out
    assert "Left alone, already in the bank: 28 documents" in out
    assert "2 cells with content (alcohol E4, drug E4)" in out
    first = counts()
    assert first["matrix.Matrix"] == 2
    assert first["matrix.Cell"] == 50
    assert first["matrix.CellEntry"] == 21
    assert first["matrix.BiteSection"] == 10
    assert first["matrix.Chart"] == 2
    assert first["topics.HotTopic"] == 4
    assert first["studies.Document"] == 28


def test_both_matrices_are_complete(demo):
    assert list(Matrix.objects.values_list("slug", "legacy_folder")) == [
        ("alcohol", "Alcohol"),
        ("drug", "Drugs"),
    ]
    assert Column.objects.count() == 10 and Row.objects.count() == 10
    cells = list(Cell.objects.with_labels())
    assert len(cells) == 50
    assert len({(c.matrix.slug, c.code) for c in cells}) == 50
    assert all(c.status == "published" for c in cells)
    with_content = [c.key for c in cells if c.has_content]
    assert with_content == ["alcohol/E4", "drug/E4"]
    assert [c.key for c in cells if c.label_override] == ["drug/E1"]
    drug_e1 = get_cell("drug", "E1")
    assert (
        drug_e1.title == "Drug Treatment Matrix cell E1: Local and national systems; Reducing harm"
    )


def test_alcohol_e4_is_fully_populated(e4):
    assert e4.title == "Alcohol Treatment Matrix cell E4: Treatment systems; Psychosocial therapies"
    assert str(e4.first_uploaded) == "2013-06-01"
    assert str(e4.last_revised) == "2020-11-20"
    assert e4.more_query == "mutual aid"
    entries = list(e4.entries.select_related("document"))
    assert len(entries) == 16
    assert [e.order for e in entries] == list(range(16))
    assert "".join(e.roles for e in entries) == "S" + "K" * 6 + "R" * 5 + "G" * 4
    assert all(e.annotation_html and e.headline for e in entries)
    sections = list(e4.bite_sections.all())
    assert len(sections) == 7
    assert [s.kind for s in sections] == ["about", "start", "highlighted"] + ["issue"] * 4
    bite = parse("".join(s.body_html for s in sections))
    charts = [figure["id"] for figure in bite.find_all("figure", class_="chart")]
    assert charts == ["chart-timko-2007-referral-outcomes", "chart-manning-2012-referral-outcomes"]
    assert len(bite.find_all("details", class_="supplement")) == 1
    assert len(bite.find_all("aside", class_="pull-quote")) == 2


def test_the_bank_charts_and_topic(demo):
    assert set(Document.objects.values_list("kind", flat=True)) == {
        "study",
        "review",
        "guidance",
        "analysis",
    }
    study = Document.objects.get(slug="humphreys-2020-twelve-step-six-trials")
    assert list(study.translations.values_list("language", flat=True)) == ["zh-hans"]
    nugget = Document.objects.get(slug="nugget-4-3-mutual-supports")
    assert nugget.featured_links.count() == 3
    assert nugget.sections.count() == 3
    chart = Chart.objects.get(slug="timko-2007-referral-outcomes")
    assert chart.source.slug == "timko-debenedetti-2007-intensive-referral"
    assert "51%" in chart.html and "41%" in chart.html
    topic = HotTopic.objects.get(slug="twelve-step-mutual-aid")
    assert topic.search_query == "mutual aid"
    assert topic.topic_documents.count() >= 4


def broken_copy(tmp_path, replace, by, file="cells/alcohol-E4.yaml"):
    copy = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, copy)
    path = copy / file
    text = path.read_text(encoding="utf-8")
    assert replace in text
    path.write_text(text.replace(replace, by, 1), encoding="utf-8")
    return copy


@pytest.mark.parametrize(
    "replace, by, named",
    [
        (
            "(topic:twelve-step-mutual-aid)",
            "(topic:twelve-step-mutual-aids)",
            "Broken link 'topic:twelve-step-mutual-aids': there is no hot topic",
        ),
        (
            "(doc:manning-2012-active-referral#modest-test",
            "(doc:manning-2012-active-referral#no-such-passage",
            "there is no passage 'no-such-passage'",
        ),
        ("(#aftercare-verdict)", "(#aftercare-verdicts)", "Broken link '#aftercare-verdicts'"),
        (
            "[[chart:manning-2012-referral-outcomes]]",
            "[[chart:manning-2013]]",
            "chart 'manning-2013'",
        ),
        ("(cell:alcohol/D2)", "(cell:heroin/D2)", "there is no cell heroin D2"),
    ],
)
def test_load_demo_refuses_a_broken_reference_and_changes_nothing(db, tmp_path, replace, by, named):
    fixtures = broken_copy(tmp_path, replace, by)
    (fixtures / "documents.yaml").write_text(
        (fixtures / "documents.yaml")
        .read_text(encoding="utf-8")
        .replace(
            'title: "Mutual supports help sustain treatment gains"',
            'title: "A title that must not be saved"',
        ),
        encoding="utf-8",
    )
    before = snapshot()
    with pytest.raises(ContentError) as caught:
        load_demo_content(fixtures)
    assert named in str(caught.value)
    assert str(caught.value).startswith("The content has broken markup:")
    assert snapshot() == before
    assert not Document.objects.filter(title="A title that must not be saved").exists()


def test_broken_content_is_refused_on_an_empty_database_too(db, tmp_path):
    fixtures = broken_copy(tmp_path, "(cell:alcohol/E3)", "(cell:alcohol/E7)")
    with pytest.raises(ContentError) as caught:
        load_demo_content(fixtures)
    assert "cell:alcohol/E7" in str(caught.value)
    assert all(number == 0 for number in counts().values()), counts()


def test_an_entry_for_an_unknown_document_is_refused(db, tmp_path, monkeypatch):
    fixtures = broken_copy(
        tmp_path,
        "document: mocam-2006",
        "document: mocam-2066",
    )
    before = snapshot()
    monkeypatch.setattr(
        "demo.management.commands.load_demo.load_demo_content",
        lambda: load_demo_content(fixtures),
    )
    with pytest.raises(CommandError) as caught:
        call_command("load_demo", verbosity=0)
    assert "alcohol E4: there is no document 'mocam-2066'" in str(caught.value)
    assert snapshot() == before
    assert not Document.objects.exists()


def test_load_demo_never_changes_or_deletes_what_editors_did(demo, capsys):
    """Edit, add, draft and delete as an editor would, run load_demo again: all kept."""
    e4 = get_cell("alcohol", "E4")
    review = Document.objects.get(slug="kepner-humphreys-2025-mutual-help-review")
    review.title = "An editor's better title"
    review.status = Document.Status.DRAFT
    review.save()
    entry = e4.entries.order_by("order").first()
    entry.annotation = "The editor rewrote this annotation."
    entry.save()
    new_document = Document(
        slug="editors-own-study", kind="study", title="A study an editor added", year=2026
    )
    new_document.save()
    CellEntry(cell=e4, document=new_document, roles="K", headline="Added by an editor").save()
    BiteSection(
        cell=e4,
        kind="issue",
        heading="An editor's issue",
        anchor="editors-issue",
        body="Discussed by the editors.",
    ).save()
    e4.scope = "The editors' own scope."
    e4.save()
    d4 = get_cell("alcohol", "D4")
    d4.scope = "Started by an editor."
    d4.save()
    HotTopic.objects.filter(slug="twelve-step-mutual-aid").update(title="Editors' topic")
    removed = CellEntry.objects.filter(cell=e4).exclude(pk=entry.pk).order_by("order").last()
    removed_document = removed.document.slug
    removed.delete()
    before = snapshot()

    call_command("load_demo")

    assert snapshot() == before
    out = capsys.readouterr().out
    assert "Added nothing" in out
    assert "cells with content (alcohol E4, drug E4)" in out
    review.refresh_from_db()
    assert (review.title, review.status) == ("An editor's better title", "draft")
    assert not e4.entries.filter(document__slug=removed_document).exists()
    assert e4.bite_sections.filter(anchor="editors-issue").exists()


def test_load_demo_adds_what_is_missing_beside_editors_work(demo, capsys):
    Document.objects.get(slug="humphreys-2020-twelve-step-six-trials").authorships.all().delete()
    Chart.objects.filter(slug="manning-2012-referral-outcomes").delete()  # not placed elsewhere
    kept = snapshot()
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "Added: 1 charts." in out
    assert Chart.objects.filter(slug="manning-2012-referral-outcomes").exists()
    # The document that is still there keeps the (empty) author list the editor left it with.
    assert snapshot()["studies.DocumentAuthor"] == kept["studies.DocumentAuthor"]


def test_load_demo_takes_no_other_instructions(db):
    with pytest.raises(CommandError):
        call_command("load_demo", "fixtures/documents.yaml")


def test_the_demo_content_gets_a_first_revision_of_everything_it_adds(db):
    from reversion.models import Version

    from demo.loader import DEMO_REVISION

    call_command("load_demo", verbosity=0)
    for model in (Matrix, Cell, Document, Chart, HotTopic):
        for obj in model.objects.all():
            versions = Version.objects.get_for_object(obj)
            assert [v.revision.comment for v in versions] == [DEMO_REVISION], obj
    e4 = get_cell("alcohol", "E4")
    revision = Version.objects.get_for_object(e4).get().revision
    held = {v.content_type.model_class() for v in revision.version_set.all()}
    assert held == {Cell, CellEntry, BiteSection, CellVerdict}
    assert revision.version_set.filter(content_type__model="cellentry").count() == 16
    # Rows, entries and sections are in their owner's revision, so in their own history too.
    row = Row.objects.filter(matrix__slug="alcohol").first()
    assert Version.objects.get_for_object(row).get().revision.comment == DEMO_REVISION

    loaded = Version.objects.count()
    call_command("load_demo", verbosity=0)
    assert Version.objects.count() == loaded  # adding nothing records nothing


# The appraisal of both E4 cells (issue 17): only what the sources state.
SEEDS = Path("/work/shared/seeds")
E4_CELLS = (("alcohol", "E4"), ("drug", "E4"))


def e4_entries():
    return [
        entry
        for matrix, code in E4_CELLS
        for entry in get_cell(matrix, code).entries.select_related("document")
    ]


def test_every_e4_entry_has_a_certainty_with_its_reasons(demo):
    entries = e4_entries()
    assert len(entries) == 21
    for entry in entries:
        assert entry.certainty in Certainty.values, entry
        assert entry.certainty_judged_on == date(2026, 12, 4), entry
        assert all(r in CertaintyReason.values for r in entry.certainty_reasons), entry
        # A level below "high" says what lowered it; "not rated" needs no reasons.
        rated = entry.certainty_level.rank
        assert bool(entry.certainty_reasons) == bool(rated and rated < 4), entry
    # Rated where a study or analysis gives a basis; guidance is never rated as evidence.
    assert {e.certainty for e in entries if e.document.kind == "guidance"} == {"not_rated"}
    by_slug = {e.document.slug: e for e in entries}
    assert by_slug["timko-debenedetti-2007-intensive-referral"].certainty == "moderate"
    assert by_slug["humphreys-2020-twelve-step-six-trials"].certainty_why == (
        "lowered for risk of bias"
    )


def test_both_e4_verdicts_are_written(demo):
    for matrix, code in E4_CELLS:
        verdict = get_cell(matrix, code).verdict
        assert verdict.is_written
        assert verdict.last_appraised == date(2026, 12, 4)
        assert verdict.certainty == "low" and verdict.certainty_reasons
        for name in ("bottom_line", "certainty_note", "effect", "works_for", "mechanism"):
            assert getattr(verdict, f"{name}_html"), (matrix, name)
        for name in ("implementation", "unclear"):
            assert getattr(verdict, f"{name}_html"), (matrix, name)
    alcohol = get_cell("alcohol", "E4").verdict
    # The alcohol sources describe the groups as free and referral as cheap: band 1, saying
    # what is counted. The drug sources say nothing of cost, so the drug cell has no band.
    assert alcohol.cost_band == 1 and alcohol.cost_note_html
    drug = get_cell("drug", "E4").verdict
    assert drug.cost_band is None and not drug.cost_note
    assert "doc:" not in alcohol.effect_html  # its links are rendered, at save time


def test_every_e4_study_has_a_design_and_guidance_is_guidance(demo):
    documents = {entry.document for entry in e4_entries()}
    for document in documents:
        if document.kind == "study":
            assert document.design in Design.values, document
        if document.kind == "guidance":
            assert document.design == "guideline", document
            assert document.countries.exists(), document


def test_the_e4_appraisals_hold_the_facts_the_sources_state(demo):
    def doc(slug):
        return Document.objects.get(slug=slug)

    pooled = doc("humphreys-2020-twelve-step-six-trials")
    assert (pooled.design, pooled.participants, pooled.studies_included) == (
        "pooled-analysis",
        1730,
        6,
    )
    assert pooled.size == "6 studies"  # a pooled analysis is counted in studies
    assert doc("sisson-mallams-1981-systematic-encouragement").participants == 20
    # The London trial is England's, the pilot at six English sites too, NICE the UK's, the
    # Scottish guidance Scotland's; asking for the UK finds all four.
    assert list(doc("manning-2012-active-referral").countries.values_list("code", flat=True)) == [
        "GB-ENG"
    ]
    in_uk = set(
        Document.objects.filter(countries__in=Country.objects.codes_within("GB")).values_list(
            "slug", flat=True
        )
    )
    assert {
        "manning-2012-active-referral",
        "smart-recovery-pilot-2010",
        "nice-2011-alcohol-commissioning",
        "mocam-2006",
        "scotland-2008-integrated-care",
    } <= in_uk
    assert "timko-debenedetti-2007-intensive-referral" not in in_uk
    timko = doc("timko-debenedetti-2007-intensive-referral")
    assert [p.slug for p in timko.populations.all()] == ["veterans"]
    assert timko.effect_direction == "favours-intervention"
    # A term the fixtures add to a vocabulary.
    stimulants = doc("fiorentine-1999-after-drug-treatment").populations.get()
    assert stimulants.slug == "people-who-use-stimulants"
    assert doc("fiorentine-1999-after-drug-treatment").follow_up == "2 years"
    # Where a source does not say, the field stays empty: no size for the London trial.
    assert doc("manning-2012-active-referral").participants is None


def test_every_size_in_the_fixtures_appears_in_the_seeds():
    """No invented numbers: each participants figure is in a seed's own text ("n = 1730",
    "20 participants")."""
    if not SEEDS.is_dir():
        pytest.skip("the seed documents are not on this machine")
    seeds = " ".join(path.read_text(encoding="utf-8") for path in SEEDS.glob("*.txt"))
    documents = yaml.safe_load((FIXTURES / "documents.yaml").read_text(encoding="utf-8"))
    sizes = [
        (item["slug"], item["participants"])
        for item in documents["documents"]
        if item.get("participants") is not None
    ]
    assert sizes, "the fixtures give no participants at all"
    for slug, number in sizes:
        pattern = rf"(?<![\d,.]){number:,}(?![\d,])|(?<![\d,.]){number}(?![\d,])"
        assert re.search(pattern, seeds), f"{slug}: {number} is in no seed"


@pytest.mark.parametrize(
    "replace, by, named",
    [
        (
            "design: randomised-trial        # seed 004",
            "design: randomized-trial        # seed 004",
            "sisson-mallams-1981-systematic-encouragement: 'randomized-trial' is not a design",
        ),
        (
            "countries: [GB-ENG]             # seed 004: a British",
            "countries: [UK]             # seed 004: a British",
            "manning-2012-active-referral: 'UK' is not a country code",
        ),
        (
            "populations: [veterans]",
            "populations: [soldiers]",
            "there is no population 'soldiers'",
        ),
        ("participants: 20", "participants: twenty", "participants should be a whole number"),
    ],
)
def test_a_bad_appraisal_in_the_documents_is_refused_and_nothing_loads(
    db, tmp_path, replace, by, named
):
    fixtures = broken_copy(tmp_path, replace, by, file="documents.yaml")
    with pytest.raises(ContentError) as caught:
        load_demo_content(fixtures)
    assert named in str(caught.value)
    assert all(number == 0 for number in counts().values()), counts()


@pytest.mark.parametrize(
    "replace, by, named",
    [
        ("    certainty: moderate\n", "    certainty: medium\n", "'medium' is not a certainty"),
        (
            "certainty_reasons: [imprecision, indirectness]",
            "certainty_reasons: [imprecision, small-sample]",
            "'small-sample' is not a reason",
        ),
        ("  cost_band: 1\n", "  cost_band: 7\n", "the cost band is 1 to 5, not 7"),
    ],
)
def test_a_bad_certainty_or_cost_band_in_a_cell_is_refused_and_nothing_loads(
    db, tmp_path, replace, by, named
):
    fixtures = broken_copy(tmp_path, replace, by)
    with pytest.raises(ContentError) as caught:
        load_demo_content(fixtures)
    assert "alcohol E4" in str(caught.value) and named in str(caught.value)
    assert all(number == 0 for number in counts().values()), counts()


MEASURE = """participants: 20
    effect_measures:
      - {{outcome: attended, measure: risk difference, value: {value}, ci_low: 0.5, ci_high: 1}}
"""


def test_effect_measures_in_the_fixtures_load_with_their_document(db, tmp_path):
    # A test value: the seeds report no effect measure with its interval.
    fixtures = broken_copy(
        tmp_path, "participants: 20\n", MEASURE.format(value=0.9), file="documents.yaml"
    )
    load_demo_content(fixtures)
    document = Document.objects.get(slug="sisson-mallams-1981-systematic-encouragement")
    assert document.effect_measures.get().in_words == "risk difference 0.9 (95% CI 0.5 to 1)"


def test_an_effect_measure_outside_its_interval_is_refused_and_nothing_loads(db, tmp_path):
    fixtures = broken_copy(
        tmp_path, "participants: 20\n", MEASURE.format(value=1.5), file="documents.yaml"
    )
    with pytest.raises(ContentError) as caught:
        load_demo_content(fixtures)
    assert "sisson-mallams-1981-systematic-encouragement: effect measure 1: " in str(caught.value)
    assert "within its confidence interval" in str(caught.value)
    assert all(number == 0 for number in counts().values()), counts()
