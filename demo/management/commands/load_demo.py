from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from demo.loader import ContentError, load_demo_content
from workplace.editors import EDITORS

DEMO_USERS = (
    # username, password, superuser?
    ("admin", "admin", True),
    ("editor", "editor", False),
)


class Command(BaseCommand):
    help = (
        "Load the demo content in fixtures/ (both matrices, the Alcohol E4 cell, the bank "
        "documents, charts and hot topic). It only adds: what is already in the bank (matched "
        "by slug or code) is left exactly as the editors have it, and reported."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo-users",
            action="store_true",
            help="Also create the sign-ins admin/admin and editor/editor (only with DEBUG on).",
        )

    def handle(self, *args, **options):
        try:
            report = load_demo_content()
        except ContentError as exc:
            raise CommandError(str(exc)) from exc
        if report.added:
            summary = ", ".join(f"{n} {name}" for name, n in report.added.items())
            self.stdout.write(self.style.SUCCESS(f"Added: {summary}."))
        else:
            self.stdout.write("Added nothing: everything in the demo content is already here.")
        for kind, names in report.left_alone.items():
            shown = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
            self.stdout.write(f"Left alone, already in the bank: {len(names)} {kind} ({shown}).")
        if options["demo_users"]:
            self.create_demo_users()

    def create_demo_users(self):
        if not settings.DEBUG:
            raise CommandError("Demo sign-ins are only created with DEBUG on.")
        User = get_user_model()
        editors = Group.objects.get(name=EDITORS)
        for username, password, superuser in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username, defaults={"is_staff": True, "is_superuser": superuser}
            )
            if created:
                user.set_password(password)
                user.save()
                if not superuser:
                    user.groups.add(editors)
                self.stdout.write(f"Created demo sign-in {username} / {password}")
