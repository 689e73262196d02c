"""The Editors group: may edit all content, but not users, groups or site settings."""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

EDITORS = "Editors"
# Subjects are taggit's tags seen through a proxy model, which has permissions of its own.
CONTENT_APPS = ("matrix", "studies", "topics", "feedback", "taggit", "subjects", "watch")
DERIVED = ("celltally", "subjecttally")


def ensure_editors_group(**kwargs):
    """Create the group, or top up its permissions on an existing deployment, after every
    migrate (workplace comes after the content apps in INSTALLED_APPS: their permissions exist)."""
    group, _ = Group.objects.get_or_create(name=EDITORS)
    permissions = Permission.objects.filter(
        Q(content_type__app_label__in=CONTENT_APPS)
        # Counts kept from the content (the grids', the subjects'): derived, never edited.
        & ~Q(content_type__model__in=DERIVED)
        # The list of link targets is derived from content: editors read it, never edit it.
        | Q(content_type__app_label="markup", codename__in=["view_anchor", "view_link"])
        # Synonym groups are typed by editors; the rest of search is derived from content.
        | Q(content_type__app_label="search", content_type__model="synonymgroup")
        # They run bulletins and read outgoing mail; readers' addresses stay with admins.
        | Q(content_type__app_label="readers", content_type__model="bulletin")
        # …and set when the weekly and monthly ones go by themselves (never add or delete one).
        | Q(
            content_type__app_label="readers",
            codename__in=["view_bulletinschedule", "change_bulletinschedule"],
        )
        | Q(content_type__app_label="mail", codename__startswith="view_")
        # …and may queue failed messages again and lift a suppression (both kept on record).
        | Q(
            content_type__app_label="mail",
            codename__in=["retry_outboxmessage", "lift_undeliverable"],
        )
    )
    group.permissions.add(*permissions)
