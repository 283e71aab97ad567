"""Presenters declare each shape once: the answers they build and the schema they
generate cannot drift, and what is written by hand (references, CSL-JSON) agrees
with its declaration. Record knowledge (citations, names) comes from the models."""

from __future__ import annotations

from typing import Any

import pytest
from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers as s

from archive import kinds
from archive import models as m
from archive.api.context import ApiContext, Audience
from archive.api.presenters import PRESENTERS, TYPES, Ref, load_refs
from archive.api.presenters.exhibitions import item_record_field, record_kinds
from archive.api.presenters.sources import CslItem, CslName
from archive.api.views import VIEWSETS
from tests import factories as f
from tests.api.builders import full_archive


def context(lang: str | None = None) -> ApiContext:
    return ApiContext(audience=Audience(None), lang=lang, base="http://testserver")


def assert_same_members(field: s.Field, value: Any, where: str) -> None:
    """The answer has the serializer's fields, in the same order, all the way down
    (polymorphic records are checked as the records they are)."""
    if isinstance(field, PolymorphicProxySerializer):
        return  # see test_exhibition_items_are_their_records_presented_as_in_lists
    if isinstance(field, s.ListSerializer):
        for index, item in enumerate(value):
            assert_same_members(field.child, item, f"{where}[{index}]")
        return
    if isinstance(field, s.Serializer) and value is not None:
        fields = field.fields
        # Optional members (input-style fields, as in CSL-JSON) may be left out.
        optional = {n for n, f in fields.items() if not (f.read_only or f.required)}
        assert list(value) == [name for name in fields if name in value], where
        assert set(fields) - optional <= set(value), where
        for name, child in fields.items():
            if name in value:
                assert_same_members(child, value[name], f"{where}.{name}")


@pytest.mark.django_db
@pytest.mark.parametrize("lang", [None, "fr"])
def test_answers_have_the_members_of_their_schema_component_in_order(lang):
    """Every record of every kind (list and detail, exhibition items included)."""
    full_archive()
    ctx = context(lang)
    for kind, presenter in PRESENTERS.items():
        ids = list(presenter.model.objects.values_list("pk", flat=True))
        for detail in (False, True):
            records = presenter.load(ctx, ids, detail=detail)
            assert records, kind
            serializer = presenter.serializer(detail=detail)()
            for record in records.values():
                assert_same_members(serializer, record, f"{kind} {detail}")
    segments = m.TestimonySegment.objects.values_list("pk", flat=True)
    for record in TYPES["segment"].load(ctx, list(segments)).values():
        assert_same_members(TYPES["segment"].serializer()(), record, "segment")


@pytest.mark.django_db
def test_exhibition_items_are_their_records_presented_as_in_lists():
    archive = full_archive()
    ctx = context()
    exhibition = PRESENTERS["exhibition"].load(ctx, [archive.exhibition.pk], True)
    items = exhibition[archive.exhibition.pk]["sections"][0]["items"]
    assert {item["type"] for item in items} == set(record_kinds())
    for item in items:
        presenter = TYPES[item["type"]]
        assert_same_members(presenter.serializer()(), item["record"], item["type"])


@pytest.mark.django_db
def test_hand_made_references_have_the_declared_members():
    """`make_ref` is written by hand for speed; `Ref` declares it for the schema."""
    place = f.make_place(status=m.Status.PUBLISHED)
    ref = load_refs(context(), "place", [place.pk])[place.pk]
    assert list(ref) == [member.name for member in Ref.members]


@pytest.mark.django_db
def test_csl_json_has_the_declared_members():
    """Every CSL-JSON member the model can write is declared in CslItem, and the
    required ones are always written."""
    source = f.make_source(
        creators="Example, Test\nTest Organisation",
        container_title="Test container",
        publisher="Test publisher",
        holding_institution="Test archive",
        reference_code="T 1",
        language="fr",
        date_edtf="1943-04",
        accessed="2025-01-02",
    )
    source.refresh_from_db()
    item = source.csl_json()
    declared = [member.name for member in CslItem.members]
    assert set(item) == set(declared)
    required = {
        name for name, field in CslItem.serializer()().fields.items() if field.read_only
    }
    assert required <= set(f.make_source(creators="").csl_json())
    names = {key for name in item["author"] for key in name}
    assert names <= {member.name for member in CslName.members}


@pytest.mark.django_db
def test_citation_and_csl_json_are_the_models(api):
    """The API serves what `Source.citation_text()` and `Source.csl_json()` give, so
    public pages and exports can cite a source as the API does."""
    source = f.make_source(
        creators="Example, Test",
        container_title="Test container",
        date_edtf="1942-08~",
        date_display_en="August 1942",
        accessed="2025-01-02",
    )
    source.refresh_from_db()
    data = api.get(f"/api/v1/sources/{source.uuid}/").json()
    assert data["citation_text"] == source.citation_text()
    assert source.citation_text() == (
        "Example, Test. \u201c" + source.title + "\u201d. Test container. August 1942. "
        f"{source.url} (accessed 2025-01-02)."
    )
    assert api.get(f"/api/v1/sources/{source.uuid}/csl/").json() == [source.csl_json()]


@pytest.mark.django_db
def test_person_title_is_the_models_display_name(api):
    person = f.make_person(
        status=m.Status.PUBLISHED, name_prefix="Dr", given_names="Test"
    )
    data = api.get(f"/api/v1/people/{person.uuid}/").json()
    assert data["title"] == person.display_name == f"Dr Test {person.family_name}"


def test_every_kind_has_a_presenter_a_viewset_and_a_schema_component():
    """Kinds come from archive.kinds; presenters and viewsets register by kind."""
    names = {kind.name for kind in kinds.KINDS}
    assert set(PRESENTERS) == set(VIEWSETS) == names
    for kind in kinds.KINDS:
        presenter = PRESENTERS[kind.name]
        assert presenter.model is kind.model
        assert presenter.serializer().Meta.ref_name == kind.model.__name__
        assert VIEWSETS[kind.name].__doc__ == presenter.doc
    record = item_record_field()
    assert list(record.serializers) == record_kinds()
    assert "exhibition" not in record_kinds() and "segment" in record_kinds()


def test_schema_lists_members_in_answer_order(client):
    """DRF orders declared fields by creation; the generated serializers must still
    list members in the order of the answer (a change in DRF would show here)."""
    schemas = client.get("/api/v1/schema/").json()["components"]["schemas"]
    for presenter in PRESENTERS.values():
        for detail in (False, True):
            component = schemas[presenter.component(detail)]
            members = [member.name for member in presenter.members_for(detail)]
            assert list(component["properties"]) == members
