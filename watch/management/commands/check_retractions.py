"""Check the bank for retractions and corrections now (``manage.py check_retractions``)."""

from django.core.management.base import BaseCommand, CommandError

from watch.services import documents_to_check, flag_notices
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
        flagged = 0
        try:
            # Each line as its document is flagged: a check of the whole bank takes minutes,
            # and what it flagged before a source failed is printed as well as recorded.
            for document, _kind in flag_notices(documents):
                flagged += 1
                self.stdout.write(
                    f"{document.slug}: {document.get_notice_display()}"
                    f"{f' ({document.notice_date})' if document.notice_date else ''}, "
                    f"reported by {document.notice_source}"
                )
        except SourceError as problem:
            raise CommandError(
                f"The check stopped: {problem} What it found before was recorded "
                f"({flagged} document(s) flagged)."
            ) from None
        self.stdout.write(f"{flagged} document(s) newly flagged.")
