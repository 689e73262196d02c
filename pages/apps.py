from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = "Site pages"

    def ready(self):
        from django.db.models.signals import post_migrate

        from .editors import ensure_editors_group

        post_migrate.connect(ensure_editors_group, sender=self)
