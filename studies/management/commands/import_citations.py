from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from citations.importing import FORMAT_NAMES, UnreadableFile, decode, parse
from studies.duplicates import find_duplicates
from studies.services import create_draft


class Command(BaseCommand):
    help = (
        "Import bibliographic records (RIS, BibTeX, PubMed/MEDLINE, CSL-JSON, Crossref or "
        "Semantic Scholar JSON; the format of each file is detected) as draft documents. "
        "Prints one line per record: created (with its slug), duplicate of (slug) or refused "
        "(why), with notes on fields it could not read or did not keep. A file that is not "
        "UTF-8 text is refused in one line before anything is imported. Exits with status 1 "
        "if any file or record was refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)

    def handle(self, *args, files, **options):
        texts, unreadable = [], []
        for path in files:
            try:
                texts.append((path, decode(path.read_bytes())))
            except UnreadableFile as problem:
                unreadable.append(f"{path}: not read: {problem}.")
            except OSError as error:
                unreadable.append(f"{path}: not read: {error.strerror or error}.")
        if unreadable:
            raise CommandError("\n".join(unreadable), returncode=1)
        refused = 0
        for path, text in texts:
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
        if record.left_out:
            self.stdout.write(f"  note: {record.label}: not kept: {'; '.join(record.left_out)}")
        fields = record.as_document_fields()
        duplicates = find_duplicates(
            doi=fields["doi"], pmid=fields["pmid"], title=fields["title"], year=fields["year"]
        )
        if duplicates:
            first = duplicates[0]
            return f"duplicate of {first.document.slug} ({first.reason}): {record.label}"
        try:
            note = f"Imported with import_citations: {record.label}."
            if record.left_out:
                note += f" Not kept from the record: {'; '.join(record.left_out)}."
            document = create_draft(fields, note=note)
        except ValidationError as exc:
            problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            return f"refused: {record.label}: {problems}"
        return f"created {document.slug}: {record.label}"
