from django.apps import AppConfig


class PageCacheConfig(AppConfig):
    """Whole pages for anonymous readers, dropped the moment they go stale."""

    name = "pagecache"
    verbose_name = "Page cache"

    def ready(self):
        from . import receivers

        receivers.connect()
