"""Re-hash every stored original and source file against its recorded SHA-256."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from archive import fixity


class Command(BaseCommand):
    help = (
        "Re-hash every original image and source file (local or S3 storage) and "
        "report changed, missing, unrecorded and untracked files. Exits with status "
        "1 when anything is wrong."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--record-missing-checksums",
            action="store_true",
            help=(
                "First store checksums for files attached without one (for example "
                "by an old import). Only do this when you trust the files as they are."
            ),
        )

    def handle(self, *args, **options):
        if options["record_missing_checksums"]:
            count = fixity.record_missing_checksums()
            self.stdout.write(f"Recorded {count} missing checksums.")
        report = fixity.verify_fixity()
        for finding in report.findings:
            if finding.is_problem:
                self.stdout.write(self.style.ERROR(finding.describe()))
            elif options["verbosity"] >= 2:
                self.stdout.write(finding.describe())
        summary = report.summary()
        if report.problems:
            raise CommandError(
                f"{summary} {len(report.problems)} problems.", returncode=1
            )
        self.stdout.write(self.style.SUCCESS(f"{summary} Every file is intact."))
