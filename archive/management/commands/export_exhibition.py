"""Write an exhibition bundle that a kiosk can show without a network."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from archive.api.export import DEFAULT_BASE_URL, ExportError, export_exhibition


class Command(BaseCommand):
    help = (
        "Export an exhibition as a self-contained folder: exhibition.json (the API "
        "answer), every rendition it uses, its IIIF manifest, an index.html that "
        "opens offline and SHA256SUMS."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The exhibition's slug.")
        parser.add_argument("path", help="A folder to create (or an empty one).")
        parser.add_argument(
            "--tier",
            choices=["public", "exhibition"],
            default="public",
            help="Whose view to export: the public's (default), or an exhibition "
            "client's, which also includes records released for exhibitions only.",
        )

        parser.add_argument(
            "--base-url",
            default=DEFAULT_BASE_URL,
            help="The address the kiosk serves the bundle folder from (default "
            f"{DEFAULT_BASE_URL}): the IIIF manifest names its images under it, as "
            "IIIF requires absolute identifiers.",
        )

    def handle(self, *args, **options):
        try:
            bundle = export_exhibition(
                slug=options["slug"],
                target=Path(options["path"]),
                tier=options["tier"],
                base_url=options["base_url"],
            )
        except ExportError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {len(bundle.files)} files ({bundle.renditions} renditions) "
                f"to {bundle.path}. Check them with: cd {bundle.path} && "
                "sha256sum -c SHA256SUMS"
            )
        )
