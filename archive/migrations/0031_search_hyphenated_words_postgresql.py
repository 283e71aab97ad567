"""PostgreSQL reads a hyphenated name as its words, one after the other, as SQLite does.

Migration 0024 kept a hyphen between letters, and PostgreSQL's parser read
"Andrée Geulen-Herscovici" as `andrée`:1, `geulen-herscovici`:2, `geulen`:3,
`herscovici`:4: the whole compound takes a position of its own before its parts,
so the phrase "Andrée Geulen" (`andrée <-> geulen`) did not find the three demo
records that write her given and family names one after the other only in that
form, where SQLite, whose tokenizer splits at every character that is neither a
letter nor a digit, found them. No query can name the
compound (a query is read as runs of letters and digits,
`archive.search.query.words`), so it only ever added a second match of a prefix
("geulen" matched it and its part). The hyphen is now a space like the rest of
ASCII punctuation: both engines and the query see the same words at the same
positions.

Every document's vector is computed again (an UPDATE of every row, as in 0024),
then the table analysed.
Self-contained: nothing here imports the application (0024's function and statement
are read from that migration). SQLite is unchanged.
"""

import importlib

from django.db import migrations

#: Migration 0024's function, which the reverse puts back, and its statement
#: computing every vector again (the trigger reads the texts anew).
words = importlib.import_module("archive.migrations.0024_search_words_postgresql")

#: Printable ASCII that is neither a letter nor a digit, the hyphen included this
#: time, and as many spaces.
PUNCTUATION = words.PUNCTUATION + "-"
SPACES = words.SPACES + " "

WORDS_FUNCTION = (
    "CREATE OR REPLACE FUNCTION archive_search_words(text) RETURNS text "
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT "
    f"translate($1, '{PUNCTUATION}', '{SPACES}') $$"
)
RECOMPUTE = words.RECOMPUTE
#: The statistics search reads to choose how to read its matches
#: (`archive.search.estimates`) then name the new words, not the compounds.
ANALYSE = "ANALYZE archive_searchdocument"


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in (WORDS_FUNCTION, RECOMPUTE, ANALYSE):
            schema_editor.execute(statement, params=None)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in (words.WORDS_FUNCTION, RECOMPUTE, ANALYSE):
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0030_search_title_words"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
