from django.core.management.base import BaseCommand

from search.indexing import rebuild


class Command(BaseCommand):
    help = "Index every document, cell, Matrix Bite section and hot topic again from scratch."

    def handle(self, *args, **options):
        count = rebuild()
        self.stdout.write(self.style.SUCCESS(f"Indexed {count} documents and the site's pages."))
