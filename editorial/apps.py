from django.apps import AppConfig


class EditorialConfig(AppConfig):
    """The bottom layer every content app builds on: what readers may see, where a thing is
    shown, and the admin's protection of editors' work. It imports no other app of ours."""

    name = "editorial"
    verbose_name = "Editorial"

    def ready(self):
        from django.db.models.signals import pre_save

        from .changes import record_visibility
        from .signals import visibility_changed
        from .texts import normalise_before_save

        visibility_changed.connect(record_visibility, dispatch_uid="record_visibility")
        pre_save.connect(normalise_before_save, dispatch_uid="normalise_texts")
