"""Citation import in the admin and from the command line, and duplicate detection."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from studies.models import Document
from tests.admin_forms import form_data
from tests.htmlparse import page

pytestmark = pytest.mark.django_db

SEED_003 = (
    Path(__file__).resolve().parent
    / "citations/semantic_scholar/seed_003_kepner_humphreys_2025.txt"
)
FIXTURES = Path(__file__).resolve().parent / "citations"
IMPORT = "/admin/studies/document/import/"


@pytest.fixture
def editor_on_empty_bank(client, db):
    from django.core.management import call_command as run

    run("migrate", verbosity=0)  # the Editors group
    user = User.objects.create_user("ed", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return client


def review_forms(response):
    """The review step's forms, as the browser would post them back."""
    tree = page(response)
    form = next(f for f in tree.find_all("form") if f.find_all("input", name="form-TOTAL_FORMS"))
    data = {}
    for field in form.iter():
        name = field.get("name")
        if not name or field.tag not in ("input", "textarea", "select"):
            continue
        kind = field.get("type")
        if kind in ("checkbox", "radio") and "checked" not in field.attrs:
            continue
        if field.tag == "textarea":
            data[name] = field.text.lstrip("\n")
        elif field.tag == "select":
            chosen = [o for o in field.find_all("option") if "selected" in o.attrs]
            data[name] = chosen[0]["value"] if chosen else ""
        else:
            data[name] = field.get("value", "on" if kind == "checkbox" else "")
    return data


def test_seed_003_pasted_as_it_is_becomes_a_correct_draft_review(editor_on_empty_bank):
    client = editor_on_empty_bank
    # Step 1: the import page (a button on the documents list and the dashboard).
    assert client.get(IMPORT).status_code == 200
    # Steps 2 and 3: paste the record as it is, read it.
    read = client.post(IMPORT, {"records": SEED_003.read_text(encoding="utf-8"), "_read": "1"})
    assert read.status_code == 200
    data = review_forms(read)
    assert data["form-TOTAL_FORMS"] == "1"
    assert data["form-0-title"] == (
        "Effectiveness of Mutual Help Groups for Illicit Drug Use Disorders: A Review of the "
        "Current Literature"
    )
    assert data["form-0-kind"] == "review"
    # Step 4: create the draft.
    data["_create"] = "1"
    done = client.post(IMPORT, data)
    assert ": created: " in page(done).find(id="content-main").clean_text

    document = Document.objects.get()
    assert document.status == "draft" and document.kind == "review"
    assert document.slug == "kepner-2025-effectiveness-mutual-help-groups-illicit-drug"
    assert len(document.slug) <= 60
    assert list(document.authorships.values_list("family", "given", "name")) == [
        ("Kepner", "Wayne", "Kepner W."),
        ("Humphreys", "Keith", "Humphreys K."),
    ]
    # publicationDate "2025-01-01" is the year padded to 1 January: the year alone is kept.
    assert (document.year, document.issued, document.published_online) == (
        2025,
        "2025",
        "2025-02-06",
    )
    assert (document.source, document.volume) == ("Current Addiction Reports", "12")
    assert document.doi == "10.1007/s40429-025-00635-w"
    assert document.free_url == "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC12360454/pdf/"
    assert document.abstract.startswith("**Purpose of review** Evaluate literature")
    assert "<p>" not in document.abstract and "<strong>" not in document.abstract
    html = document.abstract_html
    assert "<strong>Purpose of review</strong>" in html
    assert "<strong>Recent findings</strong>" in html and "<strong>Summary</strong>" in html
    assert "&lt;" not in html


def test_a_re_import_of_the_same_record_is_caught_as_a_duplicate(editor_on_empty_bank):
    client = editor_on_empty_bank
    seed = SEED_003.read_text(encoding="utf-8")
    first = review_forms(client.post(IMPORT, {"records": seed, "_read": "1"}))
    client.post(IMPORT, {**first, "_create": "1"})
    again = client.post(IMPORT, {"records": seed, "_read": "1"})
    box = page(again).find(class_="import-duplicates")
    assert "the same DOI" in box.clean_text
    data = review_forms(again)
    response = client.post(IMPORT, {**data, "_create": "1"})
    assert "Choose what to do with this likely duplicate" in response.text
    assert Document.objects.count() == 1

    data["form-0-duplicate"] = "add"
    assert "Say why it should be added" in client.post(IMPORT, {**data, "_create": "1"}).text
    data["form-0-duplicate"] = f"merge:{Document.objects.get().pk}"
    data["form-0-pmid"] = "99999901"  # a test value: the seed has no PMID
    client.post(IMPORT, {**data, "_create": "1"})
    assert Document.objects.count() == 1
    assert Document.objects.get().pmid == "99999901"


