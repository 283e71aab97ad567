"""Backups as BagIt bags, and restoring them into an empty instance.

A bag (RFC 8493, written and verified with the `bagit` library) holds:

- `data/database.json`: every row of every model that is not derived, in Django's
  JSON serialisation format (`[{"model": "app.model", "pk": ..., "fields": {...}}]`),
  with natural keys for content types and permissions. It names no database engine:
  a bag taken on SQLite restores on PostgreSQL and back. Records, their history
  (`Historical*` rows and the admin log), users and groups with their permissions,
  two-factor devices, API clients (only the hash of each key exists to be saved)
  and the archive's version stamps are in it. Left out because they are derived or
  transient: content types and permissions (made by `migrate`), sessions, login
  attempts and lockouts, and the search words (rebuilt after a restore).
- `data/files/<storage>/<name>`: every file a current or historical row names
  (originals, source documents, testimony media, renditions), under the storage
  alias it lives in and its stored name, so restored rows point at the same names.
- `data/manifest.json`: the format version, the applied migrations, row counts per
  model and the SHA-256 each record claims for its file.
- the bag's own `manifest-sha256.txt` over every payload file, and `bag-info.txt`.

Consistency: the rows are read in one snapshot (REPEATABLE READ on PostgreSQL, one
read transaction on SQLite in WAL mode), so a curator saving during the backup is
either wholly in it or wholly out of it and is never blocked. Files are copied after
the snapshot: the application never overwrites a stored file (every upload gets a
new generated name) and never deletes an original, so every file the snapshot names
is still there.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bagit
from django.apps import apps
from django.core import serializers
from django.core.files import File
from django.core.files.storage import Storage
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from archive.storage import AliasedStorage, RenditionStorage
from archive.storage import rendition_storage as renditions_storage

FORMAT_VERSION = "1"
CHUNK_SIZE = 1024 * 1024
#: Apps whose rows are derived from code or transient (never backed up).
SKIPPED_APPS = frozenset({"contenttypes", "sessions", "axes"})
#: Single models that are derived: permissions (from migrate), search words.
SKIPPED_MODELS = frozenset(
    {"auth.permission", "archive.searchdocument", "archive.searchfacet"}
)
#: (model label, field name) -> storage key in the bag, and the record's checksum
#: field if it has one. Historical rows name the same columns.
FILE_FIELDS: dict[tuple[str, str], str | None] = {
    ("archive.image", "file"): "sha256",
    ("archive.source", "file"): "file_sha256",
    ("archive.testimony", "media_file"): None,
    ("archive.rendition", "file"): None,
}


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder cuts datetimes to milliseconds; a backup keeps every digit."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime | datetime.time):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        return super().default(o)


class BackupError(Exception):
    """The bag cannot be written or restored; the message says why."""


@dataclass(frozen=True)
class StoredFile:
    storage_key: str
    name: str


def backed_up_models() -> list[type[models.Model]]:
    """Every model whose rows a backup holds, in an order that loads cleanly."""
    chosen = [
        model
        for model in apps.get_models()
        if model._meta.app_label not in SKIPPED_APPS
        and model._meta.label_lower not in SKIPPED_MODELS
        and not model._meta.proxy
        and model._meta.managed
    ]
    app_list = {}
    for model in chosen:
        app_list.setdefault(apps.get_app_config(model._meta.app_label), []).append(
            model
        )
    return serializers.sort_dependencies(app_list.items(), allow_cycles=True)


def _storage_key(storage: Storage) -> str:
    if isinstance(storage, RenditionStorage):
        return "renditions"
    if isinstance(storage, AliasedStorage):
        return storage.alias
    raise BackupError(f"Unknown storage {storage!r}.")


def _storage_for(key: str) -> Storage:
    if key == "renditions":
        return renditions_storage
    return AliasedStorage(key)


def _file_columns(model: type[models.Model]) -> list[tuple[str, str, str | None]]:
    """(column, storage key, checksum column) for the files a model's rows name."""
    base = getattr(model, "instance_type", model)  # a historical model's record
    found = []
    for (label, name), checksum in FILE_FIELDS.items():
        if base._meta.label_lower == label:
            storage = base._meta.get_field(name).storage
            found.append((name, _storage_key(storage), checksum))
    return found


