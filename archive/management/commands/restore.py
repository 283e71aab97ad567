"""`manage.py restore PATH`: verify a backup bag and restore it into an empty
instance."""

from __future__ import annotations

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from archive.backup import BackupError, restore_backup, verify_bag


class Command(BaseCommand):
    help = (
        "Verify the bag at PATH (every checksum), apply migrations, and restore it "
        "into this instance, whose database and storage must be empty. Nothing is "
        "written if the bag does not verify."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path, help="A bag written by 'backup'.")
        parser.add_argument(
            "--verify-only",
            action="store_true",
            help="Only check the bag's checksums and format.",
        )

    def handle(self, *args, **options) -> None:
        try:
            if options["verify_only"]:
                verify_bag(options["path"])
                self.stdout.write(self.style.SUCCESS("The bag is valid."))
                return
            verify_bag(options["path"])
            call_command("migrate", interactive=False, verbosity=0)
            manifest = restore_backup(options["path"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {rows} rows and {len(manifest['files'])} files from "
                f"{options['path']}."
            )
        )
