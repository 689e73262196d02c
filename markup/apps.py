from django.apps import AppConfig


class MarkupConfig(AppConfig):
    """The editors' markup and the registry of its anchors and links. The bottom layer: it
    knows no app; the apps above register what it needs of them (markup/registry.py)."""

    name = "markup"
    verbose_name = "Editors' markup"
