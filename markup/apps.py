from django.apps import AppConfig


class MarkupConfig(AppConfig):
    name = "markup"
    verbose_name = "Editors' markup"

    def ready(self):
        from editorial import places

        from . import signals  # noqa: F401  (receivers)
        from .places import texts_linking_here

        places.register("*", texts_linking_here)
