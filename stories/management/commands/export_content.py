import json
from pathlib import Path

from django.core.management.base import BaseCommand
from tqdm import tqdm

from stories.backup import content_count, content_export


class Command(BaseCommand):
    help = "Write all content (trashed stories included) and its media references to a JSON file."

    def add_arguments(self, parser):
        parser.add_argument(
            "path", help="File to write, e.g. backup.json ('-' for standard output)."
        )

    def handle(self, *args, path, **options):
        """Export every content row and report how many."""
        with tqdm(total=content_count(), unit="row", disable=None, file=self.stderr._out) as bar:
            data = content_export(progress=bar.update)
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
