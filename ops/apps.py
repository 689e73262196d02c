from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running the site: health, request ids and logs, headers, backups of the bank."""

    name = "ops"
    verbose_name = "Operations"
