"""Each search document keeps how many different words its title holds, in all
its languages (`SearchDocument.title_words`): a match in a record's names and
titles adds to its rank a boost divided by that number
(`archive.search.backends.NAME_BOOST`), so that the record *of* a person comes
before a figure or a testimony whose longer, four times translated titles
mention her, whatever the length of the person's biography.

The documents already written are counted from their stored titles, as the
index counts them (`Document.title_words`, reading words as `query.words`
does); `tests/search/test_index.py` checks that the two agree. Self-contained:
nothing here imports the application.

Not atomic: on PostgreSQL the column is added in a transaction of its own and
the documents are counted in batches, each in its own, so that searches and
saves go on meanwhile. A transaction around the whole would hold ADD COLUMN's
exclusive lock until the last row was written (and every row written again adds
entries to the GIN indexes). On SQLite the count is one transaction.
"""

import json
import re
import unicodedata

from django.db import migrations, models, transaction

#: `archive.search.query`: WORD, MAX_WORD, and the letters it respells.
WORD = re.compile(r"[^\W_]+")
MAX_WORD = 64
LIGATURES = str.maketrans(
    {"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th"}
)
#: The FTS5 tables' update trigger on SQLite (migration 0028).
UPDATE_TRIGGER = "archive_search_fts_update"
#: Documents counted and written per statement.
BATCH = 2000

#: The column is added by ALTER TABLE, not by Django's AddField: on SQLite,
#: AddField makes a NOT NULL column by copying the table into a new one and so
#: loses its triggers (the FTS5 tables' three: search then found nothing written
#: after it). Its default stays on both databases (AddField drops it on
#: PostgreSQL; SQLite adds a NOT NULL column only with one). Added only if
#: missing: a run stopped during the count leaves it there.
COLUMN = (
    '"title_words" smallint{unsigned} NOT NULL DEFAULT 1 CHECK ("title_words" >= 0)'
)


def title_words(title: dict) -> int:
    found = set()
    for text in (title or {}).values():
        decomposed = unicodedata.normalize(
            "NFKD", (text or "").lower().translate(LIGATURES)
        )
        plain = "".join(c for c in decomposed if not unicodedata.combining(c))
        found.update(word[:MAX_WORD] for word in WORD.findall(plain))
    return max(1, len(found))


def _columns(connection) -> set[str]:
    with connection.cursor() as cursor:
        return {
            column.name
            for column in connection.introspection.get_table_description(
                cursor, "archive_searchdocument"
            )
        }


def add_column(apps, schema_editor):
    connection = schema_editor.connection
    if "title_words" in _columns(connection):
        return
    unsigned = " unsigned" if connection.vendor == "sqlite" else ""
    schema_editor.execute(
        "ALTER TABLE archive_searchdocument ADD COLUMN "
        + COLUMN.format(unsigned=unsigned),
        params=None,
    )


def remove_column(apps, schema_editor):
    schema_editor.execute(
        'ALTER TABLE archive_searchdocument DROP COLUMN "title_words"', params=None
    )


def count(apps, schema_editor):
    """Count the stored titles' words, in batches by key, each read before it
    is written (SQLite leaves undefined what a statement still reading a table
    sees of writes to it); a title of one word keeps the default.

    SQLite: every batch in one transaction, without the FTS5 update trigger,
    which would write every document's FTS5 rows again for a column they do not
    hold; it is made again from its own SQL before the transaction ends.
    PostgreSQL: each batch in a transaction of its own."""
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        with transaction.atomic(using=connection.alias):
            trigger = _drop_update_trigger(connection)
            _count(connection, after=0, batches=None)
            if trigger:
                with connection.cursor() as cursor:
                    cursor.execute(trigger)
        return
    last = 0
    while last is not None:
        with transaction.atomic(using=connection.alias):
            last = _count(connection, after=last, batches=1)


def _drop_update_trigger(connection) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s",
            [UPDATE_TRIGGER],
        )
        found = cursor.fetchone()
        if found:
            cursor.execute(f"DROP TRIGGER {UPDATE_TRIGGER}")
    return found[0] if found else None


def _count(connection, after: int, batches: int | None) -> int | None:
    """Count `batches` batches (None: all) of the documents after id `after`;
    the last id counted, or None once no document is left."""
    done = 0
    with connection.cursor() as cursor:
        while batches is None or done < batches:
            cursor.execute(
                "SELECT id, title FROM archive_searchdocument WHERE id > %s "
                "ORDER BY id LIMIT %s",
                [after, BATCH],
            )
            rows = cursor.fetchall()
            if not rows:
                return None
            counted = []
            for pk, title in rows:
                if isinstance(title, str):  # JSON as text (SQLite)
                    title = json.loads(title)
                words = title_words(title)
                if words != 1:
                    counted.extend([pk, words])
            if counted:
                values = ", ".join("(%s, %s)" for _ in range(len(counted) // 2))
                cursor.execute(
                    "UPDATE archive_searchdocument SET title_words = counted.n "
                    f"FROM (SELECT column1 AS id, column2 AS n FROM (VALUES {values}) "
                    "AS listed) AS counted "
                    "WHERE archive_searchdocument.id = counted.id",
                    counted,
                )
            after = rows[-1][0]
            done += 1
    return after


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("archive", "0029_search_prefix_indexes_sqlite"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="searchdocument",
                    name="title_words",
                    field=models.PositiveSmallIntegerField(
                        default=1,
                        help_text="How many different words the record's title "
                        "holds, in all its languages (at least 1): a search that "
                        "matches a record's names or title ranks it higher the "
                        "shorter its title (kept by the index).",
                        verbose_name="words in the title",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunPython(add_column, remove_column, atomic=True)
            ],
        ),
        migrations.RunPython(count, migrations.RunPython.noop),
    ]
