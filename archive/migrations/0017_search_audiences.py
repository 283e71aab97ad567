"""The search index by audience: each document says who may find its record, and
the engines' indexes hold only what each audience may find.

SQLite: one FTS5 table per audience (`archive_search_fts_public`,
`archive_search_fts_exhibition`) instead of one for every document, so bm25's
statistics (how many documents hold a word, their average length) are those of
the documents the audience can find: a hidden record cannot change a ranking.
PostgreSQL: a GIN index per audience (partial indexes), the full one dropped.

The new flags start false: run `python manage.py rebuild_search_index` after
migrating (until then search finds nothing). Self-contained: nothing here imports
the application.
"""

from django.db import migrations, models

SQLITE_TEXT = """
    SELECT new.id,
        COALESCE((SELECT group_concat(json_extract(value, '$.a'), char(10))
                  FROM json_each(new.texts)), ''),
        COALESCE((SELECT group_concat(json_extract(value, '$.b'), char(10))
                  FROM json_each(new.texts)), ''),
        COALESCE((SELECT group_concat(json_extract(value, '$.c'), char(10))
                  FROM json_each(new.texts)), '')
    WHERE new.{audience}
"""
AUDIENCES = ("public", "exhibition")


def _fill(audience: str) -> str:
    return (
        f"INSERT INTO archive_search_fts_{audience}(rowid, a, b, c) "
        + SQLITE_TEXT.format(audience=audience)
        + ";"
    )


def _empty() -> str:
    return " ".join(
        f"DELETE FROM archive_search_fts_{audience} WHERE rowid = old.id;"
        for audience in AUDIENCES
    )


SQLITE_OLD = [
    "DROP TRIGGER IF EXISTS archive_search_fts_update",
    "DROP TRIGGER IF EXISTS archive_search_fts_delete",
    "DROP TRIGGER IF EXISTS archive_search_fts_insert",
    "DROP TABLE IF EXISTS archive_search_fts",
]
SQLITE_INSTALL = [
    *SQLITE_OLD,
    *(
        f"CREATE VIRTUAL TABLE archive_search_fts_{audience} USING fts5("
        "a, b, c, tokenize = 'unicode61 remove_diacritics 2')"
        for audience in AUDIENCES
    ),
    "CREATE TRIGGER archive_search_fts_insert AFTER INSERT ON archive_searchdocument "
    "BEGIN " + " ".join(_fill(audience) for audience in AUDIENCES) + " END",
    "CREATE TRIGGER archive_search_fts_delete AFTER DELETE ON archive_searchdocument "
    "BEGIN " + _empty() + " END",
    "CREATE TRIGGER archive_search_fts_update AFTER UPDATE ON archive_searchdocument "
    "BEGIN " + _empty() + " " + " ".join(_fill(a) for a in AUDIENCES) + " END",
]
SQLITE_UNINSTALL = [
    "DROP TRIGGER IF EXISTS archive_search_fts_update",
    "DROP TRIGGER IF EXISTS archive_search_fts_delete",
    "DROP TRIGGER IF EXISTS archive_search_fts_insert",
    *(f"DROP TABLE IF EXISTS archive_search_fts_{audience}" for audience in AUDIENCES),
    # 0007's single table comes back empty: rebuild the index after going back.
    "CREATE VIRTUAL TABLE archive_search_fts USING fts5("
    "a, b, c, tokenize = 'unicode61 remove_diacritics 2')",
]

PG_INSTALL = [
    "DROP INDEX IF EXISTS archive_search_vector_idx",
    *(
        f"CREATE INDEX archive_search_vector_{audience}_idx ON archive_searchdocument "
        f"USING gin (vector) WHERE {audience}"
        for audience in AUDIENCES
    ),
]
PG_UNINSTALL = [
    *(f"DROP INDEX IF EXISTS archive_search_vector_{a}_idx" for a in AUDIENCES),
    "CREATE INDEX archive_search_vector_idx ON archive_searchdocument "
    "USING gin (vector)",
]
STATEMENTS = {
    "sqlite": (SQLITE_INSTALL, SQLITE_UNINSTALL),
    "postgresql": (PG_INSTALL, PG_UNINSTALL),
}


def install(apps, schema_editor):
    for statement in STATEMENTS.get(schema_editor.connection.vendor, ([], []))[0]:
        schema_editor.execute(statement, params=None)


def uninstall(apps, schema_editor):
    for statement in STATEMENTS.get(schema_editor.connection.vendor, ([], []))[1]:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0019_security_keys"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="public",
            field=models.BooleanField(
                default=False,
                help_text="Whether anonymous visitors may find the record (kept by "
                "the index).",
                verbose_name="public",
            ),
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="exhibition",
            field=models.BooleanField(
                default=False,
                help_text="Whether exhibition clients may find the record (kept by "
                "the index).",
                verbose_name="exhibition clients",
            ),
        ),
        migrations.RunPython(install, uninstall),
    ]
