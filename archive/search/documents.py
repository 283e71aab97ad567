"""What search indexes of a record: its texts by language and weight, its title in
every language, its address and its facet values, read in a few batch queries.

The fields come from the kinds registry (`archive.kinds.SearchFields`); the parts of
a record that have their own rows are added here: a person's name variants, a
testimony's open segments (titles, synopses, keywords) and public transcripts, a
recognition's rescuers as the file lists them, an exhibition's sections and its
items' captions. Parts are the rows the API itself shows the public
(`archive/api/exposure.py`: closed segments, non-public transcripts, a hidden
rescuer's name and the caption of an item whose record is hidden never).

Each document also says which audiences may find its record (`visible_to()`, the
one rule), so the search query reads only its audience's documents.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from archive import kinds
from archive import models as m
from archive.api import exposure
from archive.api.context import Audience
from archive.models.people import display_name
from archive.search.query import words
from archive.translation import TRANSLATED_FIELDS

#: The language of text that is in no particular language (names, codes).
NEUTRAL = "und"
WEIGHTS = ("a", "b", "c")

#: Facet -> kind -> the relation (from the record) whose ids are its values.
RELATED_FACETS: dict[str, dict[str, tuple[str, ...]]] = {
    "place": {
        "recognition": ("places",),
        "organisation": ("places",),
        "event": ("places",),
        "testimony": ("place",),
        "image": ("depicted_places",),
        "place": ("pk", "parent"),
    },
    "organisation": {
        "organisation": ("pk",),
        "person": ("memberships__organisation",),
        "event": ("participants__organisation",),
    },
}
#: The facets a document may have, in the order answers list them.
FACETS: tuple[str, ...] = ("kind", "place", "organisation", "decade", "language")


@dataclass
class Document:
    kind: str
    object_id: int
    uuid: Any
    slug: str
    title: dict[str, str]
    #: language -> [A, B, C] texts.
    texts: dict[str, list[list[str]]] = field(default_factory=dict)
    facets: set[tuple[str, str]] = field(default_factory=set)
    #: Which audiences may find the record (`visible_to()` when it was indexed).
    public: bool = False
    exhibition: bool = False

    def add(self, lang: str, weight: str, text: str | None) -> None:
        if text and text.strip():
            slots = self.texts.setdefault(lang, [[], [], []])
            slots[WEIGHTS.index(weight)].append(text.strip())

    @property
    def title_words(self) -> int:
        """How many different words its title holds in all languages (at least
        1), as the query reader reads words (`query.words`): on the demo archive
        a person's 2 to 5, a figure's title translated four times 7 to 47. The
        rank divides the boost of a names-and-titles match by it
        (`backends.NAME_BOOST`)."""
        return max(1, len({w for text in self.title.values() for w in words(text)}))

    def text_rows(self) -> list[dict[str, str]]:
        """The `texts` column: one entry per language, weights joined."""
        return [
            {"lang": lang, **{w: "\n".join(slots[i]) for i, w in enumerate(WEIGHTS)}}
            for lang, slots in sorted(self.texts.items())
        ]


def translated(model: type, name: str) -> bool:
    return name in TRANSLATED_FIELDS.get(model, ())


def _columns(model: type, fields: Iterable[str]) -> list[str]:
    columns: list[str] = []
    for name in fields:
        if translated(model, name):
            columns.extend(kinds.translated_columns(name))
        else:
            columns.append(name)
    return columns


def build(kind: str, ids: Iterable[int]) -> list[Document]:
    """The documents of these records of one kind (missing ids are skipped)."""
    entry = kinds.BY_NAME[kind]
    model, spec = entry.model, entry.search
    ids = list(ids)
    columns = ["pk", "uuid", "slug"]
    for fields in (spec.a, spec.b, spec.c):
        columns.extend(_columns(model, fields))
    if spec.date:
        columns.append(spec.date)
    extra_columns = EXTRA_COLUMNS.get(kind, ())
    rows = model._default_manager.filter(pk__in=ids).values(*columns, *extra_columns)
    documents: dict[int, Document] = {}
    languages = kinds.language_codes()
    for row in rows:
        doc = Document(kind, row["pk"], row["uuid"], row["slug"], {})
        for weight, fields in zip(WEIGHTS, (spec.a, spec.b, spec.c), strict=True):
            for name in fields:
                if translated(model, name):
                    for lang in languages:
                        doc.add(lang, weight, row[f"{name}_{lang}"])
                else:
                    doc.add(own_language(kind, row), weight, row[name])
        doc.title = title(kind, model, spec.a[0], row)
        if spec.date and row[spec.date]:
            doc.facets.add(("decade", str(row[spec.date].year // 10 * 10)))
        documents[row["pk"]] = doc
    if documents:
        for add_parts in PARTS.get(kind, ()):
            add_parts(documents)
        _related_facets(kind, model, documents)
        _audiences(model, documents)
    for doc in documents.values():
        doc.facets.add(("kind", kind))
        for lang in doc.texts:
            if lang in languages:
                doc.facets.add(("language", lang))
    return list(documents.values())


#: Extra columns some kinds read for their parts or their own language.
EXTRA_COLUMNS: dict[str, tuple[str, ...]] = {
    "source": ("language",),
}


def own_language(kind: str, row: dict[str, Any]) -> str:
    """The language of an untranslated field: a source's own, or none."""
    if kind == "source":
        return language_code(row["language"])
    return NEUTRAL


