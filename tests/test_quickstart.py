"""quickstart: one command from an empty database to a usable archive."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

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
    assert list(user.groups.values_list("name", flat=True)) == ["Publisher"]
    assert password not in second
    assert "already exists" in second
    assert get_user_model().objects.count() == 1
