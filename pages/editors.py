"""The Editors group: may edit all content, but not users, groups or site settings."""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

EDITORS = "Editors"
CONTENT_APPS = ("matrix", "studies", "topics", "feedback", "taggit")


def ensure_editors_group(**kwargs):
    """Create the group (or top up its permissions) after every migrate."""
    group, _ = Group.objects.get_or_create(name=EDITORS)
    permissions = Permission.objects.filter(
        Q(content_type__app_label__in=CONTENT_APPS)
        # The list of link targets is derived from content: editors read it, never edit it.
        | Q(content_type__app_label="markup", codename__in=["view_anchor", "view_link"])
        # They run bulletins and read outgoing mail; readers' addresses stay with admins.
        | Q(content_type__app_label="readers", content_type__model="bulletin")
        | Q(content_type__app_label="mail", codename__startswith="view_")
        # …and may queue failed messages again and lift a suppression (both kept on record).
        | Q(
            content_type__app_label="mail",
            codename__in=["retry_outboxmessage", "lift_undeliverable"],
        )
    )
    group.permissions.add(*permissions)
