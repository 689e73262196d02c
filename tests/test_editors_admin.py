"""What an editor expects of the admin: a dashboard, pickers that tell documents apart, the
markup guide with live examples, finding what to link to, plural names that read right."""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.utils import timezone

from feedback.models import EditorMessage
from studies.models import Document
from tests.factories import get_cell, make_document
from tests.htmlparse import page

pytestmark = pytest.mark.django_db


def test_plural_names_are_correct_throughout_the_admin(editor_client):
    names = []
    for model, model_admin in admin.site._registry.items():
        names.append(str(model._meta.verbose_name_plural))
        for inline in model_admin.inlines:
            instance = inline(model, admin.site)
            names.append(str(instance.verbose_name_plural))
    assert "featured studies" in names
    wrong = [n for n in names if n.endswith(("ys", "sss", "ss")) and not n.endswith("ies")]
    assert wrong == []
    assert (
        "Featured studys"
        not in editor_client.get(
            f"/admin/studies/document/{Document.objects.first().pk}/change/"
        ).text
    )


def test_pickers_tell_documents_with_the_same_title_apart(editor_client, demo):
    make_document(slug="twin-2001", title="Twins in treatment", year=2001, authors=["Able A."])
    make_document(
        slug="twin-2019",
        title="Twins in treatment",
        year=2019,
        authors=["Baker B."],
        doi="10.5555/twins",
    )
    response = editor_client.get(
        "/admin/autocomplete/?term=Twins&app_label=matrix&model_name=cellentry&field_name=document"
    )
    labels = [r["text"] for r in response.json()["results"]]
    assert "Twins in treatment · Baker B., 2019 · doi:10.5555/twins" in labels
    assert "Twins in treatment · Able A., 2001" in labels


def test_the_editors_dashboard_is_their_home_page(editor_client, demo):
    today = timezone.localdate()
    EditorMessage.objects.create(
        kind="comment", name="Ann", email="ann@example.org", message="Hello"
    )
    consult = make_document(slug="consulted", title="Out for comment", status="consultation")
    consult.consultation_closes = today + timedelta(days=3)
    consult.save()
    later = make_document(slug="later", title="Comes out later", status="draft")
    later.publish_at = timezone.now() + timedelta(days=2)
    later.save()
    e4 = get_cell("alcohol", "E4")
    e4.review_due = today - timedelta(days=1)
    e4.save()
    tree = page(editor_client.get("/admin/"))
    dashboard = tree.find(id="dashboard").clean_text
    assert "Messages from readers not yet handled (1)" in dashboard
    assert "Out for comment" in dashboard
    assert "Comes out later" in dashboard
    cells = tree.find(id="dashboard").find_all("table")[-1].find_all("tr")
    first = cells[1].clean_text
    assert "Alcohol E4" in first and "overdue" in first
    assert "2012" in first  # newest seminal or key study in E4 (Manning and others 2012)


def test_the_markup_guide_is_a_page_with_live_examples(editor_client, demo):
    response = editor_client.get("/admin/guide/markup/")
    assert response.status_code == 200
    tree = page(response)
    frames = tree.find_all("iframe")
    assert len(frames) >= 8
    rendered = " ".join(frame["srcdoc"] for frame in frames)
    assert 'class="note"' in rendered and 'class="supplement"' in rendered
    assert 'href="/documents/timko-debenedetti-2007-intensive-referral/"' in rendered


def test_finding_what_to_link_to_by_name(editor_client, demo):
    tree = page(editor_client.get("/admin/guide/links/?q=timko"))
    codes = [c.text for c in tree.find_all("code")]
    assert any("(doc:timko-debenedetti-2007-intensive-referral)" in c for c in codes)
    assert "[[chart:timko-2007-referral-outcomes]]" in codes
    cells = editor_client.get("/admin/guide/links/?q=E4&format=json").json()["results"]
    assert any(r["reference"] == "cell:alcohol/E4" for r in cells)
    places = editor_client.get("/admin/guide/links/?q=aftercare&format=json").json()["results"]
    assert any(r["reference"] == "cell:alcohol/E4#aftercare-mutual-aid" for r in places)
