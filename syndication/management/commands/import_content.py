import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from syndication.backup import ImportRefused, content_import


class Command(BaseCommand):
    help = "Restore a file written by export_content into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("path", help="File written by export_content.")
        parser.add_argument("--dry-run", action="store_true", help="Load, report, then roll back.")

    def handle(self, *args, path, dry_run=False, **options):
        """Load every row of the export inside one transaction."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        try:
            with (
                tqdm(
                    total=len(data.get("objects", [])),
                    unit="row",
                    disable=None,
                    file=self.stderr._out,
                ) as bar,
                transaction.atomic(),
            ):
                loaded = content_import(data, progress=bar.update)
                if dry_run:
                    transaction.set_rollback(True)
        except ImportRefused as refused:
            raise CommandError(str(refused)) from refused
        summary = ", ".join(f"{n} {label}" for label, n in loaded.items())
        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(self.style.SUCCESS(f"{verb} {sum(loaded.values()):,} rows: {summary}."))
        if data.get("media"):
            self.stdout.write(
                f"The export references {len(data['media'])} media files; copy them from "
                f"{data.get('media_root')} into MEDIA_ROOT."
            )
