"""Backups: a bag restores on the other database engine with nothing lost."""

from __future__ import annotations

import json
import shutil
import threading

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from archive import backup
from archive import models as m
from archive.backup import BackupError, create_backup, restore_backup, verify_bag
from archive.media import ingest_source_file
from tests import factories as f
from tests.api.builders import full_archive
from tests.api.conftest import new_client
from tests.ops.fingerprint import fingerprint

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _archive_with_history() -> None:
    archive = full_archive()
    ingest_source_file(
        source=archive.source, upload=ContentFile(PDF), filename="decree.pdf"
    )
    archive.person.biography_en = "Edited by a curator."
    archive.person.save()
    f.make_user("Publisher", username="publisher-rt")
    new_client()


def differences(a, b, path: str = "") -> list[str]:
    """Where two JSON documents differ (for a readable failure)."""
    if isinstance(a, dict) and isinstance(b, dict):
        found = []
        for key in sorted(set(a) | set(b), key=str):
            if key not in a or key not in b:
                found.append(f"{path}/{key}: only on one side")
            else:
                found += differences(a[key], b[key], f"{path}/{key}")
        return found
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [
            d
            for i, (x, y) in enumerate(zip(a, b, strict=True))
            for d in differences(x, y, f"{path}/{i}")
        ]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


def _rows(bag) -> dict[tuple[str, str], dict]:
    rows = json.loads((bag / "data" / "database.json").read_text())
    return {(row["model"], str(row["pk"])): row["fields"] for row in rows}


@pytest.mark.django_db
def test_a_backup_restores_on_the_other_engine_with_equal_records_api_history_and_files(
    tmp_path, other_engine_instance
):
    _archive_with_history()
    before = json.loads(json.dumps(fingerprint(), sort_keys=True, default=str))
    bag = tmp_path / "bag"
    call_command("backup", str(bag), verbosity=0)

    other_engine_instance.manage("restore", str(bag))
    after = json.loads(other_engine_instance.run("-m", "tests.ops.fingerprint").stdout)
    assert differences(before, after) == []
    assert all(value is True or len(value) == 64 for value in after["files"].values())
    assert before["counts"]["archive.HistoricalPerson"] >= 2

    # And back: the restored instance's own bag holds the same rows (only the
    # archive version moved on: a restore invalidates every cached answer).
    second = tmp_path / "bag-back"
    other_engine_instance.manage("backup", str(second))
    version = ("archive.archiveversion", "1")
    assert _rows(second)[version]["version"] > _rows(bag)[version]["version"]
    assert (
        differences(
            {k: v for k, v in _rows(bag).items() if k != version},
            {k: v for k, v in _rows(second).items() if k != version},
        )
        == []
    )


@pytest.mark.django_db
def test_restore_refuses_a_bag_whose_payload_changed(tmp_path):
    f.make_image()
    bag = tmp_path / "bag"
    create_backup(bag)
    original = next((bag / "data" / "files" / "private").rglob("*.jpg"))
    original.write_bytes(original.read_bytes() + b"x")
    with pytest.raises(BackupError, match="not valid"):
        verify_bag(bag)
    with pytest.raises(CommandError, match="not valid"):
        call_command("restore", str(bag), verbosity=0)


@pytest.mark.django_db
def test_restore_refuses_an_instance_that_already_holds_records(tmp_path):
    f.make_person()
    bag = tmp_path / "bag"
    create_backup(bag)
    with pytest.raises(BackupError, match="empty instance"):
        restore_backup(bag)
    assert m.Person.objects.count() == 1


@pytest.mark.django_db
def test_backup_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "bag").mkdir()
    (tmp_path / "bag" / "keep.txt").write_text("mine")
    with pytest.raises(BackupError, match="not empty"):
        create_backup(tmp_path / "bag")
    assert (tmp_path / "bag" / "keep.txt").read_text() == "mine"


@pytest.mark.django_db
def test_backup_leaves_out_sessions_and_derived_rows_but_keeps_groups_and_clients(
    tmp_path,
):
    client, _key = new_client()
    bag = tmp_path / "bag"
    create_backup(bag)
    models = {model for model, _pk in _rows(bag)}
    assert "archive.apiclient" in models
    assert "auth.group" in models
    assert not models & {"sessions.session", "auth.permission", "archive.searchtoken"}
    stored = _rows(bag)[("archive.apiclient", str(client.pk))]
    assert stored["key_hash"] == client.key_hash
    assert Group.objects.filter(name="Publisher").exists()
    shutil.rmtree(bag)


@pytest.mark.django_db(transaction=True)
def test_a_backup_taken_while_a_curator_saves_holds_all_or_none_of_the_save(
    tmp_path, monkeypatch
):
    f.make_person(family_name="Before")
    saved = {}

    def curator_saves_now(model) -> None:
        """Right after the people are written, another connection commits a new
        person (and so a history row, which the bag has not reached yet)."""
        if model is not m.Person or saved:
            return

        def save() -> None:
            try:
                saved["person"] = f.make_person(family_name="DuringBackup")
            finally:
                connection.close()

        thread = threading.Thread(target=save)
        thread.start()
        thread.join()

    monkeypatch.setattr(backup, "after_model_dumped", curator_saves_now)
    bag = tmp_path / "bag"
    create_backup(bag)

    assert "person" in saved  # the save really happened during the backup
    rows = json.loads((bag / "data" / "database.json").read_text())
    names = [
        row["fields"]["family_name"]
        for row in rows
        if row["model"] in ("archive.person", "archive.historicalperson")
    ]
    assert "DuringBackup" not in names
    assert names.count("Before") == 2  # the record and its history row
