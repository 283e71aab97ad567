"""Every admin page curators use renders, with search and filters."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db


def test_every_changelist_add_and_change_page_renders_for_a_publisher(client):
    client.force_login(f.make_user("Publisher", is_superuser=True))
    records = [
        f.make_recognition(),
        f.make_person(),
        f.make_testimony(),
        f.make_image(),
        f.make_source(),
        f.make_organisation(),
        f.make_place(),
        f.make_event(),
        f.make_figure(),
        f.make_exhibition(items=[f.make_event()]),
    ]
    by_model = {type(record): record for record in records}
    for model, model_admin in admin.site._registry.items():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        changelist = client.get(reverse(f"{prefix}_changelist"), {"q": "x"})
        assert changelist.status_code == 200, model
        if model_admin.has_add_permission(changelist.wsgi_request):
            assert client.get(reverse(f"{prefix}_add")).status_code == 200
        record = by_model.get(model)
        if record is not None:
            change = reverse(f"{prefix}_change", args=[record.pk])
            assert client.get(change).status_code == 200, model
            history = reverse(f"{prefix}_history", args=[record.pk])
            assert client.get(history).status_code == 200, model


def test_autocomplete_finds_people_by_family_name(client):
    client.force_login(f.make_user("Contributor"))
    f.make_person(family_name="Geulen", given_names="Andrée")
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "Geul",
            "app_label": "archive",
            "model_name": "rescuer",
            "field_name": "person",
        },
    )
    assert response.status_code == 200
    assert "Geulen" in response.content.decode()
