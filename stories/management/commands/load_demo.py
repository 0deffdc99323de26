from django.core.management.base import BaseCommand
from django.db import transaction

from stories.services import demo_load


class Command(BaseCommand):
    help = "Create the demo explainer story with every section; running it again changes nothing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change, then roll back."
        )

    def handle(self, *args, dry_run=False, **options):
        """Load the demo story and print how many rows were created or changed."""
        with transaction.atomic():
            counts = demo_load()
            if dry_run:
                transaction.set_rollback(True)
        changed = {kind: n for kind, n in counts.items() if n}
        verb = "Would change" if dry_run else "Changed"
        if not changed:
            self.stdout.write("Demo story already up to date: nothing changed.")
            return
        summary = ", ".join(f"{n} {kind}" for kind, n in changed.items())
        self.stdout.write(self.style.SUCCESS(f"{verb}: {summary}."))
