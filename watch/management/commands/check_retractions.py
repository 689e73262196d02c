"""Check the bank for retractions and corrections now (``manage.py check_retractions``)."""

from django.core.management.base import BaseCommand, CommandError

from watch.services import check_notices, documents_to_check
from watch.sources import SourceError


class Command(BaseCommand):
    help = (
        "Ask Crossref (with Retraction Watch's records), OpenAlex and PubMed about every DOI "
        "and PMID in the bank, and record each publisher's notice (retraction, withdrawal, "
        "expression of concern, correction) on its document. One line per document flagged."
    )

    def add_arguments(self, parser):
        parser.add_argument("--doi", help="Only the document with this DOI.")

    def handle(self, *args, doi=None, **options):
        documents = documents_to_check(doi)
        if doi and not documents.exists():
            raise CommandError(f"No document in the bank has the DOI {doi!r}.")
        try:
            changed = check_notices(documents)
        except SourceError as problem:
            raise CommandError(
                f"The check stopped: {problem} What it found before was recorded."
            ) from None
        for document, _kind in changed:
            self.stdout.write(
                f"{document.slug}: {document.get_notice_display()}"
                f"{f' ({document.notice_date})' if document.notice_date else ''}, "
                f"reported by {document.notice_source}"
            )
        self.stdout.write(f"{len(changed)} document(s) newly flagged.")
