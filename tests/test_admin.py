"""Editors work in the admin: cells with entries and bite sections inline, markup errors."""

import pytest

from matrix.models import CellEntry
from tests.admin_forms import cell_change_url, entry_index, form_data
from tests.htmlparse import ids, page

pytestmark = pytest.mark.django_db


def test_editor_opens_cell_with_entries_and_bite_inline(editor_client, e4):
    response = editor_client.get(cell_change_url(e4))
    assert response.status_code == 200
    text = response.text
    assert 'name="entries-0-roles"' in text and 'type="checkbox"' in text
    assert "bite_sections-0-body" in text
    assert "View on site" in text
    assert "/admin/guide/markup/" in text  # the markup cheat sheet sits under markup fields


def test_broken_reference_is_an_error_naming_it_and_the_text_is_kept(editor_client, e4):
    entry = e4.entries.order_by("order").first()
    before = entry.annotation
    data = form_data(editor_client.get(cell_change_url(e4)))
    i = entry_index(data, entry)
    typed = "See [the missing study](doc:no-such-study) and [gone](#no-such-passage)."
    data[f"entries-{i}-annotation"] = typed
    response = editor_client.post(cell_change_url(e4), data)
    assert response.status_code == 200
    assert "Broken link &#x27;doc:no-such-study&#x27;: there is no document" in response.text
    assert "there is no passage &#x27;no-such-passage&#x27; on this page" in response.text
    assert "the missing study](doc:no-such-study)" in response.text  # what was typed is kept
    entry.refresh_from_db()
    assert entry.annotation == before


