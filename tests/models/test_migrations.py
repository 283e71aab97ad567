"""The squashed migration (0023) stands in for 0001..0015_record_visits: a fresh
database applies it alone, a database that applied the originals keeps them, and
a migration that depends on ("archive", "0015_record_visits") still has a parent
either way."""

from __future__ import annotations

import pytest
from django.db import connection, migrations
from django.db.migrations.loader import MigrationLoader

SQUASH = ("archive", "0023_squashed_0001_to_0015")
LAST_REPLACED = ("archive", "0015_record_visits")
CHILD = ("archive", "0099_a_colleagues_migration")


class _WithChild(MigrationLoader):
    """The project's migrations and one more, written against the old chain's end."""

    def load_disk(self):
        super().load_disk()
        child = type(
            "Migration",
            (migrations.Migration,),
            {"dependencies": [LAST_REPLACED], "operations": []},
        )(CHILD[1], CHILD[0])
        self.disk_migrations[CHILD] = child


def test_a_fresh_database_applies_the_squash_and_nothing_it_replaces():
    """With nothing applied, the plan is the squash (one migration), and a new
    migration depending on 0015_record_visits comes after it."""
    loader = _WithChild(None, ignore_no_migrations=True)
    squash = loader.graph.nodes[SQUASH]
    assert len(squash.replaces) == 15 and LAST_REPLACED in squash.replaces
    plan = [key for key in loader.graph.forwards_plan(CHILD) if key[0] == "archive"]
    assert plan == [SQUASH, CHILD]
    assert CHILD in loader.graph.leaf_nodes("archive")


@pytest.mark.django_db
def test_a_database_migrated_by_the_squash_counts_every_replaced_migration_applied():
    """The test database was migrated through the squash: Django recorded the
    fifteen originals as applied too, so a deployment's history reads the same."""
    loader = _WithChild(connection)
    applied = set(loader.applied_migrations)
    assert SQUASH in applied
    assert set(loader.graph.nodes[SQUASH].replaces) <= applied
    assert [key for key in loader.graph.forwards_plan(CHILD) if key not in applied] == [
        CHILD
    ]
