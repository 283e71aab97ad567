"""SQLite: each audience's FTS5 table keeps prefix indexes of 2 to 6 letters.

Every word of a query matches as a prefix (`"resc"*`). Without a prefix index,
FTS5 answers one by first gathering, merged, the document lists of every term the
prefix begins, before the first row and again in each scan of a bounded answer:
at 100,000 recognitions `synth` took 166 ms and `resc` 114 ms, the two slowest
queries of `bench_search` with the phrase `"load tests"`. With an index of the
prefix's length, FTS5 reads the prefix as it reads a term, as the scan goes
(`synth` then took about 30 ms). Prefixes of 2 to 6 letters cover what a visitor
types while looking for a word; a longer word that is a term of its own and
begins no other is read as that term already (`SqliteBackend.exact_words`).
`archive.search.backends.FTS_PREFIXES` says the same.

The tables are made again with the option and filled from the documents, as
migration 0028 fills them, then their segments merged (42 to 46 s at 100,000
recognitions, 31 s back; the prefix indexes add about 125 MB per audience there). Going
back makes them again without it. The vocabulary tables (migration 0027) read the
FTS5 tables by name: they are dropped and made again with them.

Self-contained: nothing here imports the application (the FTS5 rows are made by
migration 0028's own expressions).
"""

import importlib

from django.db import migrations

PREFIXES = "2 3 4 5 6"
letters = importlib.import_module("archive.migrations.0028_search_fts_letters_sqlite")


def statements(prefixes: str) -> list[str]:
    option = f", prefix = '{prefixes}'" if prefixes else ""
    made = []
    for audience in letters.AUDIENCES:
        fts = f"archive_search_fts_{audience}"
        made += [
            f"DROP TABLE IF EXISTS archive_search_vocab_{audience}",
            f"DROP TABLE IF EXISTS {fts}",
            f"CREATE VIRTUAL TABLE {fts} USING fts5("
            f"a, b, c, tokenize = 'unicode61 remove_diacritics 2'{option})",
            f"CREATE VIRTUAL TABLE archive_search_vocab_{audience} "
            f"USING fts5vocab({fts}, 'row')",
            f"INSERT INTO {fts}(rowid, a, b, c) "
            f"SELECT id, {letters.rows('archive_searchdocument.texts', folded=True)} "
            f"FROM archive_searchdocument WHERE {audience}",
            f"INSERT INTO {fts}({fts}) VALUES ('optimize')",
        ]
    return made


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in statements(PREFIXES):
            schema_editor.execute(statement, params=None)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in statements(""):
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0028_search_fts_letters_sqlite"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
