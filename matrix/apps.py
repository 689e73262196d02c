from django.apps import AppConfig


class MatrixConfig(AppConfig):
    name = "matrix"
    verbose_name = "Treatment matrices"

    def ready(self):
        from . import markup, places, signals  # noqa: F401  (registrations; receivers)

        markup.register()
        places.register()
