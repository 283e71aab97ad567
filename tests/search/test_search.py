"""Finding and ranking: every text a visitor would search, in every language, with
accents and case ignored, name and place variants, snippets, facets and pages."""

from __future__ import annotations

import pytest
from django.db import connection

from archive import models as m
from archive.search import SearchRequest, engine, search
from tests import factories as f
from tests.search.helpers import PUBLISHED, found, ref

pytestmark = pytest.mark.django_db


def test_an_exact_name_comes_before_a_passing_mention_in_a_story(api):
    mention = f.make_recognition(
        **PUBLISHED,
        title_en="The Janssens file",
        story_en="Neighbours, among them a family called Vandersteen, kept silent "
        "while the children were hidden in the attic for two years.",
    )
    person = f.make_person(**PUBLISHED, family_name="Vandersteen", given_names="Marie")
    assert found(api, "vandersteen") == [ref(person), ref(mention)]


def test_a_persons_own_record_comes_before_titles_that_mention_her_in_four_languages(
    api,
):
    """The person's biography is long and her name is written once; the event's
    title names her in each of four languages and its text is short. Both
    engines divide a rank by the document's whole length: without the boost for
    short titles (`NAME_BOOST`) the event came first on both."""
    biography = " ".join(
        f"In {year} she went on teaching at the school in Ixelles and visiting "
        "the families whose children the committee placed."
        for year in range(30)
    )
    person = f.make_person(
        **PUBLISHED,
        family_name="Vangeluwe",
        given_names="Odile",
        biography_en=biography,
    )
    event = f.make_event(
        **PUBLISHED,
        title_en="Children Odile Vangeluwe hid in Ixelles",
        title_fr="Enfants cachés à Ixelles par Odile Vangeluwe",
        title_nl="Kinderen die Odile Vangeluwe in Elsene verborg",
        title_de="Kinder, die Odile Vangeluwe in Ixelles versteckte",
    )
    assert found(api, "vangeluwe") == [ref(person), ref(event)]
    assert found(api, "odile vangeluwe") == [ref(person), ref(event)]


def test_a_word_in_a_short_title_counts_when_the_others_are_in_the_text(api):
    """ "vangeluwe ixelles": her person's title holds one of the words, her
    biography the other; the event's long title holds the other and its text the
    first. Any word of the query in the names and titles earns the boost, on
    both databases (PostgreSQL gave it only when every word was there)."""
    person = f.make_person(
        **PUBLISHED,
        family_name="Vangeluwe",
        given_names="Odile",
        biography_en="She taught at a school in Ixelles. " * 20,
    )
    event = f.make_event(
        **PUBLISHED,
        title_en="Children hidden in Ixelles",
        title_fr="Enfants cachés à Ixelles",
        title_nl="Kinderen verborgen in Elsene (Ixelles)",
        title_de="In Ixelles versteckte Kinder",
        description_en="Among those who hid them: Odile Vangeluwe.",
    )
    assert found(api, "vangeluwe ixelles") == [ref(person), ref(event)]


def test_the_search_statement_is_the_same_text_whatever_its_words(monkeypatch):
    """Only the query's shape makes the statement's text: the words are
    parameters, and NAME_BOOST grows with the number of groups (a phrase is
    one), not of words. Each text is prepared once on PostgreSQL and kept among
    a bounded number."""
    seen = []
    real = engine.run_statement

    def run(sql, params, *args, **kwargs):
        seen.append(sql)
        return real(sql, params, *args, **kwargs)

    monkeypatch.setattr(engine, "run_statement", run)
    search(SearchRequest('"andree geulen"'))
    search(SearchRequest('"andree geulen herscovici"'))
    assert len(seen) == 2 and seen[0] == seen[1]


def test_accents_and_case_are_ignored_both_ways(api):
    place = f.make_place(**PUBLISHED, name_en="Liège")
    plain = f.make_place(**PUBLISHED, name_en="Liege street")
    assert set(found(api, "liege")) == {ref(place), ref(plain)}
    assert set(found(api, "LIÈGE")) == {ref(place), ref(plain)}


def test_a_place_is_found_by_its_name_in_every_language(api):
    place = f.make_place(
        **PUBLISHED, name_en="Mechelen", name_fr="Malines", name_de="Mecheln"
    )
    for name in ("Mechelen", "Malines", "mecheln"):
        assert found(api, name) == [ref(place)]


def test_a_person_is_found_by_every_name_variant(api):
    person = f.make_person(**PUBLISHED, family_name="Geulen", given_names="Andrée")
    m.NameVariant.objects.create(person=person, name="Andrée Herscovici")
    m.NameVariant.objects.create(person=person, name="Mademoiselle Jeanne")
    for name in ("geulen", "herscovici", "mademoiselle jeanne", "andree"):
        assert found(api, name) == [ref(person)], name


