"""Old addresses (/PHP/dl.php?file=Matrix/Alcohol/E4.htm) answer 301 to the new pages."""

import pytest

from tests.htmlparse import page

pytestmark = pytest.mark.django_db

OLD = "/PHP/dl.php"


@pytest.mark.parametrize(
    "query, target",
    [
        ("file=Matrix/Alcohol/E4.htm", "/matrices/alcohol/E4/"),
        ("f=Matrix/Alcohol/E4.htm", "/matrices/alcohol/E4/"),
        ("file=Matrix/Drugs/E1.htm", "/matrices/drug/E1/"),
        ("f=Matrix/Drugs/A3.htm", "/matrices/drug/A3/"),
        ("s=mm&file=Matrix/Alcohol/B2.htm&sf=sum", "/matrices/alcohol/B2/"),
        ("file=Matrix/Alcohol/E4.htm&s=mm&sf=sum&x=1", "/matrices/alcohol/E4/"),
        ("file=Matrix%2FAlcohol%2FE4.htm", "/matrices/alcohol/E4/"),
        ("file=Matrix%252FAlcohol%252FE4.htm", "/matrices/alcohol/E4/"),
        ("f=Matrix%252FDrugs%252FC5.htm", "/matrices/drug/C5/"),
        ("file=Matrix/Alcohol/E4.html", "/matrices/alcohol/E4/"),
        ("file=Matrix/Alcohol/E4", "/matrices/alcohol/E4/"),
        ("file=matrix/alcohol/e4.htm", "/matrices/alcohol/E4/"),
        ("file=/Matrix/Alcohol/D1.htm", "/matrices/alcohol/D1/"),
        ("file=Matrix\\Alcohol\\E4.htm", "/matrices/alcohol/E4/"),
        ("file=Matrix/Alcohol/E4.htm&format=open", "/matrices/alcohol/E4/?bite=open#bite"),
        ("format=open&f=Matrix%2FDrugs%2FE1.htm", "/matrices/drug/E1/?bite=open#bite"),
    ],
)
def test_old_cell_addresses_redirect_permanently(client, demo, query, target):
    response = client.get(f"{OLD}?{query}")
    assert response.status_code == 301
    assert response["Location"] == target


def test_the_redirect_lands_on_the_cell_page(client, demo):
    response = client.get(f"{OLD}?file=Matrix/Alcohol/E4.htm&format=open", follow=True)
    assert response.redirect_chain == [("/matrices/alcohol/E4/?bite=open#bite", 301)]
    assert response.status_code == 200
    tree = page(response)
    assert tree.find("span", class_="cell-code").text == "Alcohol Treatment Matrix cell E4"
    assert "open" in tree.find("details", id="bite").attrs


def old_404(client, query):
    response = client.get(f"{OLD}?{query}" if query else OLD)
    assert response.status_code == 404
    tree = page(response)
    assert tree.find("h1").text == "That old address has no new home we know of"
    assert tree.find("a", href="/matrices/alcohol/E4/")  # shows what new addresses look like
    assert tree.find("form", role="search")
    return tree


def test_an_unknown_old_file_gets_a_helpful_404_suggesting_a_search(client, demo):
    tree = old_404(client, "file=Manning_V_3.txt")
    assert "Manning_V_3.txt" in tree.find("p", class_="lede").text
    suggestion = tree.find("a", href="/search/?q=Manning")
    assert "Manning" in suggestion.text
    assert tree.find("input", name="q")["value"] == "Manning"
    results = page(client.get("/search/?q=Manning"))
    found = [a["href"] for a in results.find_all("a", class_="result-title")]
    assert found == ["/documents/manning-2012-active-referral/"]


def test_an_unknown_old_file_in_a_folder_suggests_its_words(client, demo):
    tree = old_404(client, "f=Documents%2FTimko_C_2.txt&s=mm")
    assert tree.find("a", href="/search/?q=Timko")


@pytest.mark.parametrize(
    "query",
    [
        "file=Matrix/Tobacco/E4.htm",
        "file=Matrix/Alcohol/F4.htm",
        "file=Matrix/Alcohol/E6.htm",
        "file=Matrix/Alcohol/E4.pdf",
        "s=mm",
        "",
    ],
)
def test_other_unknown_old_addresses_are_404(client, demo, query):
    old_404(client, query)
