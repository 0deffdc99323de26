from django.core.management.base import BaseCommand

from stories.services import TRASH_DAYS, trash_purge


class Command(BaseCommand):
    help = f"Delete for good the stories in the trash for more than {TRASH_DAYS} days (safe from cron)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=TRASH_DAYS, help="Age in the trash (default %(default)s)."
        )
        parser.add_argument("--dry-run", action="store_true", help="List what would be purged.")

    def handle(self, *args, days, dry_run, **options):
        """Purge stories trashed more than `days` ago and list them."""
        headlines = trash_purge(older_than_days=days, dry_run=dry_run)
        verb = "Would purge" if dry_run else "Purged"
        self.stdout.write(f"{verb} {len(headlines)} stor{'y' if len(headlines) == 1 else 'ies'}.")
        for headline in headlines:
            self.stdout.write(f"  {headline}")
