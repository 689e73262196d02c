"""Imported records prefill the appraisal's design from their own publication types and
their source, and nothing the record does not say."""

import json

import pytest

from citations.importing import parse
from citations.normalise import design_of
from studies.appraisal import Design
from studies.models import Document
from tests.htmlparse import page
from tests.test_import import IMPORT, editor_on_empty_bank, review_forms  # noqa: F401


def medline(pmid, title, *types, journal="Drug and alcohol dependence"):
    lines = [f"PMID- {pmid}", "DP  - 2020", f"TI  - {title}", f"JT  - {journal}"]
    lines += [f"PT  - {t}" for t in types]
    return "\n".join(lines) + "\n"


def designs_of(text):
    result = parse(text)
    assert not result.errors, result.errors
    return [record.design for record in result.records]


@pytest.mark.parametrize(
    ("types", "design"),
    [
        (["Journal Article", "Randomized Controlled Trial"], "randomised-trial"),
        (["Pragmatic Clinical Trial", "Journal Article"], "randomised-trial"),
        (["Controlled Clinical Trial", "Journal Article"], "controlled-study"),
        # A randomised trial also indexed as a controlled trial is the randomised one.
        (["Controlled Clinical Trial", "Randomized Controlled Trial"], "randomised-trial"),
        (["Journal Article", "Meta-Analysis", "Systematic Review", "Review"], "meta-analysis"),
        (["Journal Article", "Systematic Review", "Review"], "systematic-review"),
        (["Practice Guideline", "Review"], "guideline"),
        (["Guideline"], "guideline"),
        (["Journal Article", "Review"], "narrative-review"),
        # Too little to say: left for the editors.
        (["Journal Article", "Observational Study"], ""),
        (["Clinical Trial", "Journal Article"], ""),
        (["Journal Article"], ""),
        ([], ""),
    ],
)
def test_medline_publication_types_give_the_design(types, design):
    assert designs_of(medline("99999931", "A record.", *types)) == [design]
    assert design == "" or design in Design.values


def test_the_cochrane_database_gives_a_systematic_review_unless_the_types_say_more():
    cochrane = "Cochrane Database of Systematic Reviews"
    text = (
        medline("99999932", "A Cochrane review.", "Journal Article", "Review", journal=cochrane)
        + "\n"
        + medline("99999933", "Another.", "Meta-Analysis", "Review", journal=cochrane)
        + "\n"
        + medline(
            "99999934", "Abbreviated.", "Journal Article", journal="Cochrane Database Syst Rev"
        )
    )
    assert designs_of(text) == ["systematic-review", "meta-analysis", "systematic-review"]
    # A journal of reviews of every kind is not one of systematic reviews.
    assert design_of(["Review"], "Current Opinion in Psychiatry") == "narrative-review"
    assert design_of([], "Current Opinion in Psychiatry") == ""


def test_ris_bibtex_csl_and_semantic_scholar_types_count_too():
    ris = (
        "TY  - JOUR\nTI  - A trial in RIS\nPY  - 2019\nM3  - Randomized Controlled Trial\nER  - \n"
    )
    assert designs_of(ris) == ["randomised-trial"]
    bibtex = (
        "@article{key, title = {A review in BibTeX}, year = {2019}, type = {Systematic Review}}"
    )
    assert designs_of(bibtex) == ["systematic-review"]
    csl = json.dumps([{"type": "article-journal", "title": "A CSL item", "genre": "Meta-analysis"}])
    assert designs_of(csl) == ["meta-analysis"]
    s2 = json.dumps(
        {"title": "A Semantic Scholar paper", "publicationTypes": ["MetaAnalysis", "Review"]}
    )
    assert designs_of(s2) == ["meta-analysis"]


def test_a_doi_lookups_crossref_answer_gives_the_design_from_its_journal():
    # What a DOI lookup reads: Crossref's work, whose type ("journal-article") says nothing.
    work = {
        "status": "ok",
        "message-type": "work",
        "message": {
            "type": "journal-article",
            "title": ["Psychosocial interventions for a substance use problem"],
            "container-title": ["Cochrane Database of Systematic Reviews"],
            "issued": {"date-parts": [[2021]]},
        },
    }
    assert designs_of(json.dumps(work)) == ["systematic-review"]
    work["message"]["container-title"] = ["Drug and Alcohol Dependence"]
    assert designs_of(json.dumps(work)) == [""]


def test_the_seed_record_of_a_review_gets_no_design_it_does_not_state(editor_on_empty_bank):  # noqa: F811
    # Seed 003's publicationTypes is only "Journal Article": a review by its title, of no
    # design the record states.
    from tests.test_import import SEED_003

    assert designs_of(SEED_003.read_text(encoding="utf-8")) == [""]


def test_the_draft_gets_the_design_and_the_editor_can_change_it(editor_on_empty_bank):  # noqa: F811
    client = editor_on_empty_bank
    text = medline("99999935", "A trial to import.", "Randomized Controlled Trial")
    text += "\n" + medline("99999936", "A review to import.", "Review")
    read = client.post(IMPORT, {"records": text, "_read": "1"})
    data = review_forms(read)
    assert (data["form-0-design"], data["form-1-design"]) == (
        "randomised-trial",
        "narrative-review",
    )
    assert page(read).find("select", name="form-0-design") is not None
    data["form-1-design"] = "systematic-review"  # the editor knows better
    client.post(IMPORT, {**data, "_create": "1"})
    designs = dict(Document.objects.values_list("pmid", "design"))
    assert designs == {"99999935": "randomised-trial", "99999936": "systematic-review"}


def test_a_design_that_is_not_in_the_list_is_refused_with_a_message(editor_on_empty_bank):  # noqa: F811
    client = editor_on_empty_bank
    read = client.post(IMPORT, {"records": medline("99999937", "A trial.", "Review"), "_read": "1"})
    data = review_forms(read)
    data["form-0-design"] = "anecdote"
    response = client.post(IMPORT, {**data, "_create": "1"})
    assert response.status_code == 200
    assert "Select a valid choice" in page(response).find("fieldset").clean_text
    assert not Document.objects.exists()


def test_a_merge_fills_an_empty_design_and_never_overwrites_one(editor_on_empty_bank):  # noqa: F811
    from studies.services import merge_into

    document = Document.objects.create(slug="a-trial", title="A trial", kind="study")
    assert merge_into(document, {"design": "randomised-trial"}) == ["design"]
    document.refresh_from_db()
    assert document.design == "randomised-trial"
    merge_into(document, {"design": "narrative-review"})
    document.refresh_from_db()
    assert document.design == "randomised-trial"
