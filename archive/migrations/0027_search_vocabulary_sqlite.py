"""SQLite: the vocabulary of each audience's FTS5 table, for reading a word as
itself when no other word begins with it.

Every word of a query matches as a prefix (`"synthetic"*`). FTS5 answers a prefix
by first gathering the whole document list of every term it begins, merged, before
the first row (about 12 ms for a word in 380,000 documents, in each of the up to
five scans of a bounded answer), where a term of its own is read as the scan goes.
When the only term a word begins is the word itself, both find the same documents
with the same bm25, so the search engine reads it as the term
(`SqliteBackend.exact_words`). An `fts5vocab` table ('row': one row per term, with
the documents holding it) lists the terms; it reads the FTS5 index itself and
stores nothing. One per audience, so that words found only in what an audience may
not find never change how its searches are read.

Self-contained: nothing here imports the application.
"""

from django.db import migrations

AUDIENCES = ("public", "exhibition")


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for audience in AUDIENCES:
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS archive_search_vocab_{audience} "
            f"USING fts5vocab(archive_search_fts_{audience}, 'row')",
            params=None,
        )


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for audience in AUDIENCES:
        schema_editor.execute(
            f"DROP TABLE IF EXISTS archive_search_vocab_{audience}", params=None
        )


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0026_search_statistics_postgresql"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
