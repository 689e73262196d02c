"""Run the cells' literature watches now (``manage.py watch_evidence``)."""

from django.core.management.base import BaseCommand, CommandError

from matrix.models import Cell
from watch.models import Source, Watch
from watch.services import ensure_topic_watches, ensure_watches, run_watch


def cell_named(key):
    """A cell from "alcohol/E4"."""
    matrix, _, code = (key or "").partition("/")
    try:
        return Cell.objects.with_labels().by_key(matrix, code)
    except (Cell.DoesNotExist, ValueError, IndexError):
        raise CommandError(f"No cell {key!r}: name it as matrix/code, e.g. alcohol/E4.") from None


def cells_with_content():
    """Cells with a MORE search or entries: the ones worth watching."""
    from django.db.models import Q

    return (
        Cell.objects.with_labels()
        .filter(Q(more_query__gt="") | Q(entries__isnull=False))
        .distinct()
    )


class Command(BaseCommand):
    help = (
        "Run the literature watches now: each cell's search at each source and the works "
        "citing its S and K studies, and each hot topic's search (unless --cell names one "
        "cell). One line per watch; exits 1 if any watch failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cell", help="Only this cell, as matrix/code (alcohol/E4).")
        parser.add_argument("--source", choices=[s.value for s in Source])

    def handle(self, *args, cell=None, source=None, **options):
        from django.db.models import Q

        from topics.models import HotTopic

        cells = [cell_named(cell)] if cell else list(cells_with_content())
        for each in cells:
            ensure_watches(each)  # a cell with content has its watches
        topics = [] if cell else list(HotTopic.objects.filter(search_query__gt=""))
        for topic in topics:
            ensure_topic_watches(topic)  # and a hot topic with a search, its own
        watches = Watch.objects.filter(
            Q(cell__in=cells) | Q(topic__in=topics), active=True
        ).select_related("cell__matrix", "cell__column", "cell__row", "topic")
        if source:
            watches = watches.filter(source=source)
        failed = 0
        for watch in watches:
            run = run_watch(watch)
            if run.failed:
                failed += 1
                self.stdout.write(f"{watch}: failed: {run.error}")
            else:
                self.stdout.write(
                    f"{watch}: found {run.found}, new {run.new}, in the bank {run.in_bank}, "
                    f"already screened {run.already_screened}"
                )
        if not watches:
            self.stdout.write("No watches to run.")
        if failed:
            raise CommandError(f"{failed} watch(es) failed; the next run starts where they did.")
