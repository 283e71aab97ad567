"""PostgreSQL: statistics of each audience's search vectors, for planning searches.

The search engine chooses how to read a query's matches from the most common
lexemes of the documents' vectors and the share of documents holding each
(`archive.search.estimates`). ANALYZE gathers them for a column over the whole
table, hidden documents included, so a word found only in drafts would have been
estimated as common and planned differently from a word found nowhere: a hidden
record would have changed how, and how fast, a search is answered. These
statistics objects make ANALYZE gather them per audience instead: over each
audience's documents alone (the expression is NULL for the others). Nothing is
indexed; ANALYZE of the table computes them (about 2 s at 100,000 recognitions).
They need PostgreSQL 14 (statistics on expressions); on older servers nothing is
created, and search reads its matches as it did before it was planned.

Self-contained: nothing here imports the application.
"""

from django.db import migrations

AUDIENCES = ("public", "exhibition")


def install(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql" or connection.pg_version < 140000:
        return
    for audience in AUDIENCES:
        schema_editor.execute(
            f"CREATE STATISTICS IF NOT EXISTS archive_search_vector_{audience}_stats "
            f"ON (CASE WHEN {audience} THEN vector END) FROM archive_searchdocument",
            params=None,
        )


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for audience in AUDIENCES:
            schema_editor.execute(
                f"DROP STATISTICS IF EXISTS archive_search_vector_{audience}_stats",
                params=None,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0025_search_titled_index_postgresql"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
