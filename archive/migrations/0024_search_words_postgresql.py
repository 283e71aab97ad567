"""PostgreSQL reads indexed text into the same words as SQLite and as a query.

PostgreSQL's text parser gave some text tokens no query can name: "SYN-1-000420"
(a file number) became `syn`, `-1` and `-000420` (signed integers), and an address
became one `host` token, so a search for "000420" found the file on SQLite (whose
tokenizer splits at every character that is not a letter or a digit) and not on
PostgreSQL. A query is always read as runs of letters and digits
(`archive.search.query.words`). The texts are now given to PostgreSQL with ASCII
punctuation (after `unaccent`, which also turns typographic dashes and quotes into
ASCII ones) as spaces, and a hyphen next to a digit too, so both engines and the
query see the same words. A hyphen between letters is kept (see NUMBER_HYPHEN).

Every document's vector is computed again (an UPDATE of every row: on a large
archive this takes as long as the vector part of `rebuild_search_index`).
Self-contained: nothing here imports the application. SQLite is unchanged.
"""

from django.db import migrations

#: Printable ASCII that is neither a letter nor a digit, except the hyphen, and as
#: many spaces.
PUNCTUATION = "!\"#$%&''()*+,./:;<=>?@[\\]^_`{|}~"
SPACES = " " * 31
#: A hyphen next to a digit (a signed number to PostgreSQL's parser). A hyphen
#: between letters stays: the parser keeps "Geulen-Herscovici" whole and also
#: gives its parts, which a query finds as SQLite's words, and the whole word
#: is a second match of a prefix ("geulen" finds both), which ranks a person's
#: double name as before.
NUMBER_HYPHEN = "-(?=[0-9])|(?<=[0-9])-"

WORDS_FUNCTION = (
    "CREATE OR REPLACE FUNCTION archive_search_words(text) RETURNS text "
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT regexp_replace("
    f"translate($1, '{PUNCTUATION}', '{SPACES}'), '{NUMBER_HYPHEN}', ' ', 'g') $$"
)


def vector_function(words: bool) -> str:
    """archive_search_vector(texts) as migration 0007 made it, each text after
    unaccent also read through archive_search_words when `words`."""

    def read(field: str) -> str:
        text = f"unaccent(COALESCE(entry->>'{field}', ''))"
        return f"archive_search_words({text})" if words else text

    def weighted(config: str) -> str:
        return " || ".join(
            f"setweight(to_tsvector({config}, {read(field)}), '{field.upper()}')"
            for field in "abc"
        )

    return (
        "CREATE OR REPLACE FUNCTION archive_search_vector(texts jsonb) "
        "RETURNS tsvector "
        "LANGUAGE plpgsql STABLE AS $$ DECLARE entry jsonb; config regconfig; "
        "result tsvector := ''::tsvector; BEGIN "
        "FOR entry IN SELECT * FROM jsonb_array_elements(COALESCE(texts, '[]'::jsonb)) "
        "LOOP result := result || "
        + weighted("'simple'::regconfig")
        + "; config := archive_search_config(entry->>'lang'); "
        "IF config <> 'simple'::regconfig THEN result := result || "
        + weighted("config")
        + "; END IF; END LOOP; RETURN result; END $$"
    )


RECOMPUTE = "UPDATE archive_searchdocument SET texts = texts"
PG_INSTALL = [
    WORDS_FUNCTION,
    vector_function(words=True),
    RECOMPUTE,
]
PG_UNINSTALL = [
    vector_function(words=False),
    RECOMPUTE,
    "DROP FUNCTION IF EXISTS archive_search_words(text)",
]


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in PG_INSTALL:
            schema_editor.execute(statement, params=None)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in PG_UNINSTALL:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0021_rescuer_relation_translated"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
