from django.apps import AppConfig


class MarkupConfig(AppConfig):
    name = "markup"
    verbose_name = "Editors' markup"

    def ready(self):
        from editorial import places

        from . import constructs, signals  # noqa: F401  (built-in constructs; receivers)
        from .places import texts_linking_here

        places.register("*", texts_linking_here)
