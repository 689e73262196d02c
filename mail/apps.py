from django.apps import AppConfig


class MailConfig(AppConfig):
    """The outbox: every email the site sends, one row per recipient, sent by the task
    worker exactly once in effect. It knows no content; the apps that send register how to
    render each kind of message (``mail.registry``)."""

    name = "mail"
    verbose_name = "Outgoing mail"

    def ready(self):
        from anymail.signals import tracking

        from .anymail import on_tracking

        tracking.connect(on_tracking, dispatch_uid="mail.on_tracking")
