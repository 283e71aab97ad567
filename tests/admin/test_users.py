"""The Archive manager: invites curators, gives one curator group, deactivates
accounts, and can never grant more than a Publisher has."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from archive.groups import CURATOR_GROUPS, MANAGER_GROUP
from tests import factories as f

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def manager_client():
    manager = f.make_user(MANAGER_GROUP, username="manager")
    client = Client()
    client.force_login(manager)
    client.user = manager
    return client


def _change(client: Client, user, **data):
    url = reverse("admin:auth_user_change", args=[user.pk])
    payload = {
        "username": user.username,
        "first_name": "",
        "last_name": "",
        "email": "",
        "is_active": "on",
        "is_staff": "on",
        "groups": [],
        **data,
    }
    return client.post(url, {k: v for k, v in payload.items() if v is not None})


def test_archive_manager_reaches_the_user_list(manager_client):
    """Admin > Users opens for a manager (a Publisher alone gets 403)."""
    assert manager_client.get(reverse("admin:auth_user_changelist")).status_code == 200
    publisher = Client()
    publisher.force_login(f.make_user("Publisher"))
    assert publisher.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_archive_manager_invites_a_curator_and_gives_one_group(manager_client):
    """Add user, then give a group: the new account is a staff curator."""
    response = manager_client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "newcurator",
            "usable_password": "true",
            "password1": "a-long-new-password-42",
            "password2": "a-long-new-password-42",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    user = User.objects.get(username="newcurator")
    editor = Group.objects.get(name="Editor")
    response = _change(manager_client, user, groups=[str(editor.pk)], is_staff=None)
    assert response.status_code == 302
    user.refresh_from_db()
    assert list(user.groups.values_list("name", flat=True)) == ["Editor"]
    assert user.is_staff and not user.is_superuser


def test_archive_manager_offers_only_the_three_curator_groups(manager_client):
    """The group choice lists Contributor, Editor and Publisher only."""
    curator = f.make_user("Contributor")
    response = manager_client.get(reverse("admin:auth_user_change", args=[curator.pk]))
    field = response.context["adminform"].form.fields["groups"]
    assert sorted(field.queryset.values_list("name", flat=True)) == sorted(
        CURATOR_GROUPS
    )
    assert "is_superuser" not in response.context["adminform"].form.fields
    assert "user_permissions" not in response.context["adminform"].form.fields


def test_archive_manager_chooses_the_group_with_radio_buttons(manager_client):
    """One group per curator: radio buttons with the current group checked, no
    "Choose all" selector and no "hold down Control to select more" hint."""
    curator = f.make_user("Contributor")
    response = manager_client.get(reverse("admin:auth_user_change", args=[curator.pk]))
    page = response.content.decode()
    contributor = Group.objects.get(name="Contributor")
    assert 'type="radio" name="groups"' in page
    assert f'value="{contributor.pk}"' in page and "checked" in page
    assert "Hold down" not in page and "selectfilter" not in page


def test_the_dashboard_shows_a_manager_no_record_rows_it_could_not_open(
    manager_client,
):
    """Rows link to record lists; an Archive manager may not open them (403)."""
    f.make_event()  # an event without a citation: a row for curators
    page = manager_client.get(reverse("admin:index")).content.decode()
    assert "without a citation" not in page
    editor = Client()
    editor.force_login(f.make_user("Editor"))
    assert "without a citation" in editor.get(reverse("admin:index")).content.decode()


def test_archive_manager_cannot_give_two_groups_or_the_manager_group(manager_client):
    """Two groups, or a group outside the three, is a form error; nothing changes."""
    curator = f.make_user("Contributor")
    two = [str(g.pk) for g in Group.objects.filter(name__in=["Editor", "Publisher"])]
    assert _change(manager_client, curator, groups=two).status_code == 200
    manager = str(Group.objects.get(name=MANAGER_GROUP).pk)
    assert _change(manager_client, curator, groups=[manager]).status_code == 200
    assert list(curator.groups.values_list("name", flat=True)) == ["Contributor"]


def test_archive_manager_cannot_make_anyone_superuser(manager_client):
    """A posted is_superuser flag is ignored: the field is not on the form."""
    curator = f.make_user("Contributor")
    _change(manager_client, curator, is_superuser="on")
    curator.refresh_from_db()
    assert not curator.is_superuser


def test_archive_manager_deactivates_an_account(manager_client):
    """Unticking Active deactivates; the account is kept (no delete)."""
    curator = f.make_user("Contributor")
    group = str(Group.objects.get(name="Contributor").pk)
    response = _change(manager_client, curator, groups=[group], is_active=None)
    assert response.status_code == 302
    curator.refresh_from_db()
    assert not curator.is_active
    delete = reverse("admin:auth_user_delete", args=[curator.pk])
    assert manager_client.post(delete, {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=curator.pk).exists()


@pytest.mark.parametrize("target", ["self", "superuser", "other manager", "perms"])
def test_archive_manager_cannot_change_accounts_with_more_rights(
    manager_client, target
):
    """Own account, superusers, other managers and accounts with direct
    permissions are out of reach, their passwords too."""
    if target == "self":
        account = manager_client.user
    elif target == "superuser":
        account = User.objects.create_superuser("root", "r@example.org", "pw-long-1")
    elif target == "other manager":
        account = f.make_user(MANAGER_GROUP)
    else:
        account = f.make_user("Contributor")
        account.user_permissions.add(
            *Group.objects.get(name="Publisher").permissions.all()[:1]
        )
    publisher = str(Group.objects.get(name="Publisher").pk)
    assert _change(manager_client, account, groups=[publisher]).status_code == 403
    password = reverse("admin:auth_user_password_change", args=[account.pk])
    response = manager_client.post(
        password, {"password1": "another-long-pw-9", "password2": "another-long-pw-9"}
    )
    assert response.status_code == 403
    account.refresh_from_db()
    assert not account.groups.filter(name="Publisher").exists()
    assert not account.check_password("another-long-pw-9")


def test_an_accounts_date_and_time_inputs_are_named_for_screen_readers():
    """A superuser's form: last login and date joined each have a date and a time
    input, which the field's one label names neither of."""
    root = User.objects.create_superuser("root", "r@example.org", "a-long-password-1")
    client = Client()
    client.force_login(root)
    curator = f.make_user("Contributor")
    page = client.get(reverse("admin:auth_user_change", args=[curator.pk]))
    html = page.content.decode()
    for label in ("Last login", "Date joined"):
        assert f'aria-label="{label}: date"' in html
        assert f'aria-label="{label}: time"' in html


def test_a_french_account_page_says_active_in_the_masculine():
    """« Actif » for an account (Django's word), « active » only for an API key."""
    root = User.objects.create_superuser("root", "r@example.org", "a-long-password-1")
    client = Client(headers={"accept-language": "fr"})
    client.force_login(root)
    curator = f.make_user("Contributor")
    html = client.get(reverse("admin:auth_user_change", args=[curator.pk])).content
    assert '<label class="vCheckboxLabel" for="id_is_active">Actif</label>' in (
        html.decode()
    )