def language_code(value: str | None) -> str:
    """'fr', 'fr-BE' -> 'fr' if it is a content language, else 'und'."""
    code = (value or "").strip().lower().split("-")[0]
    return code if code in kinds.language_codes() else NEUTRAL


def title(kind: str, model: type, name: str, row: dict[str, Any]) -> dict[str, str]:
    """The title in every language (empty where a translation is missing)."""
    if kind == "person":
        value = display_name(row["name_prefix"], row["given_names"], row["family_name"])
        return {lang: value for lang in kinds.language_codes()}
    if translated(model, name):
        return {lang: row[f"{name}_{lang}"] or "" for lang in kinds.language_codes()}
    return {lang: row[name] or "" for lang in kinds.language_codes()}


#: The audiences a document may be found by: SearchDocument's flag -> audience.
AUDIENCES: tuple[str, ...] = ("public", "exhibition")


def visible_ids(model: type, audience: str, ids: Iterable[int]) -> set[int]:
    """Which of these records the audience may see today (the one rule)."""
    condition = Audience.named(audience).visible_q(model)
    return set(
        model._default_manager.filter(condition, pk__in=list(ids)).values_list(
            "pk", flat=True
        )
    )


def _audiences(model: type, documents: dict[int, Document]) -> None:
    for audience in AUDIENCES:
        for pk in visible_ids(model, audience, documents):
            setattr(documents[pk], audience, True)


def _public(model: type) -> Any:
    """The public's rule for a part (exposure.RULES), without its owner's own
    visibility (the document's flags carry that). Parts are indexed as the public
    sees them, for every audience: an exhibition client does not find a record by
    a part only exhibition clients may see."""
    return PART_RULES[model](Audience())


PART_RULES = {
    m.Person: exposure.visible(m.Person),
    m.ExhibitionItem: exposure.pointing_at(
        [*exposure.ANY_RECORD, (m.TestimonySegment, exposure.SEGMENT)]
    ),
}


# Parts with their own rows ------------------------------------------------------


def _name_variants(documents: dict[int, Document]) -> None:
    for person_id, name in m.NameVariant.objects.filter(
        person_id__in=documents
    ).values_list("person_id", "name"):
        documents[person_id].add(NEUTRAL, "a", name)


