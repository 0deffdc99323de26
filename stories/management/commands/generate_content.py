import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from stories.generator import SLUG_PREFIX, content_generate
from stories.models import Story


class Command(BaseCommand):
    help = (
        "Generate synthetic published stories (slugs starting 'gen-') for benchmarks: "
        "deterministic for a seed, bulk-inserted, topping up to --stories."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--stories", type=int, required=True, help="How many generated stories to have."
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--workers",
            type=int,
            default=2,
            help="Processes building chunks in parallel (default 2).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Generate, report, then roll back."
        )

    def handle(self, *args, stories, seed, workers, dry_run, **options):
        """Create generated stories with every section until there are `stories` of them."""
        if stories < 0:
            raise CommandError("--stories must be zero or more.")
        if workers < 1:
            raise CommandError("--workers must be one or more.")
        have = Story.objects.filter(slug__startswith=SLUG_PREFIX).count()
        started = time.monotonic()
        bar = tqdm(
            total=max(stories, have),
            initial=have,
            unit="story",
            disable=None,
            file=self.stderr._out,
        )
        with bar:
            if dry_run:
                # One process and one transaction, so the rollback undoes everything.
                with transaction.atomic():
                    totals = content_generate(stories=stories, seed=seed, progress=bar.update)
                    transaction.set_rollback(True)
            else:
                totals = content_generate(
                    stories=stories, seed=seed, workers=workers, progress=bar.update
                )
        elapsed = time.monotonic() - started
        verb = "Would create" if dry_run else "Created"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {totals['stories']:,} stories, {totals['events']:,} events and "
                f"{totals['sources']:,} sources in {elapsed:.1f}s "
                f"({have:,} generated stories were already there)."
            )
        )
