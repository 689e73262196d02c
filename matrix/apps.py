from django.apps import AppConfig


class MatrixConfig(AppConfig):
    name = "matrix"
    verbose_name = "Treatment matrices"

    def ready(self):
        from . import signals  # noqa: F401  (receivers)
