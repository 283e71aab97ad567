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
"""

import re
import unicodedata

from django.db import migrations, models

#: `archive.search.query`: WORD, MAX_WORD, and the letters it respells.
WORD = re.compile(r"[^\W_]+")
MAX_WORD = 64
UPDATE_TRIGGER = "archive_search_fts_update"
LIGATURES = str.maketrans(
    {"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th"}
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


def count(apps, schema_editor):
    """Count the stored titles' words. On SQLite without the FTS5 update trigger
    (migration 0028): it would write every document's FTS5 rows again for a
    column they do not hold; it is made again from its own SQL afterwards."""
    documents = apps.get_model("archive", "SearchDocument")
    trigger = None
    if schema_editor.connection.vendor == "sqlite":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s",
                [UPDATE_TRIGGER],
            )
            found = cursor.fetchone()
        if found:
            trigger = found[0]
            schema_editor.execute(f"DROP TRIGGER {UPDATE_TRIGGER}", params=None)
    # In batches by key, each read before it is written: SQLite leaves undefined
    # what a statement still reading a table sees of writes to it.
    last = 0
    while batch := list(
        documents.objects.filter(pk__gt=last).order_by("pk").only("pk", "title")[:2000]
    ):
        for document in batch:
            document.title_words = title_words(document.title)
        documents.objects.bulk_update(batch, ["title_words"])
        last = batch[-1].pk
    if trigger:
        schema_editor.execute(trigger, params=None)


#: SQLite: the column is added by ALTER TABLE, not by Django's AddField, which
#: makes a NOT NULL column by copying the table into a new one and so loses its
#: triggers (the FTS5 tables' three, migration 0028: search then found nothing
#: written after it). PostgreSQL adds it in place either way.
SQLITE_COLUMN = (
    'ALTER TABLE archive_searchdocument ADD COLUMN "title_words" smallint '
    'unsigned NOT NULL DEFAULT 1 CHECK ("title_words" >= 0)'
)


def _field() -> models.Field:
    field = models.PositiveSmallIntegerField(default=1)
    field.set_attributes_from_name("title_words")
    return field


def add_column(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_COLUMN, params=None)
    else:
        model = apps.get_model("archive", "SearchDocument")
        schema_editor.add_field(model, _field())


def remove_column(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            'ALTER TABLE archive_searchdocument DROP COLUMN "title_words"',
            params=None,
        )
    else:
        model = apps.get_model("archive", "SearchDocument")
        schema_editor.remove_field(model, _field())


class Migration(migrations.Migration):
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
            database_operations=[migrations.RunPython(add_column, remove_column)],
        ),
        migrations.RunPython(count, migrations.RunPython.noop),
    ]
