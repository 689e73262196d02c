from django.core.management.base import BaseCommand

from readers import bulletins
from readers.models import Bulletin, Subscriber
from readers.services import expire_unconfirmed


class Command(BaseCommand):
    help = (
        "Gather a bulletin of what changed since the last one at this frequency and send it "
        "(for cron). --dry-run prints who would get what and sends nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--frequency", choices=Subscriber.Frequency.values, default="weekly")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, frequency, dry_run, **options):
        expire_unconfirmed()
        bulletin = Bulletin(frequency=frequency, title=bulletins.default_title(frequency))
        if dry_run:
            bulletin.save()
            try:
                self.dry_run(bulletin)
            finally:
                bulletin.delete()
            return
        bulletin.save()
        bulletins.gather(bulletin)
        if not bulletin.changes.exists():
            bulletin.delete()
            self.stdout.write("Nothing has changed since the last bulletin: nothing sent.")
            return
        count = bulletins.send(bulletin)
        self.stdout.write(f"“{bulletin.title}” is on its way to {count} reader(s).")

    def dry_run(self, bulletin):
        bulletins.gather(bulletin)
        changes = bulletins.covered(bulletin)
        self.stdout.write(f"“{bulletin.title}”: {len(changes)} change(s).")
        titles = {c.pk: c.headline for c in changes}
        readers = 0
        for _, _, email, selected in bulletins.selections(
            Subscriber.objects.receiving(bulletin.frequency), changes
        ):
            readers += 1
            self.stdout.write(f"{email}: " + "; ".join(titles[pk] for pk in selected))
        self.stdout.write(f"{readers} reader(s) would get it. Nothing was sent (--dry-run).")
