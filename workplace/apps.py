from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class EvidenceAdminConfig(admin_apps.AdminConfig):
    """Django's admin, on the editors' own site (workplace/admin_site.py)."""

    default = False  # named in INSTALLED_APPS; WorkplaceConfig is this module's default
    default_site = "workplace.admin_site.EvidenceAdminSite"


class WorkplaceConfig(AppConfig):
    """The editors' workplace: their admin site and its dashboard, the Editors group, and
    keeping stored texts in step with the code (``render_markup``, the texts migration)."""

    default = True  # this module also holds the admin's config
    name = "workplace"
    verbose_name = "Editors' workplace"

    def ready(self):
        from django.db.models.signals import post_migrate

        from .editors import ensure_editors_group

        post_migrate.connect(ensure_editors_group, sender=self)