def test_section_added_and_linked_in_the_same_save(editor_client, e4):
    data = form_data(editor_client.get(cell_change_url(e4)))
    total = int(data["bite_sections-TOTAL_FORMS"])
    data.update(
        {
            "bite_sections-TOTAL_FORMS": str(total + 1),
            f"bite_sections-{total}-kind": "issue",
            f"bite_sections-{total}-heading": "Who pays for aftercare?",
            f"bite_sections-{total}-anchor": "who-pays",
            f"bite_sections-{total}-body": "A new question for commissioners. {#who-pays-question}",
            f"bite_sections-{total}-order": "99",
        }
    )
    entry = e4.entries.order_by("order").first()
    i = entry_index(data, entry)
    data[f"entries-{i}-annotation"] = (
        "Discussed [below](#who-pays) ([the question](#who-pays-question))."
    )
    response = editor_client.post(cell_change_url(e4), data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    entry.refresh_from_db()
    assert 'href="/matrices/alcohol/E4/?bite=open#who-pays"' in entry.annotation_html
    assert e4.bite_sections.filter(anchor="who-pays").exists()


def test_roles_are_checkboxes_stored_in_legend_order(editor_client, e4):
    entry = e4.entries.order_by("order").first()
    data = form_data(editor_client.get(cell_change_url(e4)))
    i = entry_index(data, entry)
    data[f"entries-{i}-roles"] = ["G", "S"]
    response = editor_client.post(cell_change_url(e4), data)
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.roles == "SG"


def test_an_entry_needs_a_role(editor_client, e4):
    entry = e4.entries.order_by("order").first()
    data = form_data(editor_client.get(cell_change_url(e4)))
    data.pop(f"entries-{entry_index(data, entry)}-roles")
    response = editor_client.post(cell_change_url(e4), data)
    assert response.status_code == 200
    assert "This field is required." in response.text
    assert CellEntry.objects.get(pk=entry.pk).roles == entry.roles


def test_document_slug_is_fixed_once_created(editor_client, demo):
    response = editor_client.get("/admin/studies/document/")
    assert response.status_code == 200
    from studies.models import Document

    document = Document.objects.get(slug="timko-debenedetti-2007-intensive-referral")
    page = editor_client.get(f"/admin/studies/document/{document.pk}/change/")
    assert page.status_code == 200
    assert 'name="slug"' not in page.text  # read-only: links name documents by slug


@pytest.mark.parametrize(
    "url, status",
    [
        ("/admin/matrix/cell/", 200),
        ("/admin/studies/document/?q=Timko", 200),
        ("/admin/topics/hottopic/", 200),
        ("/admin/matrix/chart/", 200),
        ("/admin/feedback/editormessage/", 200),
        ("/admin/markup/anchor/?q=E4", 200),
        ("/admin/auth/user/", 403),
        ("/admin/auth/group/", 403),
    ],
)
def test_editors_edit_content_but_not_users(editor_client, url, status):
    assert editor_client.get(url).status_code == status


def section_index(data, anchor):
    for key, value in data.items():
        if key.startswith("bite_sections-") and key.endswith("-anchor") and value == anchor:
            return key.split("-")[1]
    raise AssertionError("section not in the form")


def test_renaming_a_linked_section_anchor_is_refused_naming_the_links(editor_client, e4):
    data = form_data(editor_client.get(cell_change_url(e4)))
    i = section_index(data, "aftercare-mutual-aid")
    data[f"bite_sections-{i}-anchor"] = "aftercare"
    response = editor_client.post(cell_change_url(e4), data)
    assert response.status_code == 200
    assert "“cell:alcohol/E4#aftercare-mutual-aid” is linked from" in response.text
    assert "change that link first" in response.text
    assert e4.bite_sections.filter(anchor="aftercare-mutual-aid").exists()


def test_deleting_a_linked_section_is_refused(editor_client, e4):
    data = form_data(editor_client.get(cell_change_url(e4)))
    i = section_index(data, "care-coordination")
    data[f"bite_sections-{i}-DELETE"] = "on"
    response = editor_client.post(cell_change_url(e4), data)
    assert response.status_code == 200
    assert "Cannot delete: “cell:alcohol/E4#care-coordination” is linked from" in response.text
    assert e4.bite_sections.filter(anchor="care-coordination").exists()


def test_deleting_a_linked_document_is_refused_naming_the_links(editor_client, demo):
    from studies.models import Document

    guideline = Document.objects.get(slug="nice-2011-cg115")
    url = f"/admin/studies/document/{guideline.pk}/delete/"
    page = editor_client.get(url)
    assert page.status_code == 200
    assert "“doc:nice-2011-cg115” is linked from cell entry" in page.text
    editor_client.post(url, {"post": "yes"})
    assert Document.objects.filter(pk=guideline.pk).exists()


def test_deleting_a_placed_chart_is_refused(editor_client, demo):
    from matrix.models import Chart

    chart = Chart.objects.get(slug="timko-2007-referral-outcomes")
    url = f"/admin/matrix/chart/{chart.pk}/delete/"
    assert "“chart:timko-2007-referral-outcomes” is linked from bite section" in (
        editor_client.get(url).text
    )
    editor_client.post(url, {"post": "yes"})
    assert Chart.objects.filter(pk=chart.pk).exists()


def test_an_unlinked_section_can_be_deleted(editor_client, e4):
    from tests.factories import make_section

    make_section(e4, kind="issue", heading="Spare", anchor="spare", body="Nothing links here.")
    data = form_data(editor_client.get(cell_change_url(e4)))
    data[f"bite_sections-{section_index(data, 'spare')}-DELETE"] = "on"
    assert editor_client.post(cell_change_url(e4), data).status_code == 302
    assert not e4.bite_sections.filter(anchor="spare").exists()


def test_editors_can_see_what_links_to_a_target(editor_client):
    response = editor_client.get("/admin/markup/link/?q=doc:nice-2011-cg115")
    assert response.status_code == 200
    assert "cell entry" in response.text


def test_view_on_site_everywhere_content_is_shown(editor_client, e4):
    from studies.models import DocumentSection

    section = e4.bite_sections.get(anchor="care-coordination")
    entry = e4.entries.order_by("order").first()
    part = DocumentSection.objects.get(anchor="findings")
    for model, obj in (
        ("matrix/bitesection", section),
        ("matrix/cellentry", entry),
        ("studies/documentsection", part),
        ("matrix/cell", e4),
    ):
        page = editor_client.get(f"/admin/{model}/{obj.pk}/change/")
        assert page.status_code == 200
        assert "View on site" in page.text, model
    assert section.get_absolute_url() == "/matrices/alcohol/E4/?bite=open#care-coordination"


def test_every_admin_form_ties_its_aria_references_to_ids_on_the_page(admin_client, demo):
    """A screen reader reads a field's help from the id its aria-describedby names. Django's
    fieldset names "_helptext" for a group of radio buttons or check boxes and leaves their
    help without an id, and its tabular inlines name help that is only on the column's
    heading (templates/admin/ mends both): every reference, on every add page and on one
    change page of each model, names an id that is there."""
    from django.contrib import admin
    from django.urls import reverse

    checked, missing = 0, []
    for model in admin.site._registry:
        meta = model._meta
        addresses = [reverse(f"admin:{meta.app_label}_{meta.model_name}_add")]
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            addresses.append(
                reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[first.pk])
            )
        for address in addresses:
            response = admin_client.get(address)
            if response.status_code != 200:
                continue  # no add page (a log, a record of runs): 403
            tree = page(response)
            present = set(ids(tree))
            for node in tree.iter():
                missing += [
                    f"{address}: <{node.tag}> names #{name}"
                    for name in node.get("aria-describedby", "").split()
                    # Django's date and time widgets name the time-zone warning its script
                    # adds only when the editor's clock is in another zone than the site's.
                    if name not in present and not name.endswith("_timezone_warning_helptext")
                ]
            checked += 1
    assert checked > 20
    assert not missing, "\n".join(missing)
