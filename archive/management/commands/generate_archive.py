"""`manage.py generate_archive --scale N [--seed S] [--replace]`: synthetic load data."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from archive.benchmark.synthetic import (
    SYNTHETIC_BENCHMARK_EXHIBITION,
    SyntheticArchiveExists,
    delete_synthetic_archive,
    generate_archive,
)


class Command(BaseCommand):
    help = (
        "Generate a deterministic synthetic archive for load tests: N recognitions, "
        "about 2N people, N/2 testimonies, N/10 images and more, all marked "
        "synthetic and published. Never use it on a database with real content you "
        "mean to show: synthetic records are public."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--scale", type=int, help="Number of recognitions (N); required."
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Same seed, same data (default 1)."
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete an existing synthetic archive (rows and files) first.",
        )
        parser.add_argument(
            "--delete",
            action="store_true",
            help="Only delete the synthetic archive, then stop.",
        )

    def handle(self, *args, **options) -> None:
        started = time.perf_counter()
        if options["delete"]:
            deleted = delete_synthetic_archive()
            self.report(deleted, started, "Synthetic archive deleted", options)
            return
        scale = options["scale"]
        if scale is None or scale < 1:
            raise CommandError("Give --scale N with N at least 1.")
        try:
            counts = generate_archive(
                scale=scale, seed=options["seed"], replace=options["replace"]
            )
        except SyntheticArchiveExists as error:
            raise CommandError(str(error)) from error
        self.report(
            counts,
            started,
            f"Synthetic archive generated (scale {scale}, seed {options['seed']}); "
            f"benchmark exhibition: {SYNTHETIC_BENCHMARK_EXHIBITION}",
            options,
        )

    def report(
        self, counts: dict[str, int], started: float, message: str, options: dict
    ) -> None:
        if options["verbosity"] >= 1:
            width = max((len(key) for key in counts), default=0)
            for key, count in counts.items():
                self.stdout.write(f"  {key.ljust(width)}  {count:,}")
            elapsed = time.perf_counter() - started
            self.stdout.write(self.style.SUCCESS(f"{message} in {elapsed:.1f} s."))
