"""Print the translation completeness table: field x language, published records."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from archive import provenance
from archive.kinds import language_codes


class Command(BaseCommand):
    help = (
        "Print, for each long text (or every translated field with --all-fields), "
        "how many published records have it and how many have it in each language, "
        "with the percentage of those with text. --fail-under N exits with status "
        "1 when a language's share is below N percent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all-fields",
            action="store_true",
            help="Every translated field, not only the long texts of issue 15.",
        )
        parser.add_argument(
            "--fail-under",
            type=int,
            default=None,
            metavar="PERCENT",
            help="Exit with status 1 when any cell is below this percentage.",
        )

    def handle(self, *args, **options):
        rows = []
        if options["all_fields"]:
            rows = [r for r in provenance.all_completeness() if r["with_text"]]
        else:
            for model, field in provenance.LONG_TEXTS.items():
                rows += provenance.completeness(model, [field])
        codes = language_codes()
        header = ["field", "published records", "with text"] + [
            c.upper() for c in codes
        ]
        lines = [header]
        low = []
        for row in rows:
            cells = []
            for code in codes:
                share = provenance.percent(row["filled"][code], row["with_text"])
                cells.append(
                    f"{row['filled'][code]} ({share}%)" if share is not None else "0"
                )
                floor = options["fail_under"]
                if share is not None and floor is not None and share < floor:
                    low.append(
                        f"{row['model'].__name__}.{row['field']} {code}: {share}%"
                    )
            name = f"{row['model'].__name__}.{row['field']}"
            lines.append([name, str(row["records"]), str(row["with_text"]), *cells])
        self.stdout.write(markdown_table(lines))
        if low:
            raise CommandError(
                f"Below {options['fail_under']}%: " + "; ".join(low), returncode=1
            )


def markdown_table(lines: list[list[str]]) -> str:
    """Rows as a Markdown table (it reads as well in a terminal as in a note)."""
    out = ["| " + " | ".join(lines[0]) + " |", "|" + "---|" * len(lines[0])]
    out += ["| " + " | ".join(line) + " |" for line in lines[1:]]
    return "\n".join(out)
