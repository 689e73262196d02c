from django.apps import AppConfig


class FrontpageConfig(AppConfig):
    """The public site's own pages: the home page, old addresses, the 400 page."""

    name = "frontpage"
    verbose_name = "Front page"
