"""Put citation files into the screening queue (``manage.py import_candidates FILE…``)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from citations.importing import parse
from watch.services import queue_records

from .watch_evidence import cell_named


class Command(BaseCommand):
    help = (
        "Read citation files in any import format (RIS, BibTeX, MEDLINE, CSL-JSON, Crossref, "
        "Semantic Scholar) into the screening queue, de-duplicated against the bank and "
        "earlier candidates: the queue can be tried offline."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+")
        parser.add_argument("--cell", help="Suggest them for this cell (alcohol/E4).")

    def handle(self, *args, files, cell=None, **options):
        target = cell_named(cell) if cell else None
        problems = 0
        for name in files:
            path = Path(name)
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                raise CommandError(f"{name}: cannot be read ({error}).") from None
            result = parse(text, filename=path.name)
            why = f"Imported from {path.name}"
            counts = queue_records([(record, why) for record in result.records], cell=target)
            self.stdout.write(
                f"{path.name}: {counts['found']} record(s), {counts['new']} new, "
                f"{counts['in_bank']} in the bank, {counts['already_screened']} already "
                f"in the queue"
            )
            for error in result.errors:
                problems += 1
                self.stdout.write(f"  {error}")
        if problems:
            raise CommandError(f"{problems} problem(s) in the files; the rest was queued.")
