"""The API's shapes, declared once for the OpenAPI schema and the docs page.

Fields are read-only (the API never accepts writes), which the schema renders as
"always present"; the few members that may be absent (in CSL-JSON and problem
answers) are declared as optional input fields instead, for the same reason.

Answers are built by `records.py` from database rows (it is several times faster
than serializing model instances); `tests/api/test_shapes.py` validates real answers
against the schema these classes generate, field by field, so the two cannot drift.
All fields are read-only: the API never accepts writes.
"""

from __future__ import annotations

from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers as s

from archive import models as m
from archive.api.context import CHANGE_ACTIONS, ITEM_TYPES, RECORD_TYPES
from archive.api.fields import AnyValueField, ConstField, TranslatedField


def text(**kwargs) -> s.CharField:
    """Optional plain text: null when empty."""
    return s.CharField(read_only=True, allow_null=True, **kwargs)


class RefSerializer(s.Serializer):
    """A reference to another record, with enough to show and fetch it."""

    id = s.UUIDField(read_only=True, help_text="The record's stable id.")
    type = s.ChoiceField(choices=RECORD_TYPES, read_only=True)
    title = TranslatedField(help_text="Title or name.")
    web_url = s.URLField(read_only=True, help_text="The public page.")
    api_url = s.URLField(read_only=True, help_text="The record in this API.")

    class Meta:
        ref_name = "Ref"


class DateValueSerializer(s.Serializer):
    """An uncertain date: EDTF as the curator wrote it, and its day bounds."""

    edtf = s.CharField(read_only=True, help_text="EDTF, e.g. 1943-04-19, 1942-08~.")
    display = TranslatedField(help_text="How the date reads, when it differs.")
    earliest = s.DateField(read_only=True, allow_null=True)
    latest = s.DateField(read_only=True, allow_null=True)

    class Meta:
        ref_name = "DateValue"


class TermSerializer(s.Serializer):
    slug = s.CharField(read_only=True)
    vocabulary = s.ChoiceField(choices=m.Vocabulary.choices, read_only=True)
    label = TranslatedField()
    uri = text(help_text="The same concept in a shared vocabulary.")

    class Meta:
        ref_name = "Term"


class CitationSerializer(s.Serializer):
    source = RefSerializer(read_only=True)
    field = text(help_text="The field this source supports; null: the whole record.")
    locator = text(help_text="Where in the source: page, folio, timecode.")
    quotation = text(help_text="A passage of the source, copied exactly.")
    note = text()

    class Meta:
        ref_name = "Citation"


class RecordSerializer(s.Serializer):
    """What every record has."""

    id = s.UUIDField(read_only=True, help_text="Stable id; use it to fetch or cite.")
    type = ConstField("record")
    title = TranslatedField(help_text="Title or name.")
    slug = s.SlugField(read_only=True)
    web_url = s.URLField(read_only=True, help_text="The record's public page.")
    api_url = s.URLField(read_only=True)
    updated_at = s.DateTimeField(read_only=True)
    published_at = s.DateTimeField(read_only=True, allow_null=True)
    is_synthetic = s.BooleanField(
        read_only=True, help_text="Generated for load tests; not real history."
    )
    content_warning = TranslatedField(
        help_text="Show this before the record when it is not null."
    )
    citations = CitationSerializer(many=True, read_only=True)


def record_type(kind: str):
    return ConstField(kind)


class PlaceSerializer(RecordSerializer):
    type = record_type("place")
    kind = s.ChoiceField(choices=m.PlaceKind.choices, read_only=True)
    parent = RefSerializer(read_only=True, allow_null=True)
    latitude = s.FloatField(read_only=True, allow_null=True)
    longitude = s.FloatField(read_only=True, allow_null=True)
    country_code = text()
    description = TranslatedField()
    geonames_id = text()
    wikidata_id = text()

    class Meta:
        ref_name = "Place"


class NameVariantSerializer(s.Serializer):
    name = s.CharField(read_only=True)
    kind = s.ChoiceField(choices=m.NameVariant.Kind.choices, read_only=True)
    note = text()

    class Meta:
        ref_name = "NameVariant"


class MembershipSerializer(s.Serializer):
    organisation = RefSerializer(read_only=True)
    role = text()
    period = text(help_text="EDTF period.")

    class Meta:
        ref_name = "Membership"


class PersonSerializer(RecordSerializer):
    type = record_type("person")
    family_name = text()
    given_names = text()
    name_prefix = text()
    gender = s.ChoiceField(choices=m.Gender.choices, read_only=True)
    birth = DateValueSerializer(read_only=True, allow_null=True)
    birth_place = RefSerializer(read_only=True, allow_null=True)
    death = DateValueSerializer(read_only=True, allow_null=True)
    death_place = RefSerializer(read_only=True, allow_null=True)
    name_variants = NameVariantSerializer(many=True, read_only=True)
    biography = TranslatedField()
    roles = TermSerializer(many=True, read_only=True)
    memberships = MembershipSerializer(many=True, read_only=True)
    wikidata_id = text()

    class Meta:
        ref_name = "Person"


