from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class HooksConfig(AppConfig):
    name = "hooks"
    verbose_name = "Registrations"

    def ready(self):
        # Every model is loaded before any ready() runs, so each app's hooks.py may import
        # models. Listed after every project app in INSTALLED_APPS, so an app's own ready()
        # (if any) has run first.
        autodiscover_modules("hooks")
