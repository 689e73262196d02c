"""Subject pages list exactly the documents carrying the tag; renaming and merging keep old
addresses working."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from taggit.models import Tag

from studies.models import Document
from subjects.models import Subject, SubjectRedirect
from subjects.services import merge_subjects
from tests.factories import make_document
from tests.htmlparse import page

pytestmark = pytest.mark.django_db


def listed(client, url):
    tree = page(client.get(url))
    return {a["href"].split("/")[2] for a in tree.find_all("a", class_="result-title")}


def test_a_subject_page_lists_exactly_its_documents(client, demo):
    expected = set(
        Document.objects.filter(tags__slug="case-management").values_list("slug", flat=True)
    )
    assert expected and listed(client, "/subjects/case-management/") == expected
    # Unlike a text search, a tagged document without the words in its text is listed too.
    quiet = make_document(slug="quiet", title="An untitled note", abstract="Nothing here.")
    quiet.tags.add("case management")
    assert "quiet" in listed(client, "/subjects/case-management/")


def test_the_a_to_z_page_counts_visible_documents(client, demo):
    tree = page(client.get("/subjects/"))
    link = tree.find("a", href="/subjects/mutual-aid/")
    count = Document.objects.filter(tags__slug="mutual-aid").count()
    assert f"{count} documents" in link.parent.clean_text
    assert tree.find("nav", class_="az").find("a", href="#letter-M")


def test_hidden_documents_are_on_no_subject_page_or_count(client, demo):
    document = Document.objects.get(slug="mocam-2006")
    document.tags.add("only on a draft")
    document.status = Document.Status.DRAFT
    document.save()
    assert "mocam-2006" not in listed(client, "/subjects/commissioning/")
    assert client.get("/subjects/only-on-a-draft/").status_code == 404
    assert "only on a draft" not in page(client.get("/subjects/")).clean_text
    client.force_login(User.objects.create_user("s", is_staff=True))
    assert "mocam-2006" in listed(client, "/subjects/commissioning/")


def test_renaming_a_subject_redirects_its_old_address(client, demo):
    tag = Tag.objects.get(slug="peer-support")
    tag.name, tag.slug = "peer recovery support", "peer-recovery-support"
    tag.save()
    response = client.get("/subjects/peer-support/")
    assert (
        response.status_code == 301 and response["Location"] == "/subjects/peer-recovery-support/"
    )
    assert client.get("/subjects/peer-recovery-support/").status_code == 200
    # The new name is what the search index holds.
    assert client.get("/search/?subject=peer-recovery-support").status_code == 200
    tree = page(client.get("/search/?q=%22peer+recovery+support%22"))
    assert tree.find_all("a", class_="result-title")


def test_merging_subjects_moves_documents_and_redirects(client, demo):
    target = Subject.objects.get(slug="aftercare")
    source = Subject.objects.get(slug="recovery")
    both = set(Document.objects.filter(tags__in=[target, source]).values_list("slug", flat=True))
    merge_subjects(target, [source])
    assert not Tag.objects.filter(slug="recovery").exists()
    assert listed(client, "/subjects/aftercare/") == both
    assert client.get("/subjects/recovery/")["Location"] == "/subjects/aftercare/"
    # Merging again later keeps the oldest address pointing at the survivor.
    merge_subjects(Subject.objects.get(slug="case-management"), [target])
    assert client.get("/subjects/recovery/")["Location"] == "/subjects/case-management/"
    assert SubjectRedirect.objects.filter(subject__slug="case-management").count() == 2


def test_merge_from_the_admin(admin_client, demo):
    ids = list(Tag.objects.filter(slug__in=["aftercare", "recovery"]).values_list("pk", flat=True))
    form = admin_client.post(
        "/admin/subjects/subject/", {"action": "merge_selected", "_selected_action": ids}
    )
    assert form.status_code == 200 and b"Keep this subject" in form.content
    keep = Tag.objects.get(slug="aftercare").pk
    done = admin_client.post(
        "/admin/subjects/subject/",
        {"action": "merge_selected", "_selected_action": ids, "merge": "1", "target": keep},
    )
    assert done.status_code == 302
    assert not Tag.objects.filter(slug="recovery").exists()


def fetch(url):
    """An anonymous reader with no cookies: pages come from the page cache when they may."""
    return Client().get(url)


def test_a_subjects_first_and_last_visible_document_drop_the_stored_lists(demo):
    """The A–Z page, the subject's page and its feed in the page cache follow the subject in
    and out of sight, whether a document is published or hidden or given the subject."""
    draft = make_document(slug="harbour", title="Pilots at the harbour", status="draft")
    draft.tags.add("Harbour pilots")
    pages = ["/subjects/", "/subjects/harbour-pilots/", "/feeds/subjects/harbour-pilots/"]
    assert fetch("/subjects/").headers["X-Page-Cache"] == "miss"
    assert fetch("/subjects/").headers["X-Page-Cache"] == "hit"
    assert "Harbour pilots" not in fetch("/subjects/").text

    draft.status = Document.Status.PUBLISHED
    draft.save()
    for url in pages:
        assert "Harbour pilots" in fetch(url).text, url
        assert fetch(url).headers["X-Page-Cache"] == "hit", url  # stored again

    draft.status = Document.Status.DRAFT
    draft.save()
    assert "Harbour pilots" not in fetch("/subjects/").text
    assert [fetch(url).status_code for url in pages[1:]] == [404, 404]

    # A published document given a subject only drafts carried brings it into sight too.
    lists = {"/subjects/": "Harbour pilots", "/sitemap-subjects.xml": "/subjects/harbour-pilots/"}
    shown = Document.objects.public().exclude(tags__name="Harbour pilots").first()
    for url, words in lists.items():
        assert words not in fetch(url).text and fetch(url).headers["X-Page-Cache"] == "hit"
    shown.tags.add("Harbour pilots")
    for url, words in lists.items():
        assert words in fetch(url).text, url
    shown.tags.remove("Harbour pilots")
    for url, words in lists.items():
        assert words not in fetch(url).text, url
