"""What the Editors group may do, as a member of it (not a superuser): synonym groups and
subjects included, on a new deployment and on one migrated from before."""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.management import call_command
from taggit.models import Tag

from search.models import SynonymGroup
from studies.models import Document
from subjects.models import Subject, SubjectRedirect

pytestmark = pytest.mark.django_db


def test_an_editor_adds_changes_and_deletes_a_synonym_group(editor_client, demo):
    assert editor_client.get("/admin/search/synonymgroup/").status_code == 200
    added = editor_client.post(
        "/admin/search/synonymgroup/add/",
        {"terms": "telehealth\ninternet therapy", "note": "Said both ways.", "_save": "Save"},
    )
    assert added.status_code == 302
    group = SynonymGroup.objects.get(note="Said both ways.")
    assert "blankers-2011-internet-therapy" in editor_client.get("/search/?q=telehealth").text

    changed = editor_client.post(
        f"/admin/search/synonymgroup/{group.pk}/change/",
        {"terms": "telehealth\ninternet therapy\ne-therapy", "note": "Said three ways."},
    )
    assert changed.status_code == 302
    assert SynonymGroup.objects.get(pk=group.pk).term_list() == [
        "telehealth",
        "internet therapy",
        "e-therapy",
    ]

    deleted = editor_client.post(f"/admin/search/synonymgroup/{group.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302
    assert not SynonymGroup.objects.filter(pk=group.pk).exists()


def subject_form(name, slug, redirects=0):
    return {
        "name": name,
        "slug": slug,
        "old_slugs-TOTAL_FORMS": str(redirects),
        "old_slugs-INITIAL_FORMS": str(redirects),
        "old_slugs-MIN_NUM_FORMS": "0",
        "old_slugs-MAX_NUM_FORMS": "1000",
    }


def test_an_editor_adds_renames_and_deletes_a_subject(editor_client, demo):
    assert editor_client.get("/admin/subjects/subject/").status_code == 200
    assert (
        editor_client.post(
            "/admin/subjects/subject/add/", subject_form("Telehealth", "telehealth")
        ).status_code
        == 302
    )
    subject = Subject.objects.get(slug="telehealth")

    renamed = editor_client.post(
        f"/admin/subjects/subject/{subject.pk}/change/",
        subject_form("Remote treatment", "remote-treatment"),
    )
    assert renamed.status_code == 302
    assert Subject.objects.get(pk=subject.pk).name == "Remote treatment"
    assert SubjectRedirect.objects.get(old_slug="telehealth").subject_id == subject.pk

    deleted = editor_client.post(f"/admin/subjects/subject/{subject.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302
    assert not Tag.objects.filter(pk=subject.pk).exists()


def test_an_editor_merges_subjects(editor_client, demo):
    ids = list(Tag.objects.filter(slug__in=["aftercare", "recovery"]).values_list("pk", flat=True))
    both = set(Document.objects.filter(tags__in=ids).values_list("pk", flat=True))
    form = editor_client.post(
        "/admin/subjects/subject/", {"action": "merge_selected", "_selected_action": ids}
    )
    assert form.status_code == 200 and "Keep this subject" in form.text
    keep = Tag.objects.get(slug="aftercare").pk
    done = editor_client.post(
        "/admin/subjects/subject/",
        {"action": "merge_selected", "_selected_action": ids, "merge": "1", "target": keep},
    )
    assert done.status_code == 302
    assert not Tag.objects.filter(slug="recovery").exists()
    assert set(Document.objects.filter(tags__slug="aftercare").values_list("pk", flat=True)) == (
        both
    )


def test_who_may_only_read_subjects_cannot_merge_them(client, demo):
    reader = User.objects.create_user("viewer", password="pw", is_staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="view_subject"))
    client.force_login(reader)
    ids = list(Tag.objects.filter(slug__in=["aftercare", "recovery"]).values_list("pk", flat=True))
    assert "merge_selected" not in client.get("/admin/subjects/subject/").text
    client.post(
        "/admin/subjects/subject/",
        {"action": "merge_selected", "_selected_action": ids, "merge": "1", "target": ids[0]},
    )
    assert Tag.objects.filter(pk__in=ids).count() == 2


def test_migrate_tops_up_an_existing_deployments_editors_group(db):
    editors = Group.objects.get(name="Editors")
    wanted = list(
        Permission.objects.filter(content_type__app_label__in=["subjects", "search"], group=editors)
    )
    assert {p.codename for p in wanted} >= {
        "add_subject", "change_subject", "delete_subject", "view_subject",
        "add_synonymgroup", "change_synonymgroup", "delete_synonymgroup", "view_synonymgroup",
    }  # fmt: skip
    # Search's own index is derived from content: editors never edit it.
    assert not [p for p in wanted if p.codename.endswith("searchentry")]

    # A deployment whose group was made before editors managed these.
    editors.permissions.remove(*wanted)
    assert not editors.permissions.filter(pk__in=[p.pk for p in wanted]).exists()
    call_command("migrate", verbosity=0)
    assert editors.permissions.filter(pk__in=[p.pk for p in wanted]).count() == len(wanted) == 12