@pytest.mark.parametrize(
    ("field", "word", "lang"),
    [
        ("summary_en", "hiding", "en"),
        ("summary_fr", "cachette", "fr"),
        ("summary_nl", "onderduikadres", "nl"),
        ("summary_de", "versteck", "de"),
    ],
)
def test_each_content_language_is_searched(api, field, word, lang):
    testimony = f.make_testimony(**PUBLISHED, **{field: f"About the {word} place."})
    assert found(api, word) == [ref(testimony)]
    hit = api.get("/api/v1/search/", {"q": word, "lang": lang}).json()["results"][0]
    assert f"<mark>{word}</mark>" in hit["snippet"].lower()


def test_stemmed_forms_are_found_on_postgresql_and_prefixes_everywhere(api):
    event = f.make_event(**PUBLISHED, title_en="Deportations from the barracks")
    assert found(api, "deportation") == [ref(event)]
    assert found(api, "barr") == [ref(event)]


def test_an_or_joins_two_words_and_the_next_word_is_still_required(api):
    """`a OR b c` is (a or b) and c on both databases: PostgreSQL's stemmed
    readings once read it as a or (b and c), and found `a` alone."""
    alone = f.make_event(**PUBLISHED, title_en="Qxlantern")
    both = f.make_event(**PUBLISHED, title_en="Qxconvoy raids")
    lantern = f.make_event(**PUBLISHED, title_en="Qxlantern raids")
    assert sorted(found(api, "qxlantern OR qxconvoy raid")) == sorted(
        [ref(both), ref(lantern)]
    )
    assert found(api, "qxlantern OR qxconvoy -raid") == [ref(alone)]


def test_a_phrase_finds_the_words_of_a_hyphenated_name_one_after_the_other(api):
    """ "Andrée Qxgeulen" finds a text that names her "Andrée Qxgeulen-Herscovici",
    on both databases: PostgreSQL's parser once read the hyphenated name as one
    more word before its parts, so the two words were not next to each other
    there (migration 0031). A prefix still finds the name once, and the parts
    are words of their own."""
    event = f.make_event(
        **PUBLISHED,
        title_en="A report",
        description_en="Written by Andrée Qxgeulen-Herscovici after the war.",
    )
    other = f.make_event(
        **PUBLISHED, title_en="A letter", description_en="Qxgeulen wrote to Andrée."
    )
    assert found(api, '"andrée qxgeulen"') == [ref(event)]
    assert found(api, '"qxgeulen herscovici"') == [ref(event)]
    assert found(api, "qxgeul herscovici") == [ref(event)]
    assert set(found(api, "qxgeulen")) == {ref(event), ref(other)}
    assert found(api, 'qxgeulen -"andree qxgeulen"') == [ref(other)]


def test_a_word_excluded_leaves_out_every_record_holding_it_in_any_reading(api):
    """`a -b` leaves out every record that `b` alone would find, on both
    databases. PostgreSQL once read the exclusion inside each language's
    reading, so a record lacking the French stem of the word excluded still
    matched the French reading: "geulen -herscovici" found the person whose
    name variant is Geulen-Herscovici."""
    person = f.make_person(**PUBLISHED, family_name="Qxgeulen", given_names="Andrée")
    m.NameVariant.objects.create(person=person, name="Andrée Qxgeulen-Herscovici")
    event = f.make_event(
        **PUBLISHED, title_en="Qxgeulen speaks", description_en="A strike."
    )
    assert set(found(api, "qxgeulen")) == {ref(person), ref(event)}
    assert found(api, "qxgeulen -herscovici") == [ref(event)]
    assert found(api, "qxgeulen -speaks") == [ref(person)]
    # A phrase left out is the phrase, not its words a language keeps (its
    # stop words dropped, `-"the strike"` read as `-strike` in English).
    assert set(found(api, 'qxgeulen -"the strike"')) == {ref(person), ref(event)}
    assert found(api, 'qxgeulen -"a strike"') == [ref(person)]
    # What "strikes" finds is left out: on PostgreSQL its stem finds "strike",
    # on SQLite (no stems) nothing of these.
    stemmed = connection.vendor == "postgresql"
    assert set(found(api, "strikes")) == ({ref(event)} if stemmed else set())
    assert set(found(api, "qxgeulen -strikes")) == (
        {ref(person)} if stemmed else {ref(person), ref(event)}
    )


