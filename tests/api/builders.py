"""Test archives for the API: one with every relation filled, and the canary archive.

The canary archive holds records of every type in every state the public must not
see, each carrying unique tokens in every text field, linked from public records
through every relation the API follows. A crawl then looks for the tokens.
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from modeltranslation.translator import translator

from archive import models as m
from tests import factories as f

FUTURE = timezone.localdate() + datetime.timedelta(days=30)

#: The states a record can be in that hide it from the public.
HIDDEN_STATES: dict[str, dict[str, Any]] = {
    "draft": {"status": m.Status.DRAFT},
    "review": {"status": m.Status.REVIEW},
    "embargoed": {"status": m.Status.PUBLISHED, "embargo_until": FUTURE},
    "staff-only": {"status": m.Status.PUBLISHED, "access": m.Access.STAFF},
    "exhibition-only": {"status": m.Status.PUBLISHED, "access": m.Access.EXHIBITION},
    "withdrawn": {"status": m.Status.WITHDRAWN},
}
EXHIBITION_STATE = "exhibition-only"

_tokens = itertools.count(1)


def new_token() -> str:
    """Short (fits a 20-character field), lowercase (survives slugs), unique."""
    return f"zq{next(_tokens):06d}x"


def _translated_originals(model: type[models.Model]) -> set[str]:
    try:
        return set(translator.get_options_for_model(model).fields)
    except Exception:
        return set()


def fill_tokens(record: models.Model, token: str) -> models.Model:
    """Put `token` in every editable text field of the record and save it.

    Fields too short for a token (two-letter codes), EDTF dates and choices keep
    their values; translated fields get the token in every language.
    """
    originals = _translated_originals(type(record))
    for model_field in record._meta.concrete_fields:
        if (
            not isinstance(model_field, models.CharField | models.TextField)
            or not model_field.editable
            or model_field.choices
            or model_field.name in originals
            or model_field.name.endswith("_edtf")
            or (model_field.max_length or 1000) < len(token)
        ):
            continue
        value = token
        if isinstance(model_field, models.URLField):
            value = f"https://example.org/{token}"
        setattr(record, model_field.attname, value)
    record.save()
    return record


def ct(record: models.Model) -> ContentType:
    return ContentType.objects.get_for_model(record)


def rendition(image: m.Image, name: str = "thumbnail", fmt: str = "jpeg"):
    return image.get_rendition(name, fmt=fmt)


# A complete, public archive -------------------------------------------------------


@dataclass
class Archive:
    recognition: m.Recognition
    person: m.Person
    testimony: m.Testimony
    image: m.Image
    source: m.Source
    organisation: m.Organisation
    place: m.Place
    event: m.Event
    figure: m.Figure
    exhibition: m.Exhibition
    segment: m.TestimonySegment
    extra: dict[str, Any] = field(default_factory=dict)

    def records(self) -> list[m.Publishable]:
        return [
            self.recognition,
            self.person,
            self.testimony,
            self.image,
            self.source,
            self.organisation,
            self.place,
            self.event,
            self.figure,
            self.exhibition,
        ]


def published(**kwargs: Any) -> dict[str, Any]:
    return {"status": m.Status.PUBLISHED, **kwargs}


def full_archive(suffix: str = "") -> Archive:
    """One public record of every type with every relation and field filled in."""
    country = f.make_place(
        **published(name_en=f"Belgium{suffix}", name_fr="Belgique", kind="country")
    )
    place = f.make_place(
        **published(
            name_en=f"Mechelen{suffix}",
            name_nl="Mechelen",
            name_fr="Malines",
            parent=country,
            latitude="51.028000",
            longitude="4.480000",
            country_code="BE",
            description_en="A city.",
            wikidata_id="Q162022",
        )
    )
    role = m.Term.objects.get_or_create(
        vocabulary=m.Vocabulary.ROLE,
        slug="rescuer",
        defaults={"label_en": "Rescuer", "label_fr": "Sauveteur"},
    )[0]
    help_kind = m.Term.objects.get_or_create(
        vocabulary=m.Vocabulary.HELP_TYPE,
        slug="hiding",
        defaults={"label_en": "Hiding"},
    )[0]
    keyword = m.Term.objects.get_or_create(
        vocabulary=m.Vocabulary.KEYWORD,
        slug="deportation",
        defaults={"label_en": "Deportation"},
    )[0]
    organisation = f.make_organisation(
        **published(
            name_en=f"Comité de Défense des Juifs{suffix}",
            acronym="CDJ",
            date_edtf="1942-09/1944-09",
            description_en="A committee.",
        )
    )
    organisation.places.add(place)
    person = f.make_person(
        **published(
            family_name=f"Example{suffix}",
            given_names="Test",
            name_prefix="Dr",
            gender=m.Gender.FEMALE,
            birth_edtf="1900-01-02",
            birth_place=place,
            death_edtf="1980~",
            death_place=place,
            biography_en="A life.",
            biography_fr="Une vie.",
        )
    )
    person.roles.add(role)
    m.NameVariant.objects.create(person=person, name="Alias", kind="underground")
    m.Membership.objects.create(
        person=person, organisation=organisation, role="member", period_edtf="1943"
    )
    source = f.make_source(
        creators="Doe, Jane\nMemorial Archive",
        container_title="Le Soir",
        publisher="Rossel",
        holding_institution="Kazerne Dossin",
        reference_code="KD-1",
        accessed=datetime.date(2025, 5, 8),
        language="fr",
        date_edtf="1943-04-19",
        description_en="An article.",
        transcription="Text of the article.",
    )
    event = f.make_event(
        **published(
            title_en=f"Attack on the twentieth convoy{suffix}",
            kind=m.EventKind.ATTACK,
            date_edtf="1943-04-19",
            date_display_en="19 April 1943",
            description_en="Resisters stopped the train.",
        )
    )
    event.places.add(place)
    m.EventParticipant.objects.create(event=event, person=person, role="attacker")
    m.EventParticipant.objects.create(
        event=event, organisation=organisation, role="organiser"
    )
    f.cite(event, source, locator="p. 3", quotation="They stopped the train.")
    recognition = f.make_recognition(
        rescuers=0,
        **published(
            title_en=f"Test and Family{suffix}",
            title_fr="Test et famille",
            file_number=f"9999{suffix}",
            story_en="They hid a child.",
            date_edtf="1965",
            ceremony=event,
        ),
    )
    recognition.places.add(place)
    m.Rescuer.objects.create(
        recognition=recognition,
        person=person,
        name_as_listed="Test Example",
        relation="mother",
        posthumous=True,
    )
    rescued = m.RescuedPerson.objects.create(
        recognition=recognition,
        name_as_listed="a child",
        place=place,
        period_edtf="1942/1944",
    )
    rescued.help_kinds.add(help_kind)
    f.cite(recognition, source, locator="p. 12", field_name="story", note="Year.")
    image = f.make_image(
        **published(
            title_en=f"The barracks{suffix}",
            caption_en="The barracks in 1942.",
            creator="Unknown photographer",
            date_edtf="1942",
            source_institution="Kazerne Dossin",
            source_url="https://example.org/image",
            rights_holder="Kazerne Dossin",
            content_warning_en="Shows a deportation.",
        )
    )
    image.depicted_people.add(person)
    image.depicted_places.add(place)
    image.depicted_events.add(event)
    for name in ("thumbnail", "card"):
        for fmt in ("jpeg", "webp"):
            rendition(image, name, fmt)
    testimony = f.make_testimony(
        **published(
            title_en=f"A witness speaks{suffix}",
            summary_en="About hiding.",
            kind=m.TestimonyKind.VIDEO,
            witness=person,
            place=place,
            languages="fr, nl",
            duration_seconds=3600,
            media_url="https://example.org/video",
            holding_institution="Kazerne Dossin",
            external_id="T-1",
            date_edtf="1995-06",
        )
    )
    m.TestimonyParticipant.objects.create(
        testimony=testimony, person=person, role="interviewer"
    )
    segment = m.TestimonySegment.objects.create(
        testimony=testimony,
        start_seconds=0,
        end_seconds=120,
        title_en="Arrest",
        synopsis_en="The arrest.",
    )
    segment.keywords.add(keyword)
    segment.people.add(person)
    segment.places.add(place)
    segment.events.add(event)
    m.Transcript.objects.create(
        testimony=testimony, language="fr", is_public=True, text="Le texte."
    )
    f.cite(testimony, source, locator="00:01:00")
    figure = f.make_figure(
        **published(
            label_en=f"Jews deported from Mechelen{suffix}",
            value=25257,
            value_high=25843,
            qualifier=m.Qualifier.ABOUT,
            unit_en="people",
            scope_place=place,
            scope_period="1942-08/1944-07",
            note_en="Two counts.",
        )
    )
    f.cite(figure, source)
    exhibition = f.make_exhibition(
        items=[image, recognition, person, testimony, source, organisation, place]
        + [event, figure],
        **published(
            title_en=f"Hidden children{suffix}",
            subtitle_en="Rescue in Belgium",
            summary_en="An exhibition.",
            curators="The curators",
            opens_on=datetime.date(2025, 5, 8),
            hero_image=image,
        ),
    )
    section = exhibition.sections.get()
    section.body_en = "Wall text."
    section.save()
    m.ExhibitionItem.objects.create(
        section=section,
        position=20,
        content_type=ct(segment),
        object_id=segment.pk,
        caption_en="Listen to this part.",
    )
    return Archive(
        recognition=recognition,
        person=person,
        testimony=testimony,
        image=image,
        source=source,
        organisation=organisation,
        place=place,
        event=event,
        figure=figure,
        exhibition=exhibition,
        segment=segment,
        extra={"country": country, "role": role, "keyword": keyword},
    )


# The canary archive -----------------------------------------------------------------


MAKERS = {
    "recognition": lambda **kw: f.make_recognition(rescuers=0, **kw),
    "person": f.make_person,
    "testimony": f.make_testimony,
    "image": f.make_image,
    "source": f.make_source,
    "organisation": f.make_organisation,
    "place": f.make_place,
    "event": f.make_event,
    "figure": f.make_figure,
    "exhibition": f.make_exhibition,
}


@dataclass
class Canary:
    """Tokens and ids by who may see them."""

    #: category -> tokens; categories: a hidden state name, or "never".
    tokens: dict[str, set[str]] = field(default_factory=dict)
    #: category -> UUIDs (as strings) of hidden records.
    uuids: dict[str, set[str]] = field(default_factory=dict)
    #: category -> hidden records
    records: dict[str, list[m.Publishable]] = field(default_factory=dict)
    public: list[m.Publishable] = field(default_factory=list)
    #: Rendition file names of images no anonymous client may see.
    hidden_files: set[str] = field(default_factory=set)

    def token(self, category: str) -> str:
        value = new_token()
        self.tokens.setdefault(category, set()).add(value)
        return value

    def hidden_for_public(self) -> tuple[set[str], set[str]]:
        tokens = set().union(*self.tokens.values())
        uuids = set().union(*self.uuids.values())
        return tokens, uuids

    def hidden_for_exhibition(self) -> tuple[set[str], set[str]]:
        tokens = set().union(
            *(v for k, v in self.tokens.items() if k != EXHIBITION_STATE)
        )
        uuids = set().union(
            *(v for k, v in self.uuids.items() if k != EXHIBITION_STATE)
        )
        return tokens, uuids


def _hidden_record(canary: Canary, kind: str, category: str, **state: Any):
    record = MAKERS[kind](**state)
    fill_tokens(record, canary.token(category))
    canary.uuids.setdefault(category, set()).add(str(record.uuid))
    canary.records.setdefault(category, []).append(record)
    return record


def canary_archive() -> Canary:
    """Every type in every hidden state, each token-filled and linked from public
    records through every relation; plus privacy cases (a living person without
    consent, testimonies without online consent, closed segments, transcripts not
    cleared for showing)."""
    canary = Canary()
    base = full_archive(suffix=" public")
    canary.public.extend(base.records())
    public_source = base.source
    categories = dict(HIDDEN_STATES)
    for category, state in categories.items():
        hidden = {
            kind: _hidden_record(canary, kind, category, **state) for kind in MAKERS
        }
        _link_hidden(canary, base, hidden, category, public_source)
        # The published-list rule: a hidden person whose name a public source (a
        # published Yad Vashem file) lists as a rescuer. The listed name is public
        # (not a token); everything of the person record stays hidden.
        listed = _hidden_record(canary, "person", category, **state)
        m.Rescuer.objects.create(
            recognition=base.recognition,
            person=listed,
            name_as_listed=f"Listed as {category}",
            listed_in=public_source,
            relation=f"Relation as {category}",
            position=11,
        )
    # Privacy rules on records that are otherwise published and public.
    living = f.make_person(
        status=m.Status.PUBLISHED, is_living=m.Living.YES, death_edtf=""
    )
    fill_tokens(living, canary.token("never"))
    canary.uuids.setdefault("never", set()).add(str(living.uuid))
    m.Rescuer.objects.create(
        recognition=base.recognition,
        person=living,
        name_as_listed=canary.token("never"),
        relation=canary.token("never"),
        position=50,
    )
    base.testimony.participants.create(person=living, role="present")
    base.image.depicted_people.add(living)
    for scope, withdrawn, category in (
        (m.ConsentScope.RESEARCH, None, "never"),
        (m.ConsentScope.ONLINE, timezone.localdate(), "never"),
        (m.ConsentScope.EXHIBITION, None, EXHIBITION_STATE),
    ):
        testimony = f.make_testimony(
            status=m.Status.PUBLISHED,
            consent_scope=scope,
            consent_withdrawn_on=withdrawn,
        )
        fill_tokens(testimony, canary.token(category))
        canary.uuids.setdefault(category, set()).add(str(testimony.uuid))
        canary.records.setdefault(category, []).append(testimony)
        _segment(canary, testimony, category)
        _add_item(canary, base.exhibition, testimony, category)
    # Closed segments and transcripts not cleared, inside a public testimony.
    m.TestimonySegment.objects.create(
        testimony=base.testimony,
        start_seconds=500,
        end_seconds=600,
        is_closed=True,
        title_en=canary.token("never"),
        synopsis_en=canary.token("never"),
        title_fr=canary.token("never"),
    )
    closed = m.TestimonySegment.objects.filter(is_closed=True).last()
    _add_item(canary, base.exhibition, closed, "never")
    m.Transcript.objects.create(
        testimony=base.testimony,
        language="nl",
        is_public=False,
        text=canary.token("never"),
    )
    return canary


def _segment(canary: Canary, testimony: m.Testimony, category: str):
    return m.TestimonySegment.objects.create(
        testimony=testimony,
        start_seconds=10,
        end_seconds=20,
        title_en=canary.token(category),
        synopsis_en=canary.token(category),
    )


def _add_item(canary, exhibition, record, category, section=None):
    section = section or exhibition.sections.first()
    m.ExhibitionItem.objects.create(
        section=section,
        position=100,
        content_type=ct(record),
        object_id=record.pk,
        caption_en=canary.token(category),
        caption_de=canary.token(category),
    )


def _link_hidden(canary: Canary, base: Archive, hidden: dict, category: str, source):
    """Every relation from the public archive to this state's hidden records, and
    the hidden records' own nested texts."""
    token = lambda: canary.token(category)  # noqa: E731
    person, place, event = hidden["person"], hidden["place"], hidden["event"]
    organisation, image = hidden["organisation"], hidden["image"]
    # Public records pointing at hidden ones.
    m.Rescuer.objects.create(
        recognition=base.recognition,
        person=person,
        name_as_listed=token(),
        # Listed in a hidden source: the published-list rule does not apply.
        listed_in=hidden["source"],
        relation=token(),
        position=10,
    )
    m.RescuedPerson.objects.create(
        recognition=base.recognition, person=person, name_as_listed=token(), position=10
    )
    m.RescuedPerson.objects.create(
        recognition=base.recognition,
        name_as_listed="someone not named",
        place=place,
        position=11,
    )
    base.recognition.places.add(place)
    m.Membership.objects.create(
        person=base.person, organisation=organisation, role=token()
    )
    m.Membership.objects.create(
        person=person, organisation=base.organisation, role=token()
    )
    base.organisation.places.add(place)
    base.event.places.add(place)
    m.EventParticipant.objects.create(event=base.event, person=person, role=token())
    m.EventParticipant.objects.create(
        event=base.event, organisation=organisation, role=token()
    )
    base.image.depicted_people.add(person)
    base.image.depicted_places.add(place)
    base.image.depicted_events.add(event)
    base.testimony.participants.create(person=person, role="translator")
    open_segment = base.testimony.segments.get(is_closed=False, start_seconds=0)
    open_segment.people.add(person)
    open_segment.places.add(place)
    open_segment.events.add(event)
    m.Citation.objects.create(
        content_type=ct(base.recognition),
        object_id=base.recognition.pk,
        source=hidden["source"],
        locator=token(),
        quotation=token(),
        note=token(),
    )
    # Single-field links: made on copies so the base keeps its own values; each
    # public copy points at the hidden record.
    for kind, attribute, target in (
        ("testimony", "witness", person),
        ("testimony", "place", place),
        ("person", "birth_place", place),
        ("person", "death_place", place),
        ("place", "parent", place),
        ("figure", "scope_place", place),
        ("recognition", "ceremony", event),
        ("exhibition", "hero_image", image),
    ):
        copy = MAKERS[kind](status=m.Status.PUBLISHED, **{attribute: target})
        if kind == "testimony":
            copy.consent_scope = m.ConsentScope.ONLINE
            copy.save()
        canary.public.append(copy)
    # Exhibition items pointing at every hidden record (skipped when not visible).
    for record in hidden.values():
        _add_item(canary, base.exhibition, record, category)
    segment = _segment(canary, hidden["testimony"], category)
    _add_item(canary, base.exhibition, segment, category)
    # The hidden records' own nested texts.
    m.Rescuer.objects.create(
        recognition=hidden["recognition"],
        person=base.person,
        name_as_listed=token(),
        relation=token(),
    )
    m.NameVariant.objects.create(person=person, name=token(), note=token())
    section = hidden["exhibition"].sections.first()
    section.title_en = token()
    section.body_en = token()
    section.save()
    _add_item(canary, hidden["exhibition"], base.image, category, section)
    for record in hidden.values():
        m.Citation.objects.create(
            content_type=ct(record),
            object_id=record.pk,
            source=source,
            locator=token(),
            quotation=token(),
        )
    for name in ("thumbnail", "card"):
        canary.hidden_files.add(rendition(image, name).file.name)
    m.Transcript.objects.create(
        testimony=hidden["testimony"], language="fr", is_public=True, text=token()
    )
