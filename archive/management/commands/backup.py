"""`manage.py backup PATH`: a verifiable BagIt bag of the whole archive."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from archive.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Write a BagIt bag at PATH (a new folder): every record, its history, users, "
        "groups, API clients' key hashes, every original, source file and rendition, "
        "and checksums. Safe while curators work (one consistent snapshot). The "
        "format is described in docs/operations.md."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path, help="A new or empty folder.")

    def handle(self, *args, **options) -> None:
        try:
            manifest = create_backup(options["path"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            f"{rows} rows of {len(manifest['counts'])} models, "
            f"{len(manifest['files'])} files."
        )
        for name in manifest["missing_files"]:
            self.stderr.write(self.style.WARNING(f"Missing from storage: {name}"))
        for name in manifest["mismatched_files"]:
            self.stderr.write(self.style.ERROR(f"Checksum differs: {name}"))
        if manifest["missing_files"] or manifest["mismatched_files"]:
            raise CommandError(
                "The bag was written but files are missing or changed; run "
                "verify_fixity and see docs/operations.md."
            )
        self.stdout.write(self.style.SUCCESS(f"Backup written to {options['path']}."))