class MemberSerializer(s.Serializer):
    person = RefSerializer(read_only=True)
    role = text()
    period = text(help_text="EDTF period.")

    class Meta:
        ref_name = "Member"


class OrganisationSerializer(RecordSerializer):
    type = record_type("organisation")
    acronym = text()
    kind = s.ChoiceField(choices=m.OrganisationKind.choices, read_only=True)
    date = DateValueSerializer(read_only=True, allow_null=True)
    description = TranslatedField()
    places = RefSerializer(many=True, read_only=True)
    members = MemberSerializer(many=True, read_only=True)
    wikidata_id = text()

    class Meta:
        ref_name = "Organisation"


class ParticipantSerializer(s.Serializer):
    person = RefSerializer(read_only=True, allow_null=True)
    organisation = RefSerializer(read_only=True, allow_null=True)
    role = text()

    class Meta:
        ref_name = "EventParticipant"


class EventSerializer(RecordSerializer):
    type = record_type("event")
    kind = s.ChoiceField(choices=m.EventKind.choices, read_only=True)
    date = DateValueSerializer(read_only=True, allow_null=True)
    description = TranslatedField()
    places = RefSerializer(many=True, read_only=True)
    participants = ParticipantSerializer(many=True, read_only=True)

    class Meta:
        ref_name = "Event"


class CslNameSerializer(s.Serializer):
    family = s.CharField(required=False)
    given = s.CharField(required=False)
    literal = s.CharField(required=False)

    class Meta:
        ref_name = "CslName"


class SourceSerializer(RecordSerializer):
    type = record_type("source")
    kind = s.ChoiceField(choices=m.SourceKind.choices, read_only=True)
    creators = CslNameSerializer(many=True, read_only=True)
    container_title = text()
    publisher = text()
    holding_institution = text()
    reference_code = text()
    url = text(help_text="Where the source itself is online.")
    accessed = s.DateField(read_only=True, allow_null=True)
    language = text()
    date = DateValueSerializer(read_only=True, allow_null=True)
    description = TranslatedField()
    citation_text = s.CharField(read_only=True, help_text="A formatted reference.")
    csl_url = s.URLField(read_only=True, help_text="The source as CSL-JSON.")

    class Meta:
        ref_name = "Source"


class SourceDetailSerializer(SourceSerializer):
    transcription = text()

    class Meta:
        ref_name = "SourceDetail"


class CslItemSerializer(s.Serializer):
    """One CSL-JSON item (https://citeproc-js.readthedocs.io/en/latest/csl-json/)."""

    id = s.CharField(read_only=True)
    type = s.ChoiceField(choices=m.SourceKind.choices, read_only=True)
    title = s.CharField(read_only=True)
    author = CslNameSerializer(many=True, required=False)
    container_title = s.CharField(required=False)
    publisher = s.CharField(required=False)
    archive = s.CharField(required=False)
    archive_location = s.CharField(required=False)
    URL = s.CharField(required=False)
    language = s.CharField(required=False)
    issued = AnyValueField(required=False, read_only=False)
    accessed = AnyValueField(required=False, read_only=False)

    class Meta:
        ref_name = "CslItem"

    def get_fields(self):
        fields = super().get_fields()
        fields["container-title"] = fields.pop("container_title")
        return fields


class RightsSerializer(s.Serializer):
    uri = s.URLField(
        read_only=True, help_text="Creative Commons or rightsstatements.org"
    )
    label = s.CharField(read_only=True)

    class Meta:
        ref_name = "Rights"


class RenditionSerializer(s.Serializer):
    name = s.CharField(
        read_only=True,
        allow_null=True,
        help_text="thumbnail, card, medium or large; null for other sizes.",
    )
    spec = s.CharField(read_only=True)
    format = s.CharField(read_only=True)
    mime_type = s.CharField(read_only=True)
    url = s.URLField(read_only=True)
    width = s.IntegerField(read_only=True)
    height = s.IntegerField(read_only=True)

    class Meta:
        ref_name = "Rendition"


class FocalPointSerializer(s.Serializer):
    x = s.FloatField(read_only=True)
    y = s.FloatField(read_only=True)

    class Meta:
        ref_name = "FocalPoint"


class DepictsSerializer(s.Serializer):
    people = RefSerializer(many=True, read_only=True)
    places = RefSerializer(many=True, read_only=True)
    events = RefSerializer(many=True, read_only=True)

    class Meta:
        ref_name = "Depicts"


