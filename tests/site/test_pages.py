"""The public pages: every kind's page shows its relations in the page's language,
errors answer in the site's design, costs stay fixed, headers stay on."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from archive import kinds
from archive import models as m
from archive.site import labels
from tests import factories as f
from tests.api.builders import full_archive

pytestmark = pytest.mark.django_db


def url_in(record, code: str) -> str:
    with translation.override(code):
        return record.get_absolute_url()


@pytest.fixture
def archive():
    return full_archive()


def test_every_kind_has_a_page_with_its_sources_in_every_language(client, archive):
    """Each record page answers 200 in the four languages and lists its sources."""
    for record in archive.records():
        for code in kinds.language_codes():
            response = client.get(url_in(record, code))
            assert response.status_code == 200, (record, code)
            body = response.content.decode()
            assert f'<html lang="{code}">' in body
            assert 'type="application/ld+json"' in body
            assert (
                'rel="alternate" type="application/json" href="http://testserver/api/v1/'
                in body
            )


def test_every_kind_has_a_site_label():
    assert set(labels.KIND_LABELS) >= {kind.name for kind in kinds.KINDS}


def test_recognition_page_shows_file_rescuers_rescued_places(client, archive):
    body = client.get(url_in(archive.recognition, "en")).content.decode()
    recognition = archive.recognition
    assert recognition.file_number in body
    for rescuer in recognition.rescuers.all():
        assert (rescuer.name_as_listed or rescuer.person.family_name) in body
    assert "People rescued" in body and "Rescuers" in body


def test_french_page_has_french_headings_and_dates_in_words(client, archive):
    """No English heading on a French page; EDTF dates are words."""
    body = client.get(url_in(archive.person, "fr")).content.decode()
    headings = re.findall(r"<h[1-3][^>]*>(.*?)</h[1-3]>", body, re.S)
    assert "Sources" in " ".join(headings)
    for english in (
        "Records that name this person",
        "About this record",
        "Memberships",
    ):
        assert english not in body
    assert "2 janvier 1900" in body  # birth_edtf 1900-01-02
    assert "vers 1980" in body  # death_edtf 1980~


def test_untranslated_content_is_marked_with_its_language(client, archive):
    """A French page showing English text marks it lang="en" with a visible note."""
    body = client.get(url_in(archive.organisation, "fr")).content.decode()
    assert '<div class="translated-text" lang="en"><p>A committee.</p></div>' in body
    assert "Pas encore traduit ; affiché en anglais." in body


def test_language_switcher_stays_on_the_record(client, archive):
    body = client.get(url_in(archive.event, "fr")).content.decode()
    for code in ("en", "nl", "de"):
        assert f'href="{url_in(archive.event, code)}" hreflang="{code}"' in body


def test_unprefixed_address_redirects_and_unknown_prefix_is_404(client, archive):
    path = url_in(archive.event, "en").removeprefix("/en")
    assert client.get(path).status_code == 302
    response = client.get("/es" + path)
    assert response.status_code == 404
    assert "This page does not exist" in response.content.decode()


@pytest.mark.parametrize(
    "query", ["?page=0", "?page=abc", "?page=999999", "?page=99999999999"]
)
def test_bad_page_numbers_answer_404_not_500(client, archive, query):
    assert client.get(f"/en/people/{query}").status_code == 404


def test_withdrawn_once_public_record_answers_410_in_the_page_language(client, archive):
    event = archive.event
    event.status = m.Status.WITHDRAWN
    event.save()
    response = client.get(url_in(event, "fr"))
    assert response.status_code == 410
    assert "Cette fiche a été retirée" in response.content.decode()


def test_pages_keep_the_security_headers(client, archive):
    for url in ("/en/", url_in(archive.image, "en"), "/en/search/?q=test", "/en/x/"):
        response = client.get(url)
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"
        policy = response["Content-Security-Policy"]
        script = re.search(r"script-src ([^;]*)", policy).group(1)
        assert "unsafe-inline" not in script


def test_json_ld_describes_the_image_with_licence_and_credit(client, archive):
    body = client.get(url_in(archive.image, "en")).content.decode()
    data = json.loads(re.search(r'ld\+json">(.*?)</script>', body, re.S).group(1))
    assert data["@type"] == "ImageObject"
    assert data["license"] == archive.image.rights_uri
    assert data["creditText"]


def test_figure_page_shows_every_source_value_side_by_side(client):
    source_a, source_b = (
        f.make_source(title="Source A"),
        f.make_source(title="Source B"),
    )
    first = f.published(f.make_figure(measure="deported", value=25124))
    second = f.published(f.make_figure(measure="deported", value=25843))
    f.cite(first, source_a)
    f.cite(second, source_b)
    body = client.get(url_in(first, "fr")).content.decode()
    assert "25\u00a0124" in body
    assert "Source A" in body and "Source B" in body
    assert "25\u00a0843" in body


def test_source_page_cites_in_three_styles_and_offers_csl_json(client, archive):
    body = client.get(url_in(archive.source, "en")).content.decode()
    for style in ("Chicago", "APA", "MLA"):
        assert f"<h3>{style}</h3>" in body
    assert "/csl/" in body and "Le Soir" in body


def test_sitemap_lists_public_pages_with_hreflang_alternates(client, archive):
    body = client.get("/sitemap.xml").content.decode()
    assert url_in(archive.person, "fr") in body
    assert 'hreflang="de"' in body


def test_feed_and_robots(client, archive):
    assert client.get("/en/feed/")["Content-Type"].startswith("application/atom+xml")
    robots = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in robots


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_recognition_page_query_count_does_not_grow_with_rescuers(client):
    """Pinned: 1 rescuer or 8 rescuers, one more citation: the same queries."""
    small = f.published(f.make_recognition(rescuers=1))
    big = f.published(f.make_recognition(rescuers=8))
    for rescuer in big.rescuers.all():
        f.published(rescuer.person)
    for record in (small, big):
        f.cite(record)
    client.get(url_in(small, "en"))  # warm the compiled queries
    assert _count(client, url_in(small, "en")) == _count(client, url_in(big, "en"))


#: Queries per page for a record with every relation filled in (full_archive). The
#: exhibition loads each kind of item it holds once: bounded by the kinds, not by
#: the number of items.
#: Queries per page, by database: PostgreSQL reads nested lists inside their
#: records' query (archive/api/presenters/inline.py), SQLite one query a list. The
#: record is found by its slug in the query that reads it (`load_unique`).
PINNED = {
    "sqlite": {
        "person": 13,
        "place": 15,
        "recognition": 6,
        "exhibition": 54,
        "source": 4,
    },
    "postgresql": {
        "person": 9,
        "place": 14,
        "recognition": 1,
        "exhibition": 26,
        "source": 3,
    },
}


@pytest.mark.parametrize("kind", sorted(PINNED["sqlite"]))
def test_page_query_counts_are_pinned(client, archive, kind):
    """Each page's queries are a fixed number (compiled queries warmed first)."""
    record = getattr(archive, kind)
    client.get(url_in(record, "en"))
    assert _count(client, url_in(record, "en")) == PINNED[connection.vendor][kind]


