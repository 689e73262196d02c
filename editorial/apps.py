from django.apps import AppConfig


class EditorialConfig(AppConfig):
    """The layer every content app builds on: what readers may see, where a thing is shown,
    the write path (services, refreshers) and the admin's protection of editors' work. It
    imports no other app of ours but the markup, below it."""

    name = "editorial"
    verbose_name = "Editorial"