def test_long_texts_of_every_kind_are_found(api):
    records = {
        "storyword": f.make_recognition(**PUBLISHED, story_en="A storyword here."),
        "bioword": f.make_person(**PUBLISHED, biography_en="A bioword there."),
        "captionword": f.make_image(**PUBLISHED, caption_en="A captionword."),
        "altword": f.make_image(**PUBLISHED, alt_text_en="An altword."),
        "descword": f.make_organisation(**PUBLISHED, description_en="A descword."),
        "labelword": f.make_figure(**PUBLISHED, label_en="A labelword"),
        "creatorword": f.make_source(**PUBLISHED, creators="Creatorword, Anna"),
        "transcribedword": f.make_source(
            **PUBLISHED, transcription="A transcribedword."
        ),
    }
    for word, record in records.items():
        assert found(api, word) == [ref(record)], word


def test_segments_and_public_transcripts_are_found_but_not_closed_or_private_ones(api):
    testimony = f.make_testimony(**PUBLISHED)
    m.TestimonySegment.objects.create(
        testimony=testimony,
        start_seconds=0,
        end_seconds=10,
        title_en="Segmenttitle",
        synopsis_en="A synopsisword.",
    )
    m.TestimonySegment.objects.create(
        testimony=testimony,
        start_seconds=10,
        end_seconds=20,
        title_en="Closed",
        synopsis_en="A closedword.",
        is_closed=True,
    )
    m.Transcript.objects.create(
        testimony=testimony, language="fr", text="Un transcriptword.", is_public=True
    )
    m.Transcript.objects.create(
        testimony=testimony, language="en", text="A privateword.", is_public=False
    )
    for word in ("segmenttitle", "synopsisword", "transcriptword"):
        assert found(api, word) == [ref(testimony)], word
    assert found(api, "closedword") == []
    assert found(api, "privateword") == []


def test_a_word_only_in_a_transcript_is_found_in_its_language(api):
    testimony = f.make_testimony(**PUBLISHED, title_en="An interview")
    m.Transcript.objects.create(
        testimony=testimony,
        language="nl",
        text="Wij zaten in de kelder.",
        is_public=True,
    )
    hit = api.get("/api/v1/search/", {"q": "kelder", "lang": "nl"}).json()
    assert hit["count"] == 1
    assert hit["results"][0]["snippet"] == "Wij zaten in de <mark>kelder</mark>."


def test_snippets_mark_the_words_and_escape_everything_else():
    f.make_event(**PUBLISHED, description_en='<script>alert("x")</script> & the raid')
    hit = search(SearchRequest("raid", lang="en")).hits[0]
    assert hit.snippet == (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; the <mark>raid</mark>"
    )


def test_a_name_snippet_shows_the_names_that_say_more_than_the_title():
    """When the words are only in names and titles, the snippet shows the names
    that matched, one apart from the other, those the title beside it does not
    already say first; a name that only repeats the title is followed by the
    other names the record goes by."""
    geulen = f.make_person(**PUBLISHED, family_name="Qxgeulen", given_names="Andrée")
    m.NameVariant.objects.create(person=geulen, name="Andrée Qxgeulen-Herscovici")
    m.NameVariant.objects.create(person=geulen, name="Mademoiselle <Jeanne>")
    reynders = f.make_person(**PUBLISHED, family_name="Qxreynders", given_names="Henri")
    m.NameVariant.objects.create(person=reynders, name="Dom Bruno")
    m.NameVariant.objects.create(person=reynders, name="Father Bruno")

    def snippet_of(q: str) -> str:
        (hit,) = search(SearchRequest(q, lang="en")).hits
        return hit.snippet

    assert snippet_of("qxgeulen") == "Andrée <mark>Qxgeulen</mark>-Herscovici"
    assert snippet_of("jeanne") == "Mademoiselle &lt;<mark>Jeanne</mark>&gt;"
    assert snippet_of("qxreynders") == (
        "<mark>Qxreynders</mark> · Dom Bruno · Father Bruno"
    )
    assert snippet_of("bruno qxreynders") == (
        "Dom <mark>Bruno</mark> · Father <mark>Bruno</mark>"
    )
    # At most four names, each as long as a passage of a longer text.
    many = f.make_person(**PUBLISHED, family_name="Qxcohen", given_names="Ruth")
    for n in range(8):
        m.NameVariant.objects.create(person=many, name=f"Ruth Qxcohen-{n}")
    long = " ".join(f"x{n}" for n in range(50))
    m.NameVariant.objects.create(person=reynders, name=f"Dom {long}")
    assert snippet_of("qxcohen").count("<mark>") == 4
    assert "x30 " in snippet_of("qxreynders")
    assert "x40" not in snippet_of("qxreynders")