def test_list_pages_query_counts_do_not_grow_with_records(client):
    for _ in range(3):
        f.published(f.make_person())
    client.get("/en/people/")
    few = _count(client, "/en/people/")
    for _ in range(10):
        f.published(f.make_person())
    assert _count(client, "/en/people/") == few
    f.published(f.make_event())
    client.get("/en/timeline/")
    events = _count(client, "/en/timeline/")
    f.published(f.make_event())
    assert _count(client, "/en/timeline/") == events


def test_browse_filter_counts_public_records_and_rejects_unknown_input(client):
    """The facet counts public records only; an unknown value is a 404 and an
    unknown parameter a 400, never a 500."""
    f.published(f.make_event(kind=m.EventKind.ATTACK))
    f.make_event(kind=m.EventKind.ATTACK, title="Draft attack")
    body = client.get("/en/events/").content.decode()
    assert "(1)" in body
    response = client.get(f"/en/events/?kind={m.EventKind.ATTACK}")
    assert response.status_code == 200
    assert "Draft attack" not in response.content.decode()
    assert client.get("/en/events/?kind=nonsense").status_code == 404
    assert client.get("/en/events/?colour=red").status_code == 400


def _facets_html(body: str) -> str:
    """The filter block of a browse page (what a hidden record must not change)."""
    return body[body.index('<details class="facets"') : body.index("</details>")]


