from django.apps import AppConfig


class EditorialConfig(AppConfig):
    """The bottom layer every content app builds on: what readers may see, where a thing is
    shown, and the admin's protection of editors' work. It imports no other app of ours."""

    name = "editorial"
    verbose_name = "Editorial"

    def ready(self):
        from .changes import record_visibility
        from .signals import visibility_changed

        visibility_changed.connect(record_visibility, dispatch_uid="record_visibility")
