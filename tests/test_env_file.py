"""The local .env: read for development, never by the tests, beaten by the environment."""

from __future__ import annotations

import os
import stat

import pytest
from dotenv import dotenv_values

from memorial import envfile
from tests.local_project import clean_env, copy_project, run

PRINT_SETTINGS = (
    "import memorial.settings as s; "
    "print(s.DEBUG, s.SECRET_KEY, s.DATABASES['default']['ENGINE'])"
)

PROBE = """
import os

from django.conf import settings


def test_probe():
    assert "FROM_DOTENV" not in os.environ
    assert settings.DEBUG is False
    assert settings.SECRET_KEY.startswith("test-only-secret-key")
    assert settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
"""


@pytest.fixture
def env_path(tmp_path, monkeypatch):
    path = tmp_path / ".env"
    monkeypatch.setenv("ENV_FILE", str(path))
    return path


def test_development_env_gets_debug_and_a_secret_key_once(env_path):
    """The first write adds DEBUG=1 and a private secret key; a second adds nothing."""
    assert envfile.write_development_env() == ["DEBUG", "SECRET_KEY"]
    values = dotenv_values(env_path)
    assert values["DEBUG"] == "1" and len(values["SECRET_KEY"]) >= 50
    assert stat.S_IMODE(env_path.stat().st_mode) == 0o600
    assert envfile.write_development_env() == []
    assert dotenv_values(env_path) == values


def test_a_developers_own_lines_are_kept(env_path):
    env_path.write_text("DATABASE_URL=sqlite:////tmp/mine.sqlite3\nDEBUG=0")
    assert envfile.write_development_env() == ["SECRET_KEY"]
    values = dotenv_values(env_path)
    assert values["DATABASE_URL"] == "sqlite:////tmp/mine.sqlite3"
    assert values["DEBUG"] == "0"
    assert values["SECRET_KEY"]


def test_the_test_suite_reads_no_env_file():
    """pyproject's pytest environment switches the file off."""
    assert os.environ["ENV_FILE"] == ""
    assert envfile.env_file() is None


def test_settings_read_the_file_and_the_environment_wins(tmp_path):
    project = copy_project(tmp_path)
    (project / ".env").write_text(
        "DEBUG=1\nSECRET_KEY=from-the-file\nDATABASE_URL=postgres://db/file\n"
    )
    result = run(project, "-c", PRINT_SETTINGS)
    assert result.stdout.split() == [
        "True",
        "from-the-file",
        "memorial.postgresql",  # Django's, memorial/postgresql
    ], result.stderr
    env = clean_env(DEBUG="0", SECRET_KEY="from-the-environment")
    result = run(project, "-c", PRINT_SETTINGS, env=env)
    assert result.stdout.split()[:2] == ["False", "from-the-environment"], result.stderr


def test_without_a_secret_key_production_settings_refuse_to_start(tmp_path):
    """No .env and no variables: DEBUG is off and settings stop, naming the fix."""
    project = copy_project(tmp_path)
    result = run(project, "manage.py", "check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_a_developers_env_file_does_not_change_the_test_suite(tmp_path):
    """pytest, run in a project whose .env says otherwise, still gets the test
    settings (DEBUG off, the test key, SQLite) and none of the file's variables."""
    project = copy_project(tmp_path)
    (project / ".env").write_text(
        "DEBUG=1\nSECRET_KEY=from-dotenv\n"
        "DATABASE_URL=postgres://nobody@127.0.0.1:1/nowhere\nFROM_DOTENV=1\n"
    )
    (project / "test_probe.py").write_text(PROBE)
    result = run(
        project, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_probe.py"
    )
    assert result.returncode == 0, result.stdout + result.stderr