def test_browse_filters_by_search_facets_with_public_counts(client, monkeypatch):
    """Place and decade facets from the search engine filter the list as links;
    pagination keeps the filters; hidden records never change a count or name."""
    from archive.site import lists

    monkeypatch.setattr(lists, "PAGE_SIZE", 1)
    ghent = f.published(f.make_place(name="Ghent"))
    first = f.published(f.make_event(title="First raid", date_edtf="1943-05-01"))
    second = f.published(f.make_event(title="Second raid", date_edtf="1944-02-01"))
    f.published(f.make_event(title="Later", date_edtf="1955"))
    for event in (first, second):
        event.places.add(ghent)
    body = client.get("/en/events/").content.decode()
    before = _facets_html(body)
    assert "Ghent (2)" in before and "1940s (2)" in before and "1950s (1)" in before
    # Hidden records (a draft event in Ghent, a public event at a draft place).
    hidden = f.make_event(title="Draft raid", date_edtf="1943")
    hidden.places.add(ghent)
    secret_place = f.make_place(name="Secret hamlet")
    f.published(f.make_event(title="Elsewhere", date_edtf="1962")).places.add(
        secret_place
    )
    after = _facets_html(client.get("/en/events/").content.decode())
    assert "Secret hamlet" not in after
    assert after.replace("1960s (1)", "").count("(") == before.count("(")
    assert "Ghent (2)" in after and "1940s (2)" in after
    response = client.get(f"/en/events/?place={ghent.uuid}")
    page = response.content.decode()
    assert response.status_code == 200 and "Draft raid" not in page
    assert "Records 1–1 of 2" in page
    assert f"place={ghent.uuid}&amp;page=2" in page  # the next page keeps the filter
    both = client.get(f"/en/events/?place={ghent.uuid}&decade=1950").content
    assert "Records 0–0 of 0" in both.decode() or "Nothing here yet" in both.decode()
    assert "Clear all filters" in page


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("place=not-a-uuid", 404),
        ("decade=19x0", 404),
        ("language=xx", 404),
        ("organisation=1", 404),
        ("decade=1940&decade=1950", 404),
        ("decade=1940&page=99", 404),
        ("colour=red", 400),
    ],
)
def test_browse_bad_filters_answer_the_site_error_pages(client, query, status):
    f.published(f.make_event(date_edtf="1943"))
    response = client.get(f"/en/events/?{query}")
    assert response.status_code == status
    assert "<html" in response.content.decode()


def test_browse_with_filters_query_count_does_not_grow(client):
    place = f.published(f.make_place())
    for _ in range(2):
        f.published(f.make_event(date_edtf="1943")).places.add(place)
    url = f"/en/events/?place={place.uuid}&decade=1940"
    client.get(url)
    few = _count(client, url)
    for _ in range(6):
        f.published(f.make_event(date_edtf="1944")).places.add(
            f.published(f.make_place())
        )
        f.published(f.make_event(date_edtf="1943")).places.add(place)
    assert _count(client, url) == few


def _exhibition_with_hero(public_image: bool = True) -> m.Exhibition:
    image = f.make_image()
    if public_image:
        f.published(image)
    image.get_rendition("card")
    return f.published(f.make_exhibition(hero_image=image, subtitle="A subtitle"))


def test_home_shows_hero_cards_in_a_fixed_number_of_queries(client, settings):
    """The home page shows each exhibition's card image (never a hidden image's)
    in the same queries for one exhibition as for five (built afresh each time)."""
    settings.API_RESPONSE_CACHE_SECONDS = 0
    first = _exhibition_with_hero()
    hidden = _exhibition_with_hero(public_image=False)
    client.get("/en/")
    few = _count(client, "/en/")
    body = client.get("/en/").content.decode()
    card = first.hero_image.renditions.get(
        spec=first.hero_image.get_rendition("card").spec
    )
    assert card.file.url in body and "A subtitle" in body
    for rendition in hidden.hero_image.renditions.all():
        assert rendition.file.name.rsplit("/", 1)[-1] not in body
    for _ in range(4):
        _exhibition_with_hero()
    assert _count(client, "/en/") == few


def test_a_repeated_home_visit_is_served_from_the_cache_until_the_archive_changes(
    client,
):
    """The home page's content is cached under the archive version: a second visit
    costs one query, and a publication shows at once on the next visit."""
    _exhibition_with_hero()
    client.get("/en/")
    assert _count(client, "/en/") == 1
    f.published(f.make_event(title="Test event newly published"))
    body = client.get("/en/").content.decode()
    assert "newly published" in body


def test_search_page_query_count_does_not_grow_with_hits_or_filters(client):
    """The search page's queries stay the same whatever the number of hits,
    with or without a facet filter."""
    place = f.published(f.make_place(name="Lièges"))
    for n in range(2):
        f.published(f.make_event(title=f"Raid lantern {n}")).places.add(place)
    urls = ["/en/search/?q=lantern", f"/en/search/?q=lantern&place={place.uuid}"]
    for url in urls:
        client.get(url)
    few = [_count(client, url) for url in urls]
    for n in range(6):
        f.published(f.make_event(title=f"Raid lantern more {n}")).places.add(place)
        f.published(f.make_person(family_name=f"Lantern{n}"))
    assert [_count(client, url) for url in urls] == few