class ImageSerializer(RecordSerializer):
    """An image with everything needed to show it properly: sizes, description and
    attribution travel together."""

    type = record_type("image")
    caption = TranslatedField()
    alt_text = TranslatedField(help_text="Describes the image for who cannot see it.")
    credit_line = TranslatedField(help_text="Show it with every use of the image.")
    creator = text()
    date = DateValueSerializer(read_only=True, allow_null=True)
    source_institution = text()
    source_url = text()
    rights = RightsSerializer(read_only=True, allow_null=True)
    rights_holder = text()
    width = s.IntegerField(read_only=True, allow_null=True)
    height = s.IntegerField(read_only=True, allow_null=True)
    focal_point = FocalPointSerializer(read_only=True)
    renditions = RenditionSerializer(many=True, read_only=True)
    depicts = DepictsSerializer(read_only=True)
    iiif_manifest = s.URLField(read_only=True, help_text="IIIF Presentation 3.")

    class Meta:
        ref_name = "Image"


class SegmentSerializer(s.Serializer):
    start_seconds = s.IntegerField(read_only=True)
    end_seconds = s.IntegerField(read_only=True)
    title = TranslatedField()
    synopsis = TranslatedField()
    keywords = TermSerializer(many=True, read_only=True)
    people = RefSerializer(many=True, read_only=True)
    places = RefSerializer(many=True, read_only=True)
    events = RefSerializer(many=True, read_only=True)

    class Meta:
        ref_name = "Segment"


class TestimonyParticipantSerializer(s.Serializer):
    person = RefSerializer(read_only=True)
    role = s.ChoiceField(choices=m.TestimonyParticipant.Role.choices, read_only=True)

    class Meta:
        ref_name = "TestimonyParticipant"


class TestimonySerializer(RecordSerializer):
    type = record_type("testimony")
    summary = TranslatedField()
    kind = s.ChoiceField(choices=m.TestimonyKind.choices, read_only=True)
    date = DateValueSerializer(read_only=True, allow_null=True)
    witness = RefSerializer(read_only=True, allow_null=True)
    participants = TestimonyParticipantSerializer(many=True, read_only=True)
    place = RefSerializer(read_only=True, allow_null=True)
    languages = s.ListField(child=s.CharField(), read_only=True)
    duration_seconds = s.IntegerField(read_only=True, allow_null=True)
    media_url = text()
    holding_institution = text()
    external_id = text()
    segments = SegmentSerializer(many=True, read_only=True)

    class Meta:
        ref_name = "Testimony"


class TranscriptSerializer(s.Serializer):
    language = s.CharField(read_only=True)
    is_translation = s.BooleanField(read_only=True)
    is_redacted = s.BooleanField(read_only=True)
    text = s.CharField(read_only=True)

    class Meta:
        ref_name = "Transcript"


class TestimonyDetailSerializer(TestimonySerializer):
    transcripts = TranscriptSerializer(many=True, read_only=True)

    class Meta:
        ref_name = "TestimonyDetail"


class RescuerSerializer(s.Serializer):
    person = RefSerializer(read_only=True)
    name_as_listed = text(help_text="The name exactly as the Yad Vashem file gives it.")
    relation = text()
    posthumous = s.BooleanField(read_only=True)

    class Meta:
        ref_name = "Rescuer"


class RescuedSerializer(s.Serializer):
    person = RefSerializer(read_only=True, allow_null=True)
    name_as_listed = text(help_text="Name, or a description such as '300 children'.")
    place = RefSerializer(read_only=True, allow_null=True)
    period = text(help_text="EDTF period.")
    help = TermSerializer(many=True, read_only=True)

    class Meta:
        ref_name = "Rescued"


class RecognitionSerializer(RecordSerializer):
    type = record_type("recognition")
    file_number = text(help_text="Yad Vashem file number.")
    country = s.CharField(read_only=True, help_text="ISO code, e.g. BE.")
    date = DateValueSerializer(read_only=True, allow_null=True)
    story = TranslatedField()
    places = RefSerializer(many=True, read_only=True)
    rescuers = RescuerSerializer(many=True, read_only=True)
    rescued = RescuedSerializer(many=True, read_only=True)
    ceremony = RefSerializer(read_only=True, allow_null=True)

    class Meta:
        ref_name = "Recognition"


class FigureSerializer(RecordSerializer):
    type = record_type("figure")
    measure = s.SlugField(read_only=True)
    value = s.FloatField(read_only=True)
    value_high = s.FloatField(read_only=True, allow_null=True)
    qualifier = s.ChoiceField(choices=m.Qualifier.choices, read_only=True)
    unit = TranslatedField()
    date = DateValueSerializer(read_only=True, allow_null=True)
    scope_place = RefSerializer(read_only=True, allow_null=True)
    scope_period = text()
    note = TranslatedField()

    class Meta:
        ref_name = "Figure"


