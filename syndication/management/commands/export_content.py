import json
from pathlib import Path

from django.core.management.base import BaseCommand
from tqdm import tqdm

from syndication.backup import content_count, content_export


class Command(BaseCommand):
    help = (
        "Write all content (trashed stories included), its revision history, the audit log, "
        "the sync log and its media references to a JSON file; --accounts adds accounts and "
        "follows."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path", help="File to write, e.g. backup.json ('-' for standard output)."
        )
        parser.add_argument(
            "--accounts",
            action="store_true",
            help="Also staff and reader accounts (with password hashes, groups and "
            "permissions) and readers' follows. Sessions and API tokens are never exported.",
        )

    def handle(self, *args, path, accounts=False, **options):
        """Export every row and report how many."""
        total = content_count(accounts=accounts)
        with tqdm(total=total, unit="row", disable=None, file=self.stderr._out) as bar:
            data = content_export(accounts=accounts, progress=bar.update)
        text = json.dumps(data, indent=1, ensure_ascii=False)
        if path == "-":
            self.stdout.write(text)
            return
        Path(path).write_text(text, encoding="utf-8")
        self.stdout.write(
            self.style.SUCCESS(
                f"Exported {len(data['objects']):,} rows and {len(data['media'])} media references to {path}."
            )
        )