def test_a_rescuers_relation_is_shown_in_the_pages_language_or_marked_as_english(
    client, archive
):
    """The relation in the file is translated like other content: a French page
    shows its French text; without one, the English text with lang="en" and the
    visible fallback mark; an English page, the English text unmarked."""
    rescuer = archive.recognition.rescuers.first()
    rescuer.relation_en = "neighbour of the family"
    rescuer.relation_fr = ""
    rescuer.save()
    french = client.get(url_in(archive.recognition, "fr")).content.decode()
    assert (
        '<span lang="en">neighbour of the family</span> '
        '<span class="fallback-mark"' in french
    )
    english = client.get(url_in(archive.recognition, "en")).content.decode()
    assert ", neighbour of the family" in english
    assert '<span lang="en">neighbour of the family</span>' not in english
    rescuer.relation_fr = "voisine de la famille"
    rescuer.save()
    french = client.get(url_in(archive.recognition, "fr")).content.decode()
    assert ", voisine de la famille" in french
    assert "neighbour of the family" not in french


def test_a_rescuers_relation_is_a_language_map_in_the_api(client, archive):
    """The API gives the relation as a language map, or one string with ?lang=."""
    rescuer = archive.recognition.rescuers.first()
    rescuer.relation_en = "neighbour of the family"
    rescuer.relation_fr = "voisine de la famille"
    rescuer.save()
    url = f"/api/v1/recognitions/{archive.recognition.uuid}/"
    maps = [r["relation"] for r in client.get(url).json()["rescuers"]]
    assert {"en": "neighbour of the family", "fr": "voisine de la famille"}.items() <= (
        next(m for m in maps if m and m.get("fr")).items()
    )
    french = client.get(f"{url}?lang=fr").json()["rescuers"]
    assert "voisine de la famille" in [r["relation"] for r in french]


def test_notes_kept_in_one_language_are_marked_as_english_on_other_pages(
    client, archive
):
    """A membership's role, a name variant's note and a citation's note are kept in
    the archive's first language only: a French page marks them lang="en" with the
    fallback mark; an English page shows them unmarked."""
    person, recognition = archive.person, archive.recognition
    m.Membership.objects.filter(person=person).update(role="head of the network")
    m.NameVariant.objects.filter(person=person).update(note="Form used by some sources")
    cited = m.Citation.objects.filter(
        content_type__model="recognition", object_id=recognition.pk
    )
    assert cited.update(note="Recognised 1965.")
    notes = {
        person: ("head of the network", "Form used by some sources"),
        recognition: ("Recognised 1965.",),
    }
    for record, texts in notes.items():
        french = client.get(url_in(record, "fr")).content.decode()
        english = client.get(url_in(record, "en")).content.decode()
        for text in texts:
            marked = f'<span lang="en">{text}</span> <span class="fallback-mark"'
            assert marked in french
            assert text in english
            assert f'<span lang="en">{text}</span>' not in english


@pytest.mark.parametrize(
    ("code", "summary"),
    [
        ("en", "How to search"),
        ("fr", "Comment chercher"),
        ("nl", "Zo zoekt u"),
        ("de", "So suchen Sie"),
    ],
)
def test_the_search_page_tells_how_to_search_in_its_language(client, code, summary):
    """Phrases, a word left out and OR are the query reader's syntax
    (archive/search/query.py); the page says so, with examples that find
    records on the demo archive (tests/demo/test_demo_search.py)."""
    body = client.get(f"/{code}/search/").content.decode()
    assert f"<summary>{summary}</summary>" in body
    for example in (
        "Reyn",
        '"Andrée Geulen"',
        "Mechelen -Dossin",
        "Malines OR Mechelen",
    ):
        assert f"<kbd>{example}</kbd>" in body


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("en", "Add a word to look for"),
        ("fr", "Ajoutez un mot à chercher"),
        ("nl", "Voeg een woord toe"),
        ("de", "Fügen Sie ein Wort hinzu"),
    ],
)
def test_a_query_that_only_leaves_words_out_is_told_to_add_one(client, code, says):
    """`-Dossin` leaves out what Dossin finds and looks for nothing: the page
    says so, where it used to advise fewer words or another spelling."""
    f.make_event(status=m.Status.PUBLISHED, title_en="Dossin barracks")
    body = client.get(f"/{code}/search/", {"q": "-Dossin"}).content.decode()
    assert says in body
    other = client.get(f"/{code}/search/", {"q": "qxnowhere"}).content.decode()
    assert says not in other
