from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from ops.bank import BankError, import_bank
from pagecache.versions import forget_everything


class Command(BaseCommand):
    help = "Load a file export_bank wrote into a new, migrated database with no content."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            with open(file, encoding="utf-8") as stream:
                counts = import_bank(stream)
        except (OSError, ValueError, BankError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Imported {sum(counts.values())} rows of {len(counts)} tables.")
        # What is derived from the bank rather than part of it (the search index) is built
        # again from what arrived; pages cached from the old database are forgotten.
        for command in settings.BANK_AFTER_IMPORT:
            call_command(command, stdout=self.stdout)
        forget_everything()
