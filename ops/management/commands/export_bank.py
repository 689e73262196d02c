import sys

from django.core.management.base import BaseCommand

from ops.bank import export_bank


class Command(BaseCommand):
    help = "Write the whole bank to one JSON file (format: ops/bank.py) or to standard output."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="Where to write it (default: stdout).")

    def handle(self, *args, file=None, **options):
        if file:
            with open(file, "w", encoding="utf-8") as stream:
                counts = export_bank(stream)
            total = sum(counts.values())
            self.stderr.write(f"Exported {total} rows of {len(counts)} tables to {file}.")
        else:
            export_bank(sys.stdout)
