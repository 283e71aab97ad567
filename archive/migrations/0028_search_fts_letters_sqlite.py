"""SQLite: the FTS5 tables spell the letters ł, ø, æ, œ, đ, ð, þ (and their
capitals) as the query reader does (l, o, ae, oe, d, d, th).

FTS5's tokenizer removes accents (ó, ź) but keeps these letters, while the search
engine reads a query with them respelt (`archive.search.query.LIGATURES`, as
PostgreSQL's `unaccent` does on both sides). So "Łódź" was indexed as `łodz` and
searched for as `lodz`: on SQLite no spelling of it found it. The triggers that
fill the FTS5 tables (migration 0017) now respell them, and the tables are filled
again from the documents and their segments merged (what `rebuild_search_index`
does for them; about 30 s at 100,000 recognitions). The same letters as `archive.search.backends.
fts5_folded` (`tests/search/test_letters.py` compares them).

Self-contained: nothing here imports the application.
"""

from django.db import migrations

AUDIENCES = ("public", "exhibition")
SPELLINGS = {"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th"}
LETTERS = sorted(
    {**SPELLINGS, **{k.upper(): v.upper() for k, v in SPELLINGS.items()}}.items()
)


def column(name: str, texts: str, folded: bool) -> str:
    expression = (
        f"COALESCE((SELECT group_concat(json_extract(value, '$.{name}'), "
        f"char(10)) FROM json_each({texts})), '')"
    )
    if not folded:
        return expression
    # Read once, respelt only when a GLOB finds one of the letters.
    respelt = "text"
    for letter, spelling in LETTERS:
        respelt = f"replace({respelt}, '{letter}', '{spelling}')"
    letters = "".join(letter for letter, _ in LETTERS)
    return (
        f"(SELECT CASE WHEN text GLOB '*[{letters}]*' THEN {respelt} ELSE text END "
        f"FROM (SELECT {expression} AS text))"
    )


def rows(texts: str, folded: bool) -> str:
    return ", ".join(column(name, texts, folded) for name in "abc")


def statements(folded: bool) -> list[str]:
    fill = " ".join(
        f"INSERT INTO archive_search_fts_{audience}(rowid, a, b, c) "
        f"SELECT new.id, {rows('new.texts', folded)} WHERE new.{audience};"
        for audience in AUDIENCES
    )
    empty = " ".join(
        f"DELETE FROM archive_search_fts_{audience} WHERE rowid = old.id;"
        for audience in AUDIENCES
    )
    refill = [
        statement
        for audience in AUDIENCES
        for statement in (
            f"DELETE FROM archive_search_fts_{audience}",
            f"INSERT INTO archive_search_fts_{audience}(rowid, a, b, c) "
            f"SELECT id, {rows('archive_searchdocument.texts', folded)} "
            f"FROM archive_searchdocument WHERE {audience}",
            # One statement leaves the table in many segments, which every query
            # reads (a prefix twice as slow at 100,000 recognitions): merge them.
            f"INSERT INTO archive_search_fts_{audience}(archive_search_fts_{audience}) "
            "VALUES ('optimize')",
        )
    ]
    return [
        "DROP TRIGGER IF EXISTS archive_search_fts_insert",
        "DROP TRIGGER IF EXISTS archive_search_fts_update",
        "CREATE TRIGGER archive_search_fts_insert AFTER INSERT ON "
        f"archive_searchdocument BEGIN {fill} END",
        "CREATE TRIGGER archive_search_fts_update AFTER UPDATE ON "
        f"archive_searchdocument BEGIN {empty} {fill} END",
        *refill,
    ]


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in statements(folded=True):
            schema_editor.execute(statement, params=None)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in statements(folded=False):
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0027_search_vocabulary_sqlite"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
