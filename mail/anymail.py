"""Bounces and complaints reported by an email provider through django-anymail's webhooks:
the address is marked undeliverable and never mailed again."""

import logging
from functools import wraps

from anymail.utils import get_anymail_setting
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404
from django.urls import URLPattern

from .sending import suppress

logger = logging.getLogger(__name__)

SUPPRESSING_EVENTS = {"bounced", "complained", "rejected", "unsubscribed"}


def on_tracking(sender, event, esp_name, **kwargs):
    if event.event_type in SUPPRESSING_EVENTS and event.recipient:
        suppress(event.recipient.lower(), f"{esp_name} reported: {event.event_type}")


def webhook_urls():
    """django-anymail's webhook addresses, each answering 404 until it is secured and set up."""
    # Without WEBHOOK_SECRET most providers' webhooks take a post from anyone (a forged
    # "bounce" would silence a reader), and a provider whose keys are not set raises
    # ImproperlyConfigured on every request, which anyone could turn into 500s.
    import anymail.urls

    def guarded(view):
        @wraps(view)
        def webhook(request, *args, **kwargs):
            if not get_anymail_setting("webhook_secret", default=None):
                raise Http404("Mail provider webhooks are off: WEBHOOK_SECRET is not set.")
            try:
                return view(request, *args, **kwargs)
            except ImproperlyConfigured as exc:
                logger.warning("Mail provider webhook not set up: %s", exc)
                raise Http404("No webhook for that mail provider here.") from None

        return webhook

    return [
        URLPattern(p.pattern, guarded(p.callback), p.default_args, p.name)
        for p in anymail.urls.urlpatterns
    ]
