"""A copy of the project's entry points in a temporary folder, run in a clean shell.

The copy has its own root (`manage.py`, `memorial/`, `pyproject.toml`), so its `.env`,
SQLite database and media live in the temporary folder; `archive` is imported from
this checkout. The environment holds only what a shell needs: no DEBUG, no
SECRET_KEY, no DATABASE_URL, no ENV_FILE.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent


def copy_project(folder: Path) -> Path:
    for name in ("manage.py", "pyproject.toml"):
        shutil.copy2(CHECKOUT / name, folder / name)
    shutil.copytree(
        CHECKOUT / "memorial",
        folder / "memorial",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    return folder


def clean_env(**extra: str) -> dict[str, str]:
    env = {name: os.environ[name] for name in ("PATH", "HOME") if name in os.environ}
    return {**env, "PYTHONPATH": str(CHECKOUT), **extra}


def run(
    project: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """`python ARGS...` in the project folder (a clean environment by default)."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=project,
        env=clean_env() if env is None else env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
