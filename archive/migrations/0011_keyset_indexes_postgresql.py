"""PostgreSQL only: indexes in the exact order of the API's keyset pages on nullable
dates.

The API orders nullable sort columns with nulls first when ascending (and last when
descending), then by id (archive/api/pagination.py), which is how SQLite's indexes
store nulls, so SQLite walks its plain index. PostgreSQL's default index keeps nulls
last, so it could not walk `date_earliest` for `ORDER BY date_earliest ASC NULLS
FIRST, id`: it read and sorted every visible row for each page (a 20,000-row top-N
sort per page of recognitions, see docs/performance.md). An index on
`(column ASC NULLS FIRST, id)` serves both directions (read backwards, it is
`DESC NULLS LAST, id DESC`). SQLite needs nothing: the migration does nothing there.
"""

from django.db import migrations

#: (table, column) of every nullable date a list is ordered by (DATE_ORDERINGS and
#: the recognitions' and people's own orderings in archive/api/views.py).
KEYSET_COLUMNS = (
    ("archive_recognition", "date_earliest"),
    ("archive_testimony", "date_earliest"),
    ("archive_source", "date_earliest"),
    ("archive_event", "date_earliest"),
    ("archive_image", "date_earliest"),
    ("archive_figure", "date_earliest"),
    ("archive_organisation", "date_earliest"),
    ("archive_person", "birth_latest"),
)


def index_name(table: str, column: str) -> str:
    return f"{table}_{column}_keyset"[:63]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    existing = schema_editor.connection.introspection.table_names()
    for table, column in KEYSET_COLUMNS:
        if table in existing:
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS "{index_name(table, column)}" '
                f'ON "{table}" ("{column}" ASC NULLS FIRST, "id" ASC)'
            )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in KEYSET_COLUMNS:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{index_name(table, column)}"')


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0007_search_documents"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
