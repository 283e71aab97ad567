"""Compare stored files with what the database references."""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from archive import fixity


class Command(BaseCommand):
    help = (
        "Report orphan files (stored but referenced by no record or history) and "
        "missing files (referenced but not stored), in public and private storage. "
        "Deletes nothing unless --delete-orphans is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--delete-orphans",
            action="store_true",
            help="Delete the orphan files found (never a referenced file).",
        )
        parser.add_argument(
            "--min-age-minutes",
            type=int,
            default=60,
            help=(
                "Only count files older than this as orphans, so an upload still in "
                "progress is left alone (default 60; 0 counts every file)."
            ),
        )

    def handle(self, *args, **options):
        if options["min_age_minutes"] < 0:
            raise CommandError("--min-age-minutes cannot be negative.")
        min_age = timedelta(minutes=options["min_age_minutes"])
        inventory = fixity.reconcile(min_age=min_age)
        for storage, name in inventory.orphans:
            self.stdout.write(f"ORPHAN   {storage}: {name}")
        for storage, name, owner in inventory.missing:
            self.stdout.write(self.style.ERROR(f"MISSING  {storage}: {name} ({owner})"))
        deleted = 0
        if options["delete_orphans"]:
            for storage, name in inventory.orphans:
                fixity.STORAGES[storage].delete(name)
                deleted += 1
                self.stdout.write(f"DELETED  {storage}: {name}")
        summary = (
            f"{inventory.checked} stored files; {len(inventory.orphans)} orphans"
            f"{f' ({deleted} deleted)' if deleted else ''}; "
            f"{len(inventory.missing)} missing."
        )
        remaining = len(inventory.orphans) - deleted + len(inventory.missing)
        if remaining:
            raise CommandError(summary, returncode=1)
        self.stdout.write(self.style.SUCCESS(summary))
