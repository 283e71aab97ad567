"""An import killed with SIGKILL halfway leaves nothing; run again, it equals a
clean run (the demo loader is the archive's bulk import: one transaction).

The import is a small archive in the demo's format (sources, events citing them,
people), written by the test: what is proved is the loader's all-or-nothing
transaction, which does not depend on the size of the import. Until December 2026
the test loaded the whole demo three times (about two minutes in CI).
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import uuid
from pathlib import Path

from tests.ops.conftest import Instance

#: Records of each kind in the small import; each event and person cites a source.
RECORDS = 20
#: Half of the import's 160 saves (records, citations, then the publication pass).
KILL_AFTER_SAVES = 80

KILLED_IMPORT = f"""
import os, signal, django
django.setup()
from archive.demo import load_demo_archive, loader
original = loader.Loader.save
saves = []
def save(self, instance, where):
    original(self, instance, where)
    saves.append(where)
    if len(saves) == {KILL_AFTER_SAVES}:
        os.kill(os.getpid(), signal.SIGKILL)  # kill -9, halfway through
loader.Loader.save = save
load_demo_archive(path=os.environ["IMPORT_FOLDER"], acting_user=None)
"""

STATE = """
import json, django
django.setup()
from archive.backup import backed_up_models
from archive.kinds import KINDS
print(json.dumps({
    "counts": {
        model._meta.label: model._default_manager.count()
        for model in backed_up_models()
        if model._meta.label != "archive.ArchiveVersion"
    },
    "records": {
        kind.plural: sorted(kind.model.objects.values_list("slug", "status"))
        for kind in KINDS
    },
}))
"""


def small_import(folder: Path) -> Path:
    """RECORDS sources, events and people in the demo's format (test data, no
    history claimed: titles say what they are)."""
    sources = [
        {
            "slug": f"test-source-{n}",
            "title": f"Test source {n}",
            "url": f"https://example.org/source-{n}",
        }
        for n in range(RECORDS)
    ]
    events = [
        {
            "slug": f"test-event-{n}",
            "title": {"en": f"Test event {n}", "fr": f"Événement de test {n}"},
            "kind": "other",
            "date": "1943",
            "citations": [{"source": f"test-source-{n}"}],
        }
        for n in range(RECORDS)
    ]
    people = [
        {
            "slug": f"test-person-{n}",
            "given_names": "Test",
            "family_name": f"Person {n}",
            "is_living": "no",
            "citations": [{"source": f"test-source-{n}"}],
        }
        for n in range(RECORDS)
    ]
    folder.mkdir(parents=True)
    document = {"sources": sources, "events": events, "people": people}
    (folder / "archive.json").write_text(json.dumps(document), encoding="utf-8")
    return folder


def _clone(instance: Instance, tmp_path) -> Instance:
    """A copy of a migrated, empty instance (saves running the migrations twice)."""
    if instance.vendor == "sqlite":
        source = instance.database_url.removeprefix("sqlite:///")
        target = tmp_path / "clone.sqlite3"
        shutil.copy(source, target)
        return Instance(f"sqlite:///{target}", tmp_path / "clone-media", "sqlite")
    name = f"memorial_clone_{uuid.uuid4().hex[:10]}"
    template = instance.database_url.rsplit("/", 1)[1]
    subprocess.run(
        ["createdb", "-h", "127.0.0.1", "-U", "postgres", "-T", template, name],
        check=True,
        capture_output=True,
    )
    clone = Instance(
        f"postgres://postgres@127.0.0.1:5432/{name}", tmp_path / "clone", "postgresql"
    )
    clone.extra_env["DROP_AFTER"] = name
    return clone


def test_an_import_killed_halfway_leaves_nothing_and_a_rerun_equals_a_clean_run(
    same_engine_instance, tmp_path
):
    folder = small_import(tmp_path / "import")
    killed = same_engine_instance
    killed.extra_env["IMPORT_FOLDER"] = str(folder)
    killed.manage("migrate", "-v0")
    clean = _clone(killed, tmp_path)
    try:
        empty = json.loads(killed.run("-c", STATE).stdout)

        result = killed.run("-c", KILLED_IMPORT, check=False)
        assert result.returncode == -signal.SIGKILL, result.stderr
        assert json.loads(killed.run("-c", STATE).stdout) == empty

        killed.manage("load_demo", "--path", str(folder), "-v0")
        clean.manage("load_demo", "--path", str(folder), "-v0")
        after_rerun = json.loads(killed.run("-c", STATE).stdout)
        after_clean = json.loads(clean.run("-c", STATE).stdout)
        assert after_rerun == after_clean
        assert after_clean["counts"]["archive.Event"] == RECORDS
        assert after_clean["counts"]["archive.Citation"] == 2 * RECORDS
        slugs = [slug for slug, _status in after_rerun["records"]["people"]]
        assert len(slugs) == len(set(slugs))
    finally:
        name = clean.extra_env.get("DROP_AFTER")
        if name:
            subprocess.run(
                ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--force", name],
                check=False,
                capture_output=True,
            )
