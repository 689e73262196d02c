from django.apps import AppConfig


class SubjectsConfig(AppConfig):
    name = "subjects"
    verbose_name = "Subjects"

    def ready(self):
        from . import signals  # noqa: F401  (renaming a subject keeps its old address)
