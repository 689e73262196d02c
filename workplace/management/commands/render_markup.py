"""``manage.py render_markup``: draw every chart and render every stored text again.

Pages print HTML stored when a text was saved. When a release changes what the markup or a
chart produces (say, note phrases that wrap, or a chart's narrow drawing for phones), texts
saved before it keep the old HTML until they are next saved; run this after such an upgrade
(docs/deploy.md, Upgrades). It changes no text, only the stored HTML, and is safe to repeat.
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from editorial.services import render_again
from markup.models import MarkupOwner
from matrix.models import Chart
from matrix.refreshers import redraw


class Command(BaseCommand):
    help = "Draw every chart and render every stored markup text again."

    def handle(self, *args, **options):
        with transaction.atomic():
            charts = 0
            for chart in Chart.objects.all():
                redraw(chart, texts=False)  # every text is rendered again below
                charts += 1
            texts = 0
            for model in apps.get_models():
                if issubclass(model, MarkupOwner) and not model._meta.proxy:
                    for owner in model._default_manager.order_by("pk").iterator():
                        render_again(owner)
                        texts += 1
        self.stdout.write(f"Drew {charts} charts and rendered the texts of {texts} objects again.")
