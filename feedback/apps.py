from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = "Messages to the editors"

    def ready(self):
        from .emails import register_emails

        register_emails()
