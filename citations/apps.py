from django.apps import AppConfig


class CitationsConfig(AppConfig):
    """Citations read in (``importing``) and written out (``exporting``), with the names,
    dates and normalising both share. It sits below the bank, which parses its names,
    dates and DOIs with it, so it knows no other app: the screens that serve exports are
    the ``cite`` app's."""

    name = "citations"
    verbose_name = "Citations"
