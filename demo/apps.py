from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo: its content loaded from fixtures/ (``load_demo``), and the site served on
    this machine with its task worker (``runsite``), which is what ``make run`` does."""

    name = "demo"
    verbose_name = "Demo"
