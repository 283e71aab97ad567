"""Proof that no file has changed or gone missing, and an inventory of stray files.

Shared by `manage.py verify_fixity` (re-hash originals and source files against the
checksums taken at ingest) and `manage.py reconcile_media` (compare what storage
holds with what the database references). Both work through Django's storage API,
so they behave the same on local folders and on S3.

A file is *referenced* by a current record or by a historical version of one:
restoring an old version must find its file, so history keeps files alive.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.files.storage import Storage
from django.utils import timezone

from archive.models import Image, Rendition, Source
from archive.storage import (
    PRIVATE_RENDITIONS,
    private_storage,
    public_storage,
)

CHUNK_SIZE = 1024 * 1024
#: Top-level folders of private storage whose files carry a checksum.
CHECKSUMMED_FOLDERS = ("originals", "sources")


def walk(storage: Storage, top: str = "") -> Iterator[str]:
    """Every file name under `top`, recursively (works on FileSystem and S3)."""
    try:
        directories, files = storage.listdir(top)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in sorted(files):
        yield f"{top}/{name}" if top else name
    for directory in sorted(directories):
        yield from walk(storage, f"{top}/{directory}" if top else directory)


def sha256_of(storage: Storage, name: str) -> str:
    digest = hashlib.sha256()
    with storage.open(name, "rb") as handle:
        while chunk := handle.read(CHUNK_SIZE):
            digest.update(chunk)
    return digest.hexdigest()


def exists(storage: Storage, name: str) -> bool:
    try:
        return storage.exists(name)
    except OSError:
        return False


@dataclass(frozen=True)
class Reference:
    """A stored file a record points at, with the checksum taken at ingest."""

    name: str
    label: str  # "image 12", "source 3 (history)"
    sha256: str
    current: bool = True


@dataclass
class Finding:
    status: str  # ok, changed, missing, unrecorded, untracked
    name: str
    label: str = ""
    expected: str = ""
    found: str = ""

    @property
    def is_problem(self) -> bool:
        return self.status != "ok"

    def describe(self) -> str:
        where = f" ({self.label})" if self.label else ""
        if self.status == "changed":
            return (
                f"CHANGED    {self.name}{where}: expected SHA-256 {self.expected}, "
                f"found {self.found}"
            )
        if self.status == "missing":
            return f"MISSING    {self.name}{where}"
        if self.status == "unrecorded":
            return f"NO SUM     {self.name}{where}: no checksum was recorded at ingest"
        if self.status == "untracked":
            return f"UNTRACKED  {self.name}: no record or history refers to it"
        return f"OK         {self.name}{where}"


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for finding in self.findings if finding.status == status)

    @property
    def problems(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.is_problem]

    def summary(self) -> str:
        parts = [
            f"{self.count(status)} {status}"
            for status in ("ok", "changed", "missing", "unrecorded", "untracked")
        ]
        return f"Checked {len(self.findings)} files: " + ", ".join(parts) + "."


def _history_rows(model, name_field: str, sum_field: str) -> Iterable[tuple]:
    history = getattr(model, "history", None)
    if history is None:
        return []
    return (
        history.model.objects.exclude(**{name_field: ""})
        .exclude(**{f"{name_field}__isnull": True})
        .order_by("history_date", "history_id")
        .values_list(name_field, sum_field, "id")
    )


def checksummed_references() -> dict[str, Reference]:
    """Originals and source files, by name: current records first, then files
    that only history still refers to (with the latest checksum history holds)."""
    references: dict[str, Reference] = {}
    for name, sha, pk in _history_rows(Image, "file", "sha256"):
        references[name] = Reference(name, f"image {pk} (history)", sha, False)
    for name, sha, pk in _history_rows(Source, "file", "file_sha256"):
        references[name] = Reference(name, f"source {pk} (history)", sha, False)
    for name, sha, pk in Image.objects.exclude(file="").values_list(
        "file", "sha256", "pk"
    ):
        references[name] = Reference(name, f"image {pk}", sha)
    for name, sha, pk in Source.objects.exclude(file="").values_list(
        "file", "file_sha256", "pk"
    ):
        references[name] = Reference(name, f"source {pk}", sha)
    return references


def verify_fixity(*, storage: Storage | None = None) -> Report:
    """Re-hash every original and source file; report changed, missing, unrecorded
    and untracked files."""
    storage = storage or private_storage
    report = Report()
    references = checksummed_references()
    for name in sorted(references):
        reference = references[name]
        try:
            found = sha256_of(storage, name)
        except FileNotFoundError:
            report.findings.append(Finding("missing", name, reference.label))
            continue
        if not reference.sha256:
            report.findings.append(
                Finding("unrecorded", name, reference.label, found=found)
            )
        elif found != reference.sha256:
            report.findings.append(
                Finding("changed", name, reference.label, reference.sha256, found)
            )
        else:
            report.findings.append(Finding("ok", name, reference.label))
    for folder in CHECKSUMMED_FOLDERS:
        for name in walk(storage, folder):
            if name not in references:
                report.findings.append(Finding("untracked", name))
    return report


def record_missing_checksums() -> int:
    """Store checksums for files that were attached without going through ingest."""
    count = 0
    for image in Image.objects.exclude(file="").filter(sha256=""):
        image.sha256 = sha256_of(private_storage, image.file.name)
        image.file_size = private_storage.size(image.file.name)
        Image.objects.filter(pk=image.pk).update(
            sha256=image.sha256, file_size=image.file_size
        )
        count += 1
    for source in Source.objects.exclude(file="").filter(file_sha256=""):
        sha = sha256_of(private_storage, source.file.name)
        Source.objects.filter(pk=source.pk).update(
            file_sha256=sha, file_size=private_storage.size(source.file.name)
        )
        count += 1
    return count


@dataclass
class Inventory:
    """What storage holds against what the database references."""

    orphans: list[tuple[str, str]] = field(default_factory=list)  # (storage, name)
    missing: list[tuple[str, str, str]] = field(default_factory=list)  # + label
    checked: int = 0


STORAGES = {"private": private_storage, "public": public_storage}


def referenced_files() -> dict[str, dict[str, str]]:
    """{"private": {name: label}, "public": {name: label}} for every referenced file;
    labels of history-only files end in '(history)'."""
    private = {
        name: reference.label for name, reference in checksummed_references().items()
    }
    public: dict[str, str] = {}
    for name, pk, image_id in Rendition.objects.values_list("file", "pk", "image_id"):
        label = f"rendition {pk} of image {image_id}"
        if name.startswith(PRIVATE_RENDITIONS):
            private[name] = label
        else:
            public[name] = label
    return {"private": private, "public": public}


def reconcile(*, min_age: timedelta | None = None) -> Inventory:
    """Orphans (stored, referenced by nothing) and missing files (referenced by a
    current record, absent). With `min_age`, only orphans older than that count,
    so a file being written by an upload in flight is never taken for an orphan."""
    inventory = Inventory()
    referenced = referenced_files()
    cutoff: datetime | None = timezone.now() - min_age if min_age else None
    for label, storage in STORAGES.items():
        names = set(walk(storage))
        inventory.checked += len(names)
        for name in sorted(names - referenced[label].keys()):
            if cutoff is not None and _modified(storage, name) > cutoff:
                continue
            inventory.orphans.append((label, name))
        for name, owner in sorted(referenced[label].items()):
            if name not in names and not owner.endswith("(history)"):
                inventory.missing.append((label, name, owner))
    return inventory


def _modified(storage: Storage, name: str) -> datetime:
    try:
        modified = storage.get_modified_time(name)
    except (NotImplementedError, OSError):
        return timezone.now()
    if timezone.is_naive(modified):
        modified = timezone.make_aware(modified)
    return modified
