from django.core.management.base import BaseCommand

from editorial.publishing import publish_due


class Command(BaseCommand):
    help = (
        "Publish every draft whose publication time has passed. The worker does this by "
        "itself at the set time; this is for cron, or for a site run without the worker."
    )

    def handle(self, *args, **options):
        published = publish_due()
        for obj in published:
            self.stdout.write(f"Published {obj._meta.verbose_name} “{obj}”.")
        if not published:
            self.stdout.write("Nothing is due.")