class SegmentRecordSerializer(SegmentSerializer):
    type = ConstField("segment")
    testimony = RefSerializer(read_only=True)

    class Meta:
        ref_name = "SegmentRecord"


ITEM_RECORD = PolymorphicProxySerializer(
    component_name="ExhibitionRecord",
    serializers={
        "recognition": RecognitionSerializer,
        "person": PersonSerializer,
        "testimony": TestimonySerializer,
        "image": ImageSerializer,
        "source": SourceSerializer,
        "organisation": OrganisationSerializer,
        "place": PlaceSerializer,
        "event": EventSerializer,
        "figure": FigureSerializer,
        "segment": SegmentRecordSerializer,
    },
    resource_type_field_name="type",
)


class ExhibitionItemSerializer(s.Serializer):
    type = s.ChoiceField(choices=ITEM_TYPES, read_only=True)
    caption = TranslatedField()
    record = ITEM_RECORD

    class Meta:
        ref_name = "ExhibitionItem"


class ExhibitionSectionSerializer(s.Serializer):
    title = TranslatedField()
    body = TranslatedField()
    items = ExhibitionItemSerializer(many=True, read_only=True)

    class Meta:
        ref_name = "ExhibitionSection"


class ExhibitionSerializer(RecordSerializer):
    type = record_type("exhibition")
    subtitle = TranslatedField()
    summary = TranslatedField()
    curators = text()
    opens_on = s.DateField(read_only=True, allow_null=True)
    closes_on = s.DateField(read_only=True, allow_null=True)
    hero_image = ImageSerializer(read_only=True, allow_null=True)
    iiif_manifest = s.URLField(read_only=True, help_text="IIIF Presentation 3.")

    class Meta:
        ref_name = "Exhibition"


class ExhibitionDetailSerializer(ExhibitionSerializer):
    sections = ExhibitionSectionSerializer(many=True, read_only=True)

    class Meta:
        ref_name = "ExhibitionDetail"


class SearchResultSerializer(RefSerializer):
    class Meta:
        ref_name = "SearchResult"


class ChangeSerializer(s.Serializer):
    """One changed record. `updated`: fetch it again from `api_url`; `removed`: it
    is no longer visible to you (withdrawn, embargoed, restricted): delete your copy."""

    action = s.ChoiceField(choices=CHANGE_ACTIONS, read_only=True)
    type = s.ChoiceField(choices=RECORD_TYPES, read_only=True)
    id = s.UUIDField(read_only=True)
    updated_at = s.DateTimeField(read_only=True)
    api_url = s.URLField(read_only=True)

    class Meta:
        ref_name = "Change"


class ProblemSerializer(s.Serializer):
    """An error (RFC 9457 problem details)."""

    type = s.CharField(read_only=True)
    title = s.CharField(read_only=True)
    status = s.IntegerField(read_only=True)
    detail = s.CharField(read_only=True)
    instance = s.CharField(required=False)
    code = s.CharField(required=False)
    errors = s.DictField(child=s.ListField(child=s.CharField()), required=False)

    class Meta:
        ref_name = "Problem"


class SearchPageSerializer(s.Serializer):
    count = s.IntegerField(read_only=True, help_text="Matches of every type.")
    next = s.URLField(read_only=True, allow_null=True)
    previous = s.URLField(read_only=True, allow_null=True, help_text="Always null.")
    results = SearchResultSerializer(many=True, read_only=True)

    class Meta:
        ref_name = "SearchPage"


class ChangesPageSerializer(s.Serializer):
    count = s.IntegerField(read_only=True, help_text="Entries on every page.")
    next = s.URLField(read_only=True, allow_null=True)
    previous = s.URLField(read_only=True, allow_null=True, help_text="Always null.")
    results = ChangeSerializer(many=True, read_only=True)

    class Meta:
        ref_name = "ChangesPage"


class ApiRootSerializer(s.Serializer):
    recognitions = s.URLField(read_only=True)
    people = s.URLField(read_only=True)
    testimonies = s.URLField(read_only=True)
    images = s.URLField(read_only=True)
    sources = s.URLField(read_only=True)
    organisations = s.URLField(read_only=True)
    places = s.URLField(read_only=True)
    events = s.URLField(read_only=True)
    figures = s.URLField(read_only=True)
    exhibitions = s.URLField(read_only=True)
    search = s.URLField(read_only=True)
    changes = s.URLField(read_only=True)
    schema = s.URLField(read_only=True)
    docs = s.URLField(read_only=True)

    class Meta:
        ref_name = "ApiRoot"