def test_snippets_come_in_the_requested_language():
    f.make_event(
        **PUBLISHED,
        title_en="Strike",
        description_en="The strike of May 1941.",
        description_fr="La grève de mai 1941.",
    )
    assert "grève" in search(SearchRequest("1941", lang="fr")).hits[0].snippet
    assert "strike" in search(SearchRequest("1941", lang="en")).hits[0].snippet


def test_titles_are_language_maps_for_every_kind_and_say_their_language(api):
    person = f.make_person(**PUBLISHED, family_name="Vermeulen", given_names="Jan")
    event = f.make_event(**PUBLISHED, title_en="Vermeulen raid", title_fr="")
    maps = api.get("/api/v1/search/", {"q": "vermeulen"}).json()["results"]
    titles = {hit["id"]: hit["title"] for hit in maps}
    assert titles[str(person.uuid)] == {
        "en": "Jan Vermeulen",
        "fr": "Jan Vermeulen",
        "nl": "Jan Vermeulen",
        "de": "Jan Vermeulen",
    }
    assert titles[str(event.uuid)]["en"] == "Vermeulen raid"
    assert all(hit["title_lang"] is None for hit in maps)
    french = api.get("/api/v1/search/", {"q": "vermeulen", "lang": "fr"}).json()
    by_id = {hit["id"]: hit for hit in french["results"]}
    assert by_id[str(person.uuid)]["title"] == "Jan Vermeulen"
    assert by_id[str(person.uuid)]["title_lang"] == "fr"
    assert by_id[str(event.uuid)]["title"] == "Vermeulen raid"
    assert by_id[str(event.uuid)]["title_lang"] == "en"


def test_facets_count_kinds_places_organisations_decades_and_languages(api):
    mechelen = f.make_place(**PUBLISHED, name_en="Mechelen")
    cdj = f.make_organisation(**PUBLISHED, name_en="Committee")
    event = f.make_event(
        **PUBLISHED,
        title_en="Convoy one",
        date_edtf="1942-08-04",
        title_fr="Convoi un",
    )
    event.places.add(mechelen)
    m.EventParticipant.objects.create(event=event, organisation=cdj, role="other")
    f.make_recognition(**PUBLISHED, title_en="Convoy rescue", date_edtf="1965")
    data = api.get("/api/v1/search/", {"q": "convoy", "lang": "en"}).json()
    facets = data["facets"]
    assert {v["value"]: v["count"] for v in facets["kind"]} == {
        "event": 1,
        "recognition": 1,
    }
    assert facets["place"] == [
        {"value": str(mechelen.uuid), "label": "Mechelen", "count": 1}
    ]
    assert [v["value"] for v in facets["organisation"]] == [str(cdj.uuid)]
    assert {v["value"]: v["count"] for v in facets["decade"]} == {"1940": 1, "1960": 1}
    assert {v["value"]: v["count"] for v in facets["language"]} == {"en": 2, "fr": 1}


def test_facets_filter_the_hits(api):
    mechelen = f.make_place(**PUBLISHED, name_en="Mechelen")
    there = f.make_event(**PUBLISHED, title_en="Convoy", date_edtf="1942")
    there.places.add(mechelen)
    elsewhere = f.make_event(**PUBLISHED, title_en="Convoy two", date_edtf="1950")
    assert found(api, "convoy", place=str(mechelen.uuid)) == [ref(there)]
    assert found(api, "convoy", decade="1950") == [ref(elsewhere)]
    assert found(api, "convoy", language="fr") == []
    assert found(api, "convoy", type="place") == []


def test_search_pages_through_ranked_results(api):
    for n in range(7):
        f.make_place(**PUBLISHED, name_en=f"Camp {n}")
    seen, url = [], "/api/v1/search/?q=camp&page_size=3"
    while url:
        page = api.get(url).json()
        assert page["count"] == 7
        seen.extend(hit["id"] for hit in page["results"])
        url = page["next"]
    assert len(seen) == len(set(seen)) == 7
    result = search(SearchRequest("camp", page=3, page_size=3))
    assert len(result.hits) == 1 and not result.has_next


def test_every_list_takes_q(api):
    event = f.make_event(**PUBLISHED, title_en="General strike")
    f.make_event(**PUBLISHED, title_en="Liberation")
    place = f.make_place(**PUBLISHED, name_en="Strike street")
    data = api.get("/api/v1/events/", {"q": "strike"}).json()
    assert [r["id"] for r in data["results"]] == [str(event.uuid)]
    assert data["count"] == 1
    data = api.get("/api/v1/places/", {"q": "strike"}).json()
    assert [r["id"] for r in data["results"]] == [str(place.uuid)]
    assert api.get("/api/v1/people/", {"q": "strike"}).json()["count"] == 0
    assert api.get("/api/v1/events/", {"q": "**"}).json()["count"] == 0