def _segments(documents: dict[int, Document]) -> None:
    columns = _columns(m.TestimonySegment, ("title", "synopsis"))
    segments = m.TestimonySegment.objects.filter(
        testimony_id__in=documents, is_closed=False
    ).order_by("testimony_id", "start_seconds", "pk")
    for row in segments.values("testimony_id", *columns):
        doc = documents[row["testimony_id"]]
        for lang in kinds.language_codes():
            doc.add(lang, "b", row[f"title_{lang}"])
            doc.add(lang, "c", row[f"synopsis_{lang}"])
    keywords = (
        m.TestimonySegment.keywords.through.objects.filter(
            testimonysegment__testimony_id__in=documents,
            testimonysegment__is_closed=False,
        )
        .order_by("testimonysegment__testimony_id", "term__label", "term_id")
        .distinct()
        .values(
            "testimonysegment__testimony_id",
            *(f"term__{column}" for column in _columns(m.Term, ("label",))),
        )
    )
    for row in keywords:
        doc = documents[row["testimonysegment__testimony_id"]]
        for lang in kinds.language_codes():
            doc.add(lang, "b", row[f"term__label_{lang}"])


def _rescuers(documents: dict[int, Document]) -> None:
    """Rescuers as the file lists them, when the public may see the person.

    Two index-driven reads (the batch's rescuers, then which of their people the
    public may see) rather than one join: without fresh statistics SQLite drove
    the join from every person of the access index and probed the batch's ids for
    each, which made a rebuild grow with the square of the archive."""
    rescuers = list(
        m.Rescuer.objects.filter(recognition_id__in=documents)
        .order_by("recognition_id", "position", "pk")
        .values_list(
            "recognition_id",
            "person_id",
            "name_as_listed",
            "person__name_prefix",
            "person__given_names",
            "person__family_name",
        )
    )
    shown = set(
        m.Person.objects.filter(
            _public(m.Person), pk__in={row[1] for row in rescuers if row[1]}
        ).values_list("pk", flat=True)
    )
    for recognition_id, person_id, listed, prefix, given, family in rescuers:
        if person_id in shown:
            name = listed or display_name(prefix, given, family)
            documents[recognition_id].add(NEUTRAL, "b", name)


def _sections(documents: dict[int, Document]) -> None:
    """Sections' titles and wall texts, and the captions of items whose record
    the public may see."""
    columns = _columns(m.ExhibitionSection, ("title", "body"))
    sections = m.ExhibitionSection.objects.filter(exhibition_id__in=documents)
    for row in sections.order_by("exhibition_id", "position", "pk").values(
        "exhibition_id", *columns
    ):
        doc = documents[row["exhibition_id"]]
        for lang in kinds.language_codes():
            doc.add(lang, "b", row[f"title_{lang}"])
            doc.add(lang, "c", row[f"body_{lang}"])
    items = m.ExhibitionItem.objects.filter(
        _public(m.ExhibitionItem), section__exhibition_id__in=documents
    ).order_by("section__exhibition_id", "section__position", "section_id", "position")
    for row in items.values(
        "section__exhibition_id", *_columns(m.ExhibitionItem, ("caption",))
    ):
        doc = documents[row["section__exhibition_id"]]
        for lang in kinds.language_codes():
            doc.add(lang, "b", row[f"caption_{lang}"])


def _transcripts(documents: dict[int, Document]) -> None:
    transcripts = m.Transcript.objects.filter(
        testimony_id__in=documents, is_public=True
    ).order_by("testimony_id", "language", "pk")
    for testimony_id, language, text in transcripts.values_list(
        "testimony_id", "language", "text"
    ):
        documents[testimony_id].add(language_code(language), "c", text)


def _testimony_languages(documents: dict[int, Document]) -> None:
    for pk, value in m.Testimony.objects.filter(pk__in=documents).values_list(
        "pk", "languages"
    ):
        for code in (value or "").split(","):
            lang = language_code(code)
            if lang != NEUTRAL:
                documents[pk].facets.add(("language", lang))


