"""Bounces and complaints reported by an email provider through django-anymail's webhooks:
the address is marked undeliverable and never mailed again."""

from .sending import suppress

SUPPRESSING_EVENTS = {"bounced", "complained", "rejected", "unsubscribed"}


def on_tracking(sender, event, esp_name, **kwargs):
    if event.event_type in SUPPRESSING_EVENTS and event.recipient:
        suppress(event.recipient.lower(), f"{esp_name} reported: {event.event_type}")
