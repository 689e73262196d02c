"""The record as the source gave it: names, DOIs, dates, accession numbers and what was left
out survive import, show on the document page and go out whole in every export; citations
follow their style's rules; files that are not text are refused in one line.

Records here are test records (made-up people, titles and numbers; DOIs under Crossref's
test prefix 10.5555, apart from the Cochrane DOI form quoted in the issue); facts about
the demo's documents come from the seeds.
"""

import json
import subprocess
import sys
from pathlib import Path

import bibtexparser
import pytest
import rispy
from django.core.management import CommandError, call_command
from reversion.models import Version

from citations.exporting.styles import render
from citations.normalise import kind_of
from studies.models import Document
from tests.admin_forms import form_data
from tests.htmlparse import page

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
STUDY = "humphreys-2020-twelve-step-six-trials"


def imported(tmp_path, name, text):
    """Run import_citations on ``text`` saved as ``name``; publish what it made."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    call_command("import_citations", str(path))
    Document.objects.update(status=Document.Status.PUBLISHED)
    return Document.objects.order_by("pk").last()


def csl(**item):
    return json.dumps([{"type": "article-journal", "container-title": "J Example", **item}])


def exports(client, document):
    ris = rispy.loads(client.get(f"/cite/documents/{document.slug}.ris").content.decode())[0]
    bib = bibtexparser.parse_string(
        client.get(f"/cite/documents/{document.slug}.bib").content.decode()
    ).entries[0]
    item = json.loads(client.get(f"/cite/documents/{document.slug}.json").content)[0]
    return ris, bib, item


def meta(tree, name):
    return [m["content"] for m in tree.find_all("meta", name=name)]


# --- Names -------------------------------------------------------------------------------


def test_full_given_names_are_kept_and_cited_in_the_house_style(client, tmp_path):
    document = imported(
        tmp_path,
        "two.json",
        csl(
            title="Full names kept (test record)",
            author=[
                {"family": "Timko", "given": "Christine"},
                {"family": "Miller", "given": "W. R."},
            ],
            issued={"date-parts": [[2007]]},
        ),
    )
    assert list(document.authorships.values_list("family", "given", "name")) == [
        ("Timko", "Christine", "Timko C."),
        ("Miller", "W. R.", "Miller W.R."),
    ]
    tree = page(client.get(document.get_absolute_url()))
    assert tree.find("span", class_="authors").clean_text == "Timko C., Miller W.R."
    assert meta(tree, "citation_author") == ["Timko, Christine", "Miller, W. R."]
    ris, bib, item = exports(client, document)
    assert ris["authors"] == ["Timko, Christine", "Miller, W. R."]
    assert bib["author"] == "Timko, Christine and Miller, W. R."
    assert item["author"] == [
        {"family": "Timko", "given": "Christine"},
        {"family": "Miller", "given": "W. R."},
    ]


def test_names_imported_as_initials_go_out_undamaged(client, tmp_path):
    medline = "PMID- 99999961\nTI  - Initials only (test record).\nAU  - Miller WR\nDP  - 1983\n"
    document = imported(tmp_path, "one.nbib", medline)
    ris, bib, item = exports(client, document)
    assert ris["authors"] == ["Miller, W. R."]  # not "Miller, W R."
    assert bib["author"] == "Miller, W. R."
    assert item["author"] == [{"family": "Miller", "given": "W. R."}]  # not "W R."
    styles = {
        s.find("h3").clean_text: s.find("textarea").text
        for s in page(client.get(document.get_absolute_url())).find_all("div", class_="cite-style")
    }
    assert styles["APA (7th edition)"].startswith("Miller, W. R. (1983).")
    assert styles["Vancouver"].startswith("Miller WR.")


def test_organisations_stay_whole(client, tmp_path):
    document = imported(
        tmp_path,
        "org.json",
        csl(title="A body's report (test record)", author=[{"literal": "Example Health Board"}]),
    )
    author = document.authorships.get()
    assert (author.family, author.corporate, author.name) == (
        "Example Health Board",
        True,
        "Example Health Board",
    )
    ris, bib, item = exports(client, document)
    assert ris["authors"] == ["Example Health Board"]
    assert bib["author"] == "{Example Health Board}"
    assert item["author"] == [{"literal": "Example Health Board"}]


def test_editors_type_one_name_per_author_and_given_names_are_kept(editor_client, demo):
    document = Document.objects.get(slug="timko-debenedetti-2007-intensive-referral")
    url = f"/admin/studies/document/{document.pk}/change/"
    data = form_data(editor_client.get(url))
    typed = {k: v for k, v in data.items() if k.startswith("authorships-") and k.endswith("-name")}
    assert sorted(typed.values()) == ["DeBenedetti, A.", "Timko, C."]  # as the parts hold them
    first = next(k for k, v in typed.items() if v == "Timko, C.")
    data[first] = "Timko, Christine"
    data["change_note"] = "Full given name from the journal's page"
    assert editor_client.post(url, data).status_code == 302
    assert list(document.authorships.order_by("position").values_list("given", "name")) == [
        ("Christine", "Timko C."),
        ("A.", "DeBenedetti A."),
    ]
    # Saved again unchanged, the full name stays.
    data = form_data(editor_client.get(url))
    assert "Timko, Christine" in data.values()
    assert editor_client.post(url, data).status_code == 302
    assert document.authorships.get(position=0).given == "Christine"
    # The picker finds it by the given name.
    assert document in Document.objects.for_pickers("Christine")
    # Punctuation alone is not a name: the form says so and keeps what was typed.
    data[first] = " ; "
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "Type the author&#x27;s name, or leave the row empty." in response.text
    assert document.authorships.get(position=0).given == "Christine"


def test_a_line_et_al_in_the_import_form_is_not_an_author(editor_client):
    url = "/admin/studies/document/import/"
    read = editor_client.post(url, {"records": PSYCINFO_RIS, "_read": "1"})
    from tests.test_import import review_forms

    data = review_forms(read)
    assert data["form-0-authors"] == "Testwell, Christine"
    data.update({"form-0-authors": "Testwell, Christine\net al.", "_create": "1"})
    editor_client.post(url, data)
    document = Document.objects.get(title="A record from a database (test record)")
    assert list(document.authorships.values_list("name", flat=True)) == ["Testwell C."]


def test_the_search_finds_a_document_by_an_authors_given_name(client, tmp_path):
    imported(
        tmp_path,
        "one.json",
        csl(
            title="Quokka referral (test record)",
            author=[{"family": "Timko", "given": "Christine"}],
        ),
    )
    from search.indexing import reindex_documents

    reindex_documents(Document.objects.values_list("pk", flat=True))
    tree = page(client.get("/search/?q=christine"))
    assert [a.clean_text for a in tree.find_all("a", class_="result-title")] == [
        "Quokka referral (test record)"
    ]


@pytest.mark.django_db(transaction=True)
def test_names_and_dates_stored_before_are_converted_without_inventing_anything():
    import datetime

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([("studies", "0003_document_title_key")])
    apps = executor.loader.project_state([("studies", "0003_document_title_key")]).apps
    OldDocument = apps.get_model("studies", "Document")
    OldAuthor = apps.get_model("studies", "DocumentAuthor")
    rows = {
        "a": (2020, datetime.date(2020, 8, 4)),  # the online date, in the citation's year
        "b": (2019, datetime.date(2019, 3, 1)),  # a month stored as its 1st
        "c": (2021, datetime.date(2020, 12, 2)),  # online the year before its issue
        "d": (2018, None),
    }
    for slug, (year, published_on) in rows.items():
        document = OldDocument.objects.create(
            slug=slug, kind="study", title=slug, year=year, published_on=published_on
        )
        for position, name in enumerate(
            ["Barreto N.B.", "Miller WR.", "King ML Jr.", "Example Health Board", "Plato"]
        ):
            OldAuthor.objects.create(document=document, name=name, position=position)
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    finally:  # leave the database as the other tests expect it
        call_command("migrate", verbosity=0)
    authors = Document.objects.get(slug="a").authorships.order_by("position")
    assert [(a.family, a.given, a.suffix, a.corporate, a.name) for a in authors] == [
        ("Barreto", "N. B.", "", False, "Barreto N.B."),
        ("Miller", "W. R.", "", False, "Miller W.R."),  # initials only, as stored
        ("King", "M. L.", "Jr.", False, "King M.L. Jr."),
        ("Example Health Board", "", "", True, "Example Health Board"),
        ("Plato", "", "", False, "Plato"),
    ]
    dates = {d.slug: (d.issued, d.published_online) for d in Document.objects.all()}
    assert dates == {
        "a": ("2020-08-04", ""),
        "b": ("2019-03", ""),  # the day may have been padding: not claimed
        "c": ("", "2020-12-02"),
        "d": ("", ""),
    }


# --- DOIs --------------------------------------------------------------------------------


def test_the_doi_is_kept_and_shown_as_given_and_still_matches_in_any_case(client, tmp_path):
    doi = "10.1002/14651858.CD012880.pub2"
    document = imported(tmp_path, "one.json", csl(title="A DOI in capitals (test record)", DOI=doi))
    assert document.doi == doi
    tree = page(client.get(document.get_absolute_url()))
    link = tree.find("span", class_="doi").find("a")
    assert (link.clean_text, link["href"]) == (doi, f"https://doi.org/{doi}")
    assert meta(tree, "citation_doi") == [doi]
    again = tmp_path / "again.json"
    again.write_text(csl(title="Another title (test record)", DOI=doi.lower()), encoding="utf-8")
    call_command("import_citations", str(again))
    assert Document.objects.count() == 1  # a duplicate, found whatever the case


# --- Dates -------------------------------------------------------------------------------


def test_a_month_only_date_never_claims_a_day(client, tmp_path):
    document = imported(
        tmp_path,
        "one.json",
        csl(title="A March issue (test record)", volume="3", issued={"date-parts": [[2002, 3]]}),
    )
    assert (document.year, document.issued) == (2002, "2002-03")
    ris, bib, item = exports(client, document)
    assert (ris["year"], ris["date"]) == ("2002", "2002/03//")
    assert (bib["year"], bib["month"], bib["date"]) == ("2002", "mar", "2002-03")
    assert item["issued"] == {"date-parts": [[2002, 3]]}
    tree = page(client.get(document.get_absolute_url()))
    assert meta(tree, "citation_publication_date") == ["2002/03"]
    data = json.loads(tree.find("script", type="application/ld+json").text)
    assert data["datePublished"] == "2002-03"
    time = tree.find("dl", class_="document-dates").find("time")
    assert (time["datetime"], time.clean_text) == ("2002-03", "March 2002")


def test_document_pages_show_publication_dates_and_last_updated(client, demo):
    tree = page(client.get(f"/documents/{STUDY}/"))
    dates = tree.find("dl", class_="document-dates")
    shown = [
        (div.find("dt").clean_text, div.find("time")["datetime"], div.find("time").clean_text)
        for div in dates.find_all("div")
    ]
    assert shown == [
        ("Published", "2020-10-01", "1 October 2020"),  # seed 000: 2020 Oct 1
        ("Published online", "2020-08-04", "4 August 2020"),  # seed 000: Epub 2020 Aug 4
        ("Added to the bank", "2020-12-14", "14 December 2020"),
        ("Last updated", "2025-03-10", "10 March 2025"),  # its last revision for readers
    ]
    # A document known only by its year shows the year.
    tree = page(client.get("/documents/nice-2011-alcohol-commissioning/"))
    published = tree.find("dl", class_="document-dates").find("time")
    assert (published["datetime"], published.clean_text) == ("2011", "2011")


# --- Accession numbers and what was left out -----------------------------------------------

PSYCINFO_RIS = "\n".join(
    [
        "TY  - JOUR",
        "TI  - A record from a database (test record)",
        "AU  - Testwell, Christine",
        "PY  - 2002",
        "T2  - Journal of Example Studies",
        "AN  - 0000-12345-001",
        "DB  - APA PsycInfo",
        "SN  - 0000-0000",
        "LA  - English",
        "ER  - ",
        "",
    ]
)


def test_an_accession_number_is_kept_and_what_is_left_out_is_reported(client, tmp_path, capsys):
    document = imported(tmp_path, "one.ris", PSYCINFO_RIS)
    out = capsys.readouterr().out
    assert (document.accession_number, document.accession_database) == (
        "0000-12345-001",
        "APA PsycInfo",
    )
    assert 'not kept: SN (ISSN or ISBN) "0000-0000"; LA (language) "English"' in out
    comment = Version.objects.get_for_object(document).first().revision.comment
    assert 'Not kept from the record: SN (ISSN or ISBN) "0000-0000"' in comment  # its history
    tree = page(client.get(document.get_absolute_url()))
    assert tree.find("span", class_="accession").clean_text == (
        "Accession number (APA PsycInfo): 0000-12345-001"
    )
    ris, _, item = exports(client, document)
    assert (ris["accession_number"], ris["name_of_database"]) == ("0000-12345-001", "APA PsycInfo")
    assert (item["archive_location"], item["archive"]) == ("0000-12345-001", "APA PsycInfo")


def test_the_admin_import_says_what_each_record_left_out(editor_client):
    response = editor_client.post(
        "/admin/studies/document/import/", {"records": PSYCINFO_RIS, "_read": "1"}
    )
    note = page(response).find("p", class_="import-left-out")
    assert 'SN (ISSN or ISBN) "0000-0000"; LA (language) "English"' in note.clean_text


# --- Reviews ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "journal",
    [
        "Cochrane Database of Systematic Reviews",
        "The Cochrane database of systematic reviews",
        "Cochrane Database Syst Rev",
        "Campbell Systematic Reviews",
        "Campbell Syst Rev",
        "Systematic Reviews",
        "Syst Rev",
        "JBI Evidence Synthesis",
        "Annual Review of Clinical Psychology",
        "Current Opinion in Psychiatry",
    ],
)
def test_review_sources_are_reviews(journal):
    assert kind_of("Mutual aid for alcohol problems", ["Journal Article"], journal) == "review"


@pytest.mark.parametrize("journal", ["Drug and Alcohol Review", "Addiction", ""])
def test_other_journals_decide_nothing(journal):
    assert kind_of("Mutual aid for alcohol problems", ["Journal Article"], journal) == "study"


def test_a_cochrane_record_is_imported_as_a_review(tmp_path):
    medline = (
        "PMID- 99999962\nTI  - Mutual aid for alcohol problems (test record).\n"
        "DP  - 2020 Mar 11\nPT  - Journal Article\nTA  - Cochrane Database Syst Rev\n"
        "JT  - The Cochrane database of systematic reviews\n"
    )
    assert imported(tmp_path, "one.nbib", medline).kind == "review"


# --- Citations --------------------------------------------------------------------------

ITEM = {
    "id": "x",
    "type": "article-journal",
    "title": "A test title",
    "container-title": "J Example",
    "volume": "9",
    "page": "1-9",
}


def test_vancouver_dates_are_spaced_as_the_style_says():
    item = {**ITEM, "author": [{"family": "Testwell", "given": "Christine"}]}
    day = render({**item, "issued": {"date-parts": [[2006, 5, 1]]}}, "vancouver")
    assert "J Example. 2006 May 1;9:1–9." in day
    month = render({**item, "issued": {"date-parts": [[2006, 5]]}}, "vancouver")
    assert "J Example. 2006 May;9:1–9." in month


def test_apa_with_no_authors_does_not_repeat_the_title():
    text = render({**ITEM, "issued": {"date-parts": [[2006]]}}, "apa")
    assert text == "A test title. (2006). <i>J Example</i>, <i>9</i>, 1–9."


def test_a_title_ending_in_a_question_mark_takes_no_period_after_it(client, demo):
    item = {**ITEM, "title": "Does it matter?", "issued": {"date-parts": [[2000]]}}
    assert render(item, "apa") == "Does it matter? (2000). <i>J Example</i>, <i>9</i>, 1–9."
    item["author"] = [{"family": "Testwell", "given": "C."}]
    assert "Does it matter? J Example." in render(item, "vancouver")
    html = client.get("/documents/fiorentine-2000-twelve-step-ideology/").content.decode()
    assert "ideology matter? <i>Substance Use and Misuse</i>" in html
    assert "matter?." not in html


def test_an_author_list_cut_short_never_ends_with_its_last_listed_author(client, demo):
    tree = page(client.get(f"/documents/{STUDY}/"))  # seven names and "et al." (seed 001)
    styles = {
        s.find("h3").clean_text: s.find("textarea").text
        for s in tree.find_all("div", class_="cite-style")
    }
    apa, vancouver = styles["APA (7th edition)"], styles["Vancouver"]
    assert "&" not in apa
    assert apa.startswith(
        "Humphreys, K., Barreto, N. B., Alessi, S. M., Carroll, K. M., Crits-Christoph, P., "
        "Donovan, D. M., Kelly, J. F., et al. (2020)."
    )
    assert vancouver.startswith(
        "Humphreys K, Barreto NB, Alessi SM, Carroll KM, Crits-Christoph P, Donovan DM, et al."
    )
    three = {
        **ITEM,
        "author": [{"family": n, "given": "A."} for n in ("Ab", "Cd", "Ef")],
        "custom": {"et-al": True},
    }
    assert render(three, "vancouver").startswith("Ab A, Cd A, Ef A, et al. A test title.")
    assert render(three, "apa").startswith("Ab, A., Cd, A., Ef, A., et al. (n.d.).")


# --- Files that cannot be read, and fields of the wrong type --------------------------------


def test_a_file_with_a_nul_byte_is_refused_in_one_line_with_status_1(tmp_path):
    path = tmp_path / "records.ris"
    path.write_bytes(b"TY  - JOUR\nTI  - A title\x00 (test record)\nER  - \n")
    done = subprocess.run(
        [sys.executable, "manage.py", "import_citations", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={
            "DJANGO_SETTINGS_MODULE": "config.test_settings",
            "DATABASE_URL": "sqlite://:memory:",  # never the developer's own database
            "PATH": "/usr/bin:/bin",
        },
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        f"CommandError: {path}: not read: it holds a NUL byte (0x00, line 2), so it is not a "
        "text file of records."
    ]


@pytest.mark.parametrize(
    "raw, reason",
    [
        (b"TY  - JOUR\nTI  - Caf\xe9\nER  - \n", "it is not UTF-8 text (byte 0xE9 at position "
                                                "21 is not UTF-8): save it as UTF-8 and try again"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "it is a PDF, not a text file of records"),
        ("TY  - JOUR\n".encode("utf-16"), "it is UTF-16 text, not UTF-8: save it as UTF-8 and "
                                          "try again"),
    ],
)  # fmt: skip
def test_files_that_are_not_utf8_text_are_refused_before_anything_is_imported(
    tmp_path, raw, reason
):
    good = tmp_path / "good.ris"
    good.write_text(PSYCINFO_RIS, encoding="utf-8")
    bad = tmp_path / "bad.ris"
    bad.write_bytes(raw)
    with pytest.raises(CommandError) as caught:
        call_command("import_citations", str(good), str(bad))
    assert caught.value.returncode == 1
    assert str(caught.value) == f"{bad}: not read: {reason}."
    assert not Document.objects.exists()


def test_an_upload_that_is_not_text_is_named_and_the_rest_is_read(editor_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("records.ris", b"TY  - JOUR\x00\n", "application/x-ris")
    response = editor_client.post(
        "/admin/studies/document/import/",
        {"records": PSYCINFO_RIS, "files": [upload], "_read": "1"},
    )
    tree = page(response)
    assert "records.ris: not read: it holds a NUL byte" in tree.find(class_="errornote").clean_text
    assert tree.find("input", name="form-TOTAL_FORMS")["value"] == "1"


def test_an_author_list_that_is_text_is_an_error_not_seven_authors(tmp_path, capsys):
    document = imported(
        tmp_path,
        "one.json",
        csl(title="Names of the wrong type (test record)", author="notalist", DOI="10.5555/x.1"),
    )
    out = capsys.readouterr().out
    assert (
        'note: record 1 (CSL-JSON, "Names of the wrong type (test record)"): author is text '
        '("notalist"), not a list of names' in out
    )
    assert document.authorships.count() == 0
    assert document.doi == "10.5555/x.1"  # the rest of the record is imported