PARTS = {
    "person": (_name_variants,),
    "testimony": (_segments, _transcripts, _testimony_languages),
    "recognition": (_rescuers,),
    "exhibition": (_sections,),
}


def _related_facets(kind: str, model: type, documents: dict[int, Document]) -> None:
    for facet, by_kind in RELATED_FACETS.items():
        for path in by_kind.get(kind, ()):
            if path == "pk":  # the record itself (a place is its own place)
                pairs = [(pk, pk) for pk in documents]
            else:
                pairs = model._default_manager.filter(pk__in=documents).values_list(
                    "pk", path
                )
            for pk, value in pairs:
                if value is not None:
                    documents[pk].facets.add((facet, str(value)))


def parts_owner(instance: Any) -> tuple[str, int] | None:
    """(kind, id) of the record a part belongs to, for re-indexing it."""
    if isinstance(instance, m.NameVariant):
        return "person", instance.person_id
    if isinstance(instance, m.TestimonySegment | m.Transcript):
        return "testimony", instance.testimony_id
    if isinstance(instance, m.Membership):
        return "person", instance.person_id
    if isinstance(instance, m.EventParticipant):
        return "event", instance.event_id
    if isinstance(instance, m.Rescuer):
        return "recognition", instance.recognition_id
    if isinstance(instance, m.ExhibitionSection):
        return "exhibition", instance.exhibition_id
    if isinstance(instance, m.ExhibitionItem):
        section = m.ExhibitionSection.objects.filter(pk=instance.section_id)
        exhibition_id = section.values_list("exhibition_id", flat=True).first()
        return ("exhibition", exhibition_id) if exhibition_id else None
    return None


def dependents(kind: str, ids: Iterable[int]) -> dict[str, set[int]]:
    """Other records whose documents show something of these records (a rescuer's
    name, an item's caption shown only while its record is visible, a keyword's
    label): re-indexed with them."""
    ids = list(ids)
    found: dict[str, set[int]] = {}
    if kind == "person":
        found["recognition"] = set(
            m.Rescuer.objects.filter(person_id__in=ids).values_list(
                "recognition_id", flat=True
            )
        )
    model = kinds.BY_NAME[kind].model
    items = m.ExhibitionItem.objects.filter(
        content_type__app_label=model._meta.app_label,
        content_type__model=model._meta.model_name,
        object_id__in=ids,
    )
    if kind == "testimony":
        segments = m.TestimonySegment.objects.filter(testimony_id__in=ids)
        items = items | m.ExhibitionItem.objects.filter(
            content_type__app_label=m.TestimonySegment._meta.app_label,
            content_type__model=m.TestimonySegment._meta.model_name,
            object_id__in=segments.values("pk"),
        )
    exhibitions = set(items.values_list("section__exhibition_id", flat=True))
    if exhibitions:
        found["exhibition"] = exhibitions
    return {name: pks for name, pks in found.items() if pks}


#: Models whose rows are parts of an indexed record (their saves re-index it).
PART_MODELS: tuple[type, ...] = (
    m.NameVariant,
    m.TestimonySegment,
    m.Transcript,
    m.Membership,
    m.EventParticipant,
    m.Rescuer,
    m.ExhibitionSection,
    m.ExhibitionItem,
)
#: Many-to-many links a document reads (its place facet): through model -> kind.
LINKS: dict[type, str] = {
    m.Recognition.places.through: "recognition",
    m.Organisation.places.through: "organisation",
    m.Event.places.through: "event",
    m.Image.depicted_places.through: "image",
}
#: Many-to-many links of parts whose rows a document reads: through model ->
#: (kind, the part's field leading to the record).
PART_LINKS: dict[type, tuple[str, str]] = {
    m.TestimonySegment.keywords.through: ("testimony", "testimony_id"),
}
