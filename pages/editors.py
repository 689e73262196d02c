"""The Editors group: may edit all content, but not users, groups or site settings."""

from django.contrib.auth.models import Group, Permission

EDITORS = "Editors"
CONTENT_APPS = ("matrix", "studies", "topics", "feedback", "taggit")


def ensure_editors_group(**kwargs):
    """Create the group (or top up its permissions) after every migrate."""
    group, _ = Group.objects.get_or_create(name=EDITORS)
    permissions = Permission.objects.filter(content_type__app_label__in=CONTENT_APPS)
    group.permissions.add(*permissions)
