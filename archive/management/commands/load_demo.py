"""`manage.py load_demo`: load (or bring up to date) the demo archive."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from archive.demo import DemoArchiveError, default_path, load_demo_archive


class Command(BaseCommand):
    help = (
        "Load the demo archive (real history from fixtures/demo/) in one "
        "transaction. Safe to run again: records are matched by slug and only "
        "changed where the fixture changed."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--path",
            type=Path,
            default=None,
            help="Folder of the demo archive (default: fixtures/demo/).",
        )
        parser.add_argument(
            "--user",
            default=None,
            help="Username recorded as the creator and in the history entries.",
        )

    def handle(self, *args, **options) -> None:
        acting_user = None
        if options["user"]:
            try:
                acting_user = get_user_model().objects.get(username=options["user"])
            except get_user_model().DoesNotExist as error:
                raise CommandError(f"No user named {options['user']!r}.") from error
        path = options["path"] or default_path()
        try:
            counts = load_demo_archive(path=path, acting_user=acting_user)
        except DemoArchiveError as error:
            raise CommandError(f"The demo archive was not loaded: {error}") from error
        if options["verbosity"] >= 1:
            width = max(len(key) for key in counts)
            for key, count in counts.items():
                self.stdout.write(f"  {key.ljust(width)}  {count}")
            kept = counts.get("kept_curator_changes", 0)
            if kept:
                self.stdout.write(
                    self.style.WARNING(
                        f"{kept} demo records changed by curators since the last "
                        "import were kept as they are."
                    )
                )
            self.stdout.write(self.style.SUCCESS(f"Demo archive loaded from {path}."))