def test_several_formats_at_once_and_a_bad_record_does_not_stop_the_others(
    editor_on_empty_bank,
):
    client = editor_on_empty_bank
    ris = (FIXTURES / "ris/three_records.ris").read_text(encoding="utf-8")
    upload = SimpleUploadedFile(
        "entries.bib", (FIXTURES / "bibtex/malformed.bib").read_bytes(), "text/x-bibtex"
    )
    read = client.post(IMPORT, {"records": ris, "files": [upload], "_read": "1"})
    errors = page(read).find(class_="errornote").clean_text
    assert "entries.bib (BibTeX): record 2" in errors and "could not be read" in errors
    data = review_forms(read)
    assert data["form-TOTAL_FORMS"] == "5"  # three RIS records and two good BibTeX entries
    data["form-1-year"] = "20xx"  # an editor's slip on one form
    response = client.post(IMPORT, {**data, "_create": "1"})
    assert Document.objects.count() == 4
    tree = page(response)
    assert "Enter a whole number" in tree.find("fieldset", class_="import-record").clean_text
    assert tree.find("input", name="form-1-year")["value"] == "20xx"  # kept as typed


def test_the_add_form_catches_a_duplicate_and_offers_the_choices(editor_client, demo):
    existing = Document.objects.get(slug="kepner-humphreys-2025-mutual-help-review")
    url = "/admin/studies/document/add/"
    data = form_data(editor_client.get(url))
    data.update(kind="review", title=existing.title, doi=f"https://doi.org/{existing.doi}")
    response = editor_client.post(url, data)
    box = page(response).find(id="duplicates-heading").parent.clean_text
    assert "the same DOI" in box and "Merge what I typed" in box
    assert Document.objects.filter(title=existing.title).count() == 1

    data.update(_duplicate="add", _duplicate_reason="")
    assert "Say why you are adding it" in editor_client.post(url, data).text
    data.update(_duplicate=f"merge:{existing.pk}", volume="12", pages="")
    existing.volume = ""
    existing.save()
    response = editor_client.post(url, data)
    assert response.status_code == 302 and response["Location"].endswith(f"/{existing.pk}/change/")
    existing.refresh_from_db()
    assert existing.volume == "12"
    assert Document.objects.filter(title=existing.title).count() == 1


def test_a_new_documents_slug_is_made_from_author_year_and_title(editor_client, demo):
    url = "/admin/studies/document/add/"
    data = form_data(editor_client.get(url))
    data.update(
        kind="study",
        title="A very long title about linking patients to mutual aid groups after detoxification",
        year="2026",
        **{"authorships-0-name": "Sánchez-Moreno P.", "authorships-0-position": "0"},
    )
    assert editor_client.post(url, data).status_code == 302
    document = Document.objects.get(year=2026, title__startswith="A very long title")
    assert document.slug == "sanchez-moreno-2026-very-long-title-about-linking-patients"
    assert len(document.slug) <= 60


def test_import_citations_prints_a_line_per_record_and_fails_on_refusals(db, capsys):
    call_command("import_citations", str(FIXTURES / "ris/three_records.ris"))
    out = capsys.readouterr().out
    assert out.count("  created ") == 3
    with pytest.raises(CommandError) as caught:
        call_command(
            "import_citations",
            str(FIXTURES / "ris/three_records.ris"),
            str(FIXTURES / "bibtex/malformed.bib"),
        )
    assert caught.value.returncode == 1
    out = capsys.readouterr().out
    assert out.count("duplicate of ") == 3
    assert "refused: record 2 (BibTeX" in out
    assert out.count("  created ") == 2
    assert Document.objects.filter(status="draft").count() == 5
