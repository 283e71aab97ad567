"""The local `.env` file: development settings without exported variables.

`manage.py quickstart` writes `.env` in the project root (git-ignored) with `DEBUG=1`
and a secret key of its own, and settings read it at start-up, so every command works
locally with no variables set. Variables set in the environment always win over the
file. `ENV_FILE` names another file, or none when empty: the test suite sets it empty,
so a developer's `.env` never changes how the tests run. Production sets real
variables and has no `.env`. Values are taken literally (no `${VAR}` expansion).

Plain Python and python-dotenv only: settings and manage.py import it before Django
is set up.
"""

from __future__ import annotations

import io
import os
import secrets
from pathlib import Path

from dotenv import dotenv_values, load_dotenv

DEFAULT_ENV_FILE = Path(__file__).resolve().parent.parent / ".env"

HEADER = """\
# Local development settings, written by `manage.py quickstart` (git-ignored).
# Variables set in the environment win over these lines. Never use this file in
# production: set real environment variables there (see the README).
"""


def env_file() -> Path | None:
    """The file settings read: `ENV_FILE`, else `.env` in the project root."""
    name = os.environ.get("ENV_FILE")
    if name is None:
        return DEFAULT_ENV_FILE
    return Path(name) if name else None


def load_env_file() -> None:
    """Add the file's variables to the environment, unless already set there."""
    path = env_file()
    if path is not None and path.is_file():
        load_dotenv(path, override=False, interpolate=False)


def write_development_env() -> list[str]:
    """Give the file what local development needs, `DEBUG=1` and a new secret key,
    unless it has them; lines already there are kept. Returns the names added."""
    path = env_file()
    if path is None:
        return []
    existing = path.read_text(encoding="utf-8") if path.is_file() else None
    present = dotenv_values(stream=io.StringIO(existing or ""), interpolate=False)
    wanted = {"DEBUG": "1", "SECRET_KEY": secrets.token_urlsafe(50)}
    missing = {name: value for name, value in wanted.items() if name not in present}
    if not missing:
        return []
    if existing is None:
        path.touch(mode=0o600)  # it holds a secret key
        text = HEADER
    else:
        text = "\n" if existing and not existing.endswith("\n") else ""
    text += "".join(f"{name}={value}\n" for name, value in missing.items())
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)
    return list(missing)
