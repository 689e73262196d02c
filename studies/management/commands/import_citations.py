from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from studies.citations import FORMAT_NAMES, parse
from studies.duplicates import find_duplicates
from studies.services import create_draft


class Command(BaseCommand):
    help = (
        "Import bibliographic records (RIS, BibTeX, PubMed/MEDLINE, CSL-JSON, Crossref or "
        "Semantic Scholar JSON; the format of each file is detected) as draft documents. "
        "Prints one line per record: created (with its slug), duplicate of (slug) or refused "
        "(why). Exits with status 1 if any record was refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)

    def handle(self, *args, files, **options):
        refused = 0
        for path in files:
            try:
                text = path.read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError) as exc:
                raise CommandError(f"{path}: cannot be read ({exc}).") from exc
            result = parse(text, filename=path.name)
            name = FORMAT_NAMES.get(result.format, "unknown format")
            self.stdout.write(f"{path}: {len(result.records)} record(s) ({name})")
            for error in result.errors:
                if error.refused or error.index is None:
                    refused += 1
                    self.stdout.write(f"  refused: {error.message}")
            for record in result.records:
                line = self.import_record(record, result)
                refused += line.startswith("refused")
                self.stdout.write(f"  {line}")
        if refused:
            raise CommandError(f"{refused} record(s) refused.", returncode=1)

    def import_record(self, record, result):
        for error in result.errors_for(record):
            self.stdout.write(f"  note: {error.message}")
        fields = record.as_document_fields()
        duplicates = find_duplicates(
            doi=fields["doi"], pmid=fields["pmid"], title=fields["title"], year=fields["year"]
        )
        if duplicates:
            first = duplicates[0]
            return f"duplicate of {first.document.slug} ({first.reason}): {record.label}"
        try:
            document = create_draft(fields, note=f"Imported with import_citations: {record.label}")
        except ValidationError as exc:
            problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            return f"refused: {record.label}: {problems}"
        return f"created {document.slug}: {record.label}"
