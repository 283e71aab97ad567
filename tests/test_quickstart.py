"""quickstart: one command from an empty database to a usable archive."""

import io
import stat
import subprocess

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from dotenv import dotenv_values

from tests.local_project import CHECKOUT, copy_project, run

pytestmark = pytest.mark.django_db


def run_quickstart() -> str:
    out = io.StringIO()
    call_command("quickstart", "--no-serve", stdout=out)
    return out.getvalue()


def test_quickstart_twice_creates_one_curator_and_prints_the_password_once():
    first = run_quickstart()
    second = run_quickstart()
    user = get_user_model().objects.get(username="curator")
    password = first.split("with the password ", 1)[1].split()[0]
    assert user.check_password(password)
    assert user.is_staff
    assert sorted(user.groups.values_list("name", flat=True)) == [
        "Archive manager",
        "Publisher",
    ]
    assert password not in second
    assert "already exists" in second
    assert get_user_model().objects.count() == 1


@pytest.mark.django_db(False)
def test_after_quickstart_commands_need_no_environment_variables(tmp_path):
    """quickstart writes .env (DEBUG=1, a key of its own), and then check and
    changepassword run in a shell without DEBUG or SECRET_KEY."""
    project = copy_project(tmp_path)
    first = run(project, "manage.py", "quickstart", "--no-serve")
    assert first.returncode == 0, first.stderr
    env_file = project / ".env"
    values = dotenv_values(env_file)
    assert values["DEBUG"] == "1"
    assert len(values["SECRET_KEY"]) >= 50
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    assert str(env_file) in first.stdout
    for args in (("check",), ("changepassword", "--help")):
        result = run(project, "manage.py", *args)
        assert result.returncode == 0, f"{args}: {result.stderr}"


def test_the_env_file_is_ignored_by_git():
    """The generated secret key never reaches the repository."""
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", ".env"], cwd=CHECKOUT, check=False
    )
    assert ignored.returncode == 0
