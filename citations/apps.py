from django.apps import AppConfig


class CitationsConfig(AppConfig):
    name = "citations"
    verbose_name = "Citations"

    def ready(self):
        from studies import page_extras

        from .meta import document_page_extras

        page_extras.register(document_page_extras)
