from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class EvidenceAdminConfig(admin_apps.AdminConfig):
    """Django's admin, on the editors' own site (pages/admin_site.py)."""

    default = False  # named in INSTALLED_APPS; PagesConfig is this module's default
    default_site = "pages.admin_site.EvidenceAdminSite"


class PagesConfig(AppConfig):
    default = True  # this module also holds the admin's config
    name = "pages"
    verbose_name = "Site pages"

    def ready(self):
        from django.db.models.signals import post_migrate

        from .editors import ensure_editors_group

        post_migrate.connect(ensure_editors_group, sender=self)
