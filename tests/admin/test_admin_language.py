"""The admin speaks the curator's language: its own labels, help texts, actions and
workflow messages come from locale/ (compiled by quickstart and CI)."""

import pytest
from django.urls import reverse

from archive import models as m
from tests import factories as f

from .test_workflow import messages_of, post_action

pytestmark = pytest.mark.django_db


@pytest.fixture
def french_publisher(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    client.force_login(f.make_user("Publisher"))
    return client


def test_record_list_shows_french_actions_and_status_choices(french_publisher):
    f.make_event(status=m.Status.REVIEW)
    text = french_publisher.get(reverse("admin:archive_event_changelist")).content
    text = text.decode()
    assert "Publier la sélection" in text
    assert "Retirer la sélection" in text
    assert "En relecture" in text


def test_person_form_help_text_is_in_french(french_publisher):
    text = french_publisher.get(reverse("admin:archive_person_add")).content.decode()
    assert "Consentement à la publication en ligne" in text
    assert "Surname as usually written" not in text


def test_refused_step_names_the_step_in_french(french_publisher):
    event = f.make_event(status=m.Status.PUBLISHED)
    response = post_action(french_publisher, "submit_for_review", event)
    event.refresh_from_db()
    assert event.status == m.Status.PUBLISHED
    assert messages_of(response) == [
        f"Événement {event.pk} : impossible d'effectuer l'action « soumettre pour "
        "relecture » sur une fiche à l'état « publiée »."
    ]


def test_curator_group_names_are_french_on_the_account_pages(client):
    """The groups keep their English names as rows, but a French Archive manager
    reads them in French: the group choices, their help text and the filter."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    manager = f.make_user("Archive manager")
    client.force_login(manager)
    curator = f.make_user("Contributor")
    form = client.get(reverse("admin:auth_user_change", args=[curator.pk]))
    text = form.content.decode()
    for french in ("Contributeur", "Réviseur", "Responsable de publication"):
        assert french in text
    assert ">Contributor<" not in text and "Publisher" not in text
    listing = client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert "Responsable de publication" in listing
