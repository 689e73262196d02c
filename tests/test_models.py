"""Model rules: derived codes and titles, roles, ordering, bite sections, the Editors group."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from matrix.models import ROLE_ORDER, BiteSection, Cell, CellEntry, Role
from studies.models import Document
from tests.factories import get_cell, make_document, make_entry, make_matrix, make_section

pytestmark = pytest.mark.django_db


@pytest.fixture
def alcohol():
    return make_matrix("alcohol", "Alcohol")


@pytest.fixture
def cell(alcohol):
    return get_cell(alcohol, "E4")


def errors_of(instance):
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return caught.value.message_dict


# Cells: code and title are derived from the column and row, not stored.


def test_matrix_has_its_25_cells_and_a_derived_title(alcohol):
    assert alcohol.title == "Alcohol Treatment Matrix"
    assert str(alcohol) == "Alcohol Treatment Matrix"
    assert alcohol.cells.count() == 25
    codes = sorted(cell.code for cell in Cell.objects.with_labels().filter(matrix=alcohol))
    assert codes == sorted(f"{c}{r}" for c in "ABCDE" for r in range(1, 6))


def test_cell_code_and_full_title_are_derived(cell):
    assert cell.code == "E4"
    assert cell.key == "alcohol/E4"
    assert cell.short_title == "Treatment systems; Psychosocial therapies"
    assert (
        cell.title == "Alcohol Treatment Matrix cell E4: Treatment systems; Psychosocial therapies"
    )
    assert str(cell) == cell.title
    assert cell.get_absolute_url() == "/matrices/alcohol/E4/"
    assert "code" not in {field.name for field in Cell._meta.get_fields()}
    assert "title" not in {field.name for field in Cell._meta.get_fields()}


def test_cell_title_follows_a_renamed_row(cell):
    cell.row.name = "Talking therapies"
    cell.row.save()
    assert get_cell("alcohol", "E4").title == (
        "Alcohol Treatment Matrix cell E4: Treatment systems; Talking therapies"
    )


def test_label_override_replaces_the_column_name_in_the_title():
    drug = make_matrix("drug", "Drug", legacy_folder="Drugs")
    e1 = get_cell(drug, "E1")
    e1.label_override = "Local and national systems"
    e1.save()
    e1 = get_cell(drug, "E1")
    assert e1.title == (
        "Drug Treatment Matrix cell E1: Local and national systems; "
        "Screening and brief intervention"
    )
    assert get_cell(drug, "E2").column_label == "Treatment systems"


def test_neighbours_are_the_cells_left_right_above_and_below(alcohol, cell):
    siblings = {c.code: c for c in Cell.objects.with_labels().filter(matrix=alcohol)}
    neighbours = {k: (v.code if v else None) for k, v in cell.neighbours(siblings).items()}
    assert neighbours == {"left": "D4", "right": None, "up": "E3", "down": "E5"}
    corner = siblings["A1"].neighbours(siblings)
    assert (corner["left"], corner["up"], corner["right"].code, corner["down"].code) == (
        None,
        None,
        "B1",
        "A2",
    )


def test_a_column_or_row_from_another_matrix_is_rejected(alcohol, cell):
    drug = make_matrix("drug", "Drug", legacy_folder="Drugs")
    cell.column = drug.columns.get(code="A")
    with pytest.raises(ValidationError) as caught:
        cell.clean()
    assert "column" in caught.value.message_dict
    assert "another matrix" in caught.value.message_dict["column"][0]

    cell = get_cell(alcohol, "E4")
    cell.row = drug.rows.get(number=1)
    with pytest.raises(ValidationError) as caught:
        cell.clean()
    assert "row" in caught.value.message_dict


def test_a_cell_with_its_own_column_and_row_is_valid(cell):
    cell.full_clean()  # no error


# Entries: roles, primary role, ordering.


@pytest.mark.parametrize("roles", ["S", "K", "R", "G", "KR", "SG", "SKRG"])
def test_roles_in_order_are_accepted(cell, roles):
    entry = CellEntry(cell=cell, document=make_document(), roles=roles, headline="A headline")
    entry.full_clean()


def test_an_entry_needs_at_least_one_role(cell):
    entry = CellEntry(cell=cell, document=make_document(), roles="", headline="A headline")
    errors = errors_of(entry)
    assert "roles" in errors
    assert any("at least one role" in message for message in errors["roles"])


@pytest.mark.parametrize("roles", ["KS", "GR", "X", "SS", "s", "S K", "MORE"])
def test_only_s_k_r_g_in_that_order_are_roles(cell, roles):
    entry = CellEntry(cell=cell, document=make_document(), roles=roles, headline="A headline")
    errors = errors_of(entry)
    assert "roles" in errors


def test_role_order_and_labels():
    assert ROLE_ORDER == ["S", "K", "R", "G"]
    assert [role.label for role in Role] == [
        "Seminal studies",
        "Key studies",
        "Reviews",
        "Guidance",
    ]
    assert Role("G").description == "research-based practice guidelines"


def test_primary_role_is_the_first_role(cell):
    entry = make_entry(cell, roles="KRG")
    assert entry.primary_role == "K"
    assert entry.role_list == ["K", "R", "G"]
    assert str(entry) == f"KRG {entry.headline}"


def test_entries_come_in_their_order_then_as_added(cell):
    third = make_entry(cell, order=3, headline="third")
    first = make_entry(cell, order=1, headline="first")
    second_a = make_entry(cell, order=2, headline="second a")
    second_b = make_entry(cell, order=2, headline="second b")
    assert list(cell.entries.all()) == [first, second_a, second_b, third]
    assert list(CellEntry.objects.filter(cell=cell)) == [first, second_a, second_b, third]


def test_an_entry_has_an_anchor_from_its_document(cell):
    entry = make_entry(cell, document=make_document(slug="manning-2012"))
    assert entry.anchor == "entry-manning-2012"
    assert entry.own_anchors() == ["entry-manning-2012"]


def test_a_document_sits_only_once_in_a_cell(cell):
    document = make_document()
    make_entry(cell, document=document)
    duplicate = CellEntry(cell=cell, document=document, roles="K", headline="Again")
    errors = errors_of(duplicate)
    assert "__all__" in errors


def test_the_same_document_can_sit_in_several_cells_with_different_headlines(alcohol):
    document = make_document()
    make_entry(get_cell(alcohol, "E4"), document=document, headline="In E4", roles="K")
    make_entry(get_cell(alcohol, "A4"), document=document, headline="In A4", roles="R")
    assert sorted(document.cell_entries.values_list("headline", "roles")) == [
        ("In A4", "R"),
        ("In E4", "K"),
    ]


# Bite sections.


@pytest.mark.parametrize(
    "kind, heading",
    [
        ("about", "What is this cell about?"),
        ("start", "Where should I start?"),
        ("highlighted", "Highlighted study"),
    ],
)
def test_a_bite_section_heading_defaults_from_its_kind(cell, kind, heading):
    section = make_section(cell, kind=kind)
    assert section.heading == ""
    assert section.display_heading == heading
    assert str(section) == heading
    section.heading = "Our own heading"
    assert section.display_heading == "Our own heading"


def test_an_issue_needs_a_heading(cell):
    section = BiteSection(cell=cell, kind="issue", anchor="an-issue", body="Text.")
    errors = errors_of(section)
    assert errors["heading"] == ["An issue needs a heading."]
    section.heading = "Should we?"
    section.full_clean()
    assert section.is_issue


@pytest.mark.parametrize("anchor", ["bite", "main", "entries", "top", "legend", "search", "nav"])
def test_reserved_anchors_are_rejected(cell, anchor):
    section = BiteSection(cell=cell, kind="about", anchor=anchor, body="Text.")
    errors = errors_of(section)
    assert "anchor" in errors
    assert anchor in errors["anchor"][0]


@pytest.mark.parametrize("anchor", ["Bad_Anchor", "1st-issue", "-issue", "UPPER"])
def test_invalid_anchors_are_rejected(cell, anchor):
    section = BiteSection(cell=cell, kind="about", anchor=anchor, body="Text.")
    assert "anchor" in errors_of(section)


def test_bite_section_anchors_are_unique_within_a_cell(cell):
    make_section(cell, kind="about", anchor="about")
    again = BiteSection(cell=cell, kind="start", anchor="about", body="Text.")
    assert "__all__" in errors_of(again)


def test_bite_sections_render_their_body_on_save(cell):
    section = make_section(cell, kind="issue", heading="Q?", anchor="q", body="Some *text*.")
    section.refresh_from_db()
    assert section.body_html == "<p>Some <em>text</em>.</p>"


# Documents.


def test_guidance_issuer_carries_its_jurisdiction():
    nice = Document(
        slug="nice",
        kind="guidance",
        title="Guidance",
        source="National Institute for Health and Care Excellence",
        jurisdiction="UK",
    )
    assert nice.issuer == "[UK] National Institute for Health and Care Excellence"
    nice.jurisdiction = ""
    assert nice.issuer == "National Institute for Health and Care Excellence"


def test_document_citation_helpers():
    document = make_document(
        authors=["Timko C.", "DeBenedetti A."], year=2007, doi="10.1016/j.drugalcdep.2007.04.007"
    )
    assert document.author_names() == ["Timko C.", "DeBenedetti A."]
    assert document.short_citation == "Timko C. and DeBenedetti A. 2007"
    assert document.doi_url == "https://doi.org/10.1016/j.drugalcdep.2007.04.007"
    many = make_document(authors=["A.", "B.", "C."], year=2020)
    assert many.short_citation == "A. et al. 2020"
    cut = make_document(authors=["A."], authors_et_al=True, year=2020)
    assert cut.author_names() == ["A.", "et al."]
    assert not cut.is_consultation_draft
    assert make_document(status="consultation").is_consultation_draft


# The Editors group.


def test_editors_group_exists_after_migrate_with_content_permissions_only():
    editors = Group.objects.get(name="Editors")
    codes = set(editors.permissions.values_list("content_type__app_label", "codename").distinct())
    apps = {app for app, _ in codes}
    for app, model in [
        ("matrix", "cell"),
        ("matrix", "cellentry"),
        ("matrix", "bitesection"),
        ("matrix", "chart"),
        ("studies", "document"),
        ("topics", "hottopic"),
        ("feedback", "editormessage"),
    ]:
        for action in ("add", "change", "delete", "view"):
            assert (app, f"{action}_{model}") in codes, f"Editors cannot {action} {app}.{model}"
    assert "auth" not in apps
    assert not apps & {"admin", "contenttypes", "sessions"}