def applied_migrations(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """'app.name' of every migration applied to the database."""
    recorder = MigrationRecorder(connections[using])
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


@contextlib.contextmanager
def snapshot(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Read every following query from one consistent snapshot of the database."""
    connection = connections[using]
    if connection.in_atomic_block:
        yield  # inside the caller's transaction (tests): its snapshot holds
        return
    if connection.vendor == "postgresql":
        with transaction.atomic(using=using):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"
                )
            yield
        return
    if connection.vendor == "sqlite":
        # Django's atomic() would BEGIN IMMEDIATE and block every curator's save
        # for the whole backup; a deferred read transaction in WAL mode sees one
        # snapshot from its first read and blocks nobody.
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
            cursor.execute("SELECT count(*) FROM django_migrations")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("COMMIT")
        return
    raise BackupError(f"Backups are not supported on {connection.vendor}.")


def _dump_rows(out: Any, model_list: list[type[models.Model]]) -> dict[str, Any]:
    """Write every row as Django JSON; return counts and the files the rows name."""
    counts: dict[str, int] = {}
    files: dict[StoredFile, str | None] = {}
    out.write("[\n")
    first = True
    for model in model_list:
        queryset = model._default_manager.order_by(model._meta.pk.name)
        counts[model._meta.label] = 0
        columns = _file_columns(model)
        for row in queryset.iterator(chunk_size=2000):
            counts[model._meta.label] += 1
            text = serializers.serialize(
                "json",
                [row],
                use_natural_foreign_keys=True,
                indent=None,
                cls=ExactJSONEncoder,
            )[1:-1]
            out.write(text if first else ",\n" + text)
            first = False
            for column, key, checksum in columns:
                name = str(getattr(row, column) or "")
                if name:
                    claimed = getattr(row, checksum) if checksum else None
                    stored = StoredFile(key, name)
                    files[stored] = files.get(stored) or claimed or None
        after_model_dumped(model)
    out.write("\n]\n")
    return {"counts": counts, "files": files}


def after_model_dumped(model: type[models.Model]) -> None:
    """Called after each model's rows are written (a hook for consistency tests)."""


def _copy_out(storage: Storage, name: str, target: Path) -> str:
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with storage.open(name, "rb") as source, target.open("wb") as out:
        while chunk := source.read(CHUNK_SIZE):
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def _safe_relative(name: str) -> Path:
    path = Path(name)
    if path.is_absolute() or ".." in path.parts:
        raise BackupError(f"Refusing the stored name {name!r}.")
    return path


def create_backup(path: Path, *, using: str = DEFAULT_DB_ALIAS) -> dict[str, Any]:
    """Write a bag at `path` (a new or empty folder); return its manifest."""
    path = Path(path)
    if path.exists() and any(path.iterdir()):
        raise BackupError(f"{path} is not empty; give a new folder.")
    path.mkdir(parents=True, exist_ok=True)
    try:
        model_list = backed_up_models()
        with snapshot(using), (path / "database.json").open("w") as out:
            migrations = applied_migrations(using)
            dumped = _dump_rows(out, model_list)
        files = dumped["files"]
        missing, mismatched = [], []
        for stored in sorted(files, key=lambda s: (s.storage_key, s.name)):
            storage = _storage_for(stored.storage_key)
            target = path / "files" / stored.storage_key / _safe_relative(stored.name)
            try:
                digest = _copy_out(storage, stored.name, target)
            except FileNotFoundError:
                missing.append(stored.name)
                continue
            if files[stored] and files[stored] != digest:
                mismatched.append(stored.name)
        manifest = {
            "format": "memorial-archive-backup",
            "format_version": FORMAT_VERSION,
            "created_at": timezone.now().isoformat(),
            "database_vendor": connections[using].vendor,
            "migrations": migrations,
            "counts": dumped["counts"],
            "files": [
                {"storage": s.storage_key, "name": s.name, "sha256": files[s]}
                for s in sorted(files, key=lambda s: (s.storage_key, s.name))
                if s.name not in missing
            ],
            "missing_files": missing,
            "mismatched_files": mismatched,
        }
        (path / "manifest.json").write_text(json.dumps(manifest, indent=2))
        bagit.make_bag(
            str(path),
            bag_info={
                "Source-Organization": "Memorial archive",
                "External-Description": "Memorial archive backup: database export "
                "(Django JSON), original and source files, renditions.",
                "Bag-Software-Agent": f"memorial-archive backup {FORMAT_VERSION}",
            },
            checksums=["sha256"],
        )
    except BaseException:
        shutil.rmtree(path, ignore_errors=True)
        raise
    return manifest


def verify_bag(path: Path) -> dict[str, Any]:
    """Check every checksum of the bag; return its manifest or raise BackupError."""
    try:
        bag = bagit.Bag(str(path))
        bag.validate()
    except bagit.BagError as error:
        raise BackupError(f"The bag at {path} is not valid: {error}") from error
    manifest = json.loads((Path(path) / "data" / "manifest.json").read_text())
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"Backup format {manifest.get('format_version')!r} is not supported."
        )
    return manifest


def instance_is_empty(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Models that already hold rows a restore would write (none on a new instance).

    Groups and version stamps made by migrations do not count: the bag's rows
    replace them.
    """
    allowed = {"auth.group", "archive.archiveversion"}
    return [
        model._meta.label
        for model in backed_up_models()
        if model._meta.label_lower not in allowed
        and model._default_manager.using(using).exists()
    ]


def _restore_files(
    root: Path, manifest: dict[str, Any], written: list[tuple[Storage, str]]
) -> None:
    """Copy the bag's files back under their names; `written` lists what was put."""
    for entry in manifest["files"]:
        storage = _storage_for(entry["storage"])
        source = root / "files" / entry["storage"] / _safe_relative(entry["name"])
        if storage.exists(entry["name"]):
            raise BackupError(f"{entry['name']} already exists in storage.")
        with source.open("rb") as handle:
            saved = storage.save(entry["name"], File(handle))
        written.append((storage, saved))
        if saved != entry["name"]:
            raise BackupError(f"Storage renamed {entry['name']} to {saved}.")


def restore_backup(path: Path, *, using: str = DEFAULT_DB_ALIAS) -> dict[str, Any]:
    """Verify the bag at `path`, then restore it into this (migrated, empty)
    instance: rows in one transaction, files, search words. Returns the manifest."""
    manifest = verify_bag(path)
    root = Path(path) / "data"
    unknown = sorted(set(manifest["migrations"]) - set(applied_migrations(using)))
    if unknown:
        raise BackupError(
            "The bag was taken after migrations this instance has not applied "
            f"(upgrade the code and run migrate first): {', '.join(unknown[:5])}"
        )
    occupied = instance_is_empty(using)
    if occupied:
        raise BackupError(
            "Restore only into an empty instance; these already hold rows: "
            + ", ".join(occupied[:8])
        )
    written: list[tuple[Storage, str]] = []
    try:
        with transaction.atomic(using=using):
            from django.contrib.auth.models import Group

            Group.objects.using(using).all().delete()  # the bag's groups replace them
            call_command(
                "loaddata", str(root / "database.json"), database=using, verbosity=0
            )
            _restore_files(root, manifest, written)
    except BaseException:
        for storage, name in written:
            with contextlib.suppress(Exception):
                storage.delete(name)
        raise
    from archive.search.index import rebuild

    rebuild()
    return manifest
