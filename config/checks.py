from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def refuse_to_serve_without_secret_key():
    """The site is not served with a made-up key: sessions and signed links would not hold."""
    if not settings.DEBUG and not settings.SECRET_KEY_FROM_ENVIRONMENT:
        raise ImproperlyConfigured(
            "Set SECRET_KEY in the environment before serving the site (or DEBUG=1 locally)."
        )
