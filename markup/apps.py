from django.apps import AppConfig


class MarkupConfig(AppConfig):
    name = "markup"
    verbose_name = "Editors' markup"

    def ready(self):
        from . import signals  # noqa: F401
