"""What a careful reader noticed (issue 21), each with the test that would have caught it:
the site's edges (/favicon.ico, /documents/), the demo's facts kept to the seeds, the cell
page's order and actions, the document page's order and featured studies, the brief's
picker."""

import pytest

from matrix.models import Cell
from studies.models import Document

from .htmlparse import page

pytestmark = pytest.mark.django_db

E4 = "/matrices/alcohol/E4/"


def test_favicon_ico_answers_with_an_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/vnd.microsoft.icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # the ICO header


def test_documents_address_leads_to_the_bank(client, demo):
    response = client.get("/documents/")
    assert response.status_code == 302
    assert response["Location"] == "/search/?sort=newest"
    listed = client.get(response["Location"])
    assert listed.status_code == 200
    count = page(listed).find("p", class_="result-count").clean_text
    public = Document.objects.public().count()
    assert count.startswith(f"{public} documents"), count
    assert "Effectiveness of Mutual Help Groups for Illicit Drug Use" in listed.content.decode()
    crumbs = page(client.get("/documents/fiorentine-1999-after-drug-treatment/"))
    links = crumbs.find("nav", class_="breadcrumbs").find_all("a")
    bank = next(a for a in links if a.clean_text == "The bank")
    assert bank["href"] == "/search/?sort=newest"


@pytest.mark.parametrize(
    "slug", ["fiorentine-2000-additive-effects", "fiorentine-2000-twelve-step-ideology"]
)
def test_the_fiorentine_papers_name_only_whom_the_seeds_name(client, demo, slug):
    document = Document.objects.get(slug=slug)
    assert document.author_names() == ["Fiorentine R.", "et al."]
    assert "Hillhouse" not in client.get(document.get_absolute_url()).content.decode()


def test_each_matrix_has_its_own_more_search(demo):
    alcohol = Cell.objects.with_labels().by_key("alcohol", "E4")
    drug = Cell.objects.with_labels().by_key("drug", "E4")
    assert alcohol.more_query and drug.more_query
    assert alcohol.more_query != drug.more_query


def test_the_briefs_cell_picker_names_each_cells_matrix(client, demo):
    tree = page(client.get("/brief/"))
    picker = tree.find("select", id="brief-add")
    labels = [o.clean_text for o in picker.find_all("option") if o.get("value")]
    assert len(labels) == len(set(labels)), "two options read the same"
    assert "Alcohol E4: Treatment systems; Psychosocial therapies" in labels
    assert "Drug E4: Treatment systems; Psychosocial therapies" in labels


def test_the_cell_page_puts_the_bite_before_its_way_out(client, demo):
    html = client.get(E4).content.decode()
    assert html.index('id="bite"') < html.index("Return to the Alcohol Treatment Matrix")
    tree = page(client.get(E4))
    footer = tree.find("footer", class_="cell-footer")
    lists = footer.find_all("ul", class_="actions")
    actions = [li.clean_text for li in lists[0].find_all("li")]
    assert actions[1].startswith("Send a comment")
    assert actions[2].startswith("Suggest a new document")
    assert actions[3].startswith("Add your name to the mailing list")
    mailing = next(
        a for a in footer.find_all("a") if a.clean_text == "Add your name to the mailing list"
    )
    assert mailing["href"] == "/subscribe/?follow=cell:alcohol/E4"
    assert client.get(mailing["href"]).status_code == 200
    # The follow form is not an item of a list whose items carry a "▶" marker.
    assert not [li for ul in lists for li in ul.find_all("li") if li.find_all("form")]


def test_the_bites_issues_headings_carry_no_false_toggle(client, demo):
    tree = page(client.get(E4 + "?bite=open"))
    headings = tree.find("details", class_="bite").find_all("h4")
    assert headings
    for heading in headings:
        assert "►" not in heading.text and "▶" not in heading.text


def test_a_documents_summary_comes_before_getting_a_copy(client, demo):
    html = client.get("/documents/humphreys-2020-twelve-step-six-trials/").content.decode()
    assert html.index('class="standfirst"') < html.index('id="copy-heading"')


def test_an_analysis_lists_its_featured_studies_in_full(client, demo):
    tree = page(client.get("/documents/nugget-4-3-mutual-supports/"))
    items = [li.clean_text for li in tree.find("section", class_="featured").find_all("li")]
    assert items[0].startswith("Fiorentine R., et al. Drug treatment and 12-step")
    assert items[0].endswith("Journal of Substance Abuse Treatment, 18, 65-74 (2000).")
