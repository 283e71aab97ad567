"""What a search costs the database: the same statements whatever the hits and
facet values (hits with their total, facets with their records' names: one
statement on PostgreSQL, two on SQLite), and on PostgreSQL a query made once per
statement, whose readings are each given once without changing a rank."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive import kinds
from archive import models as m
from archive.api.context import Audience
from archive.search import SearchRequest, search
from archive.search.backends import DOCUMENTS, WEIGHTS, PostgresBackend
from archive.search.facets import MAX_VALUES, counts_statement
from archive.search.query import parse
from archive.statements import run_statement
from tests import factories as f
from tests.search.helpers import PUBLISHED

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="PostgreSQL's plan and ranks"
)


def statements(request: SearchRequest) -> tuple[list[str], object]:
    with CaptureQueriesContext(connection) as captured:
        result = search(request)
    return [query["sql"] for query in captured.captured_queries], result


def test_a_search_takes_the_same_statements_whatever_its_hits_and_facet_values():
    """Places and organisations are named in the facet statement itself: no
    statement per facet, and none more for more hits or values. On PostgreSQL
    the facets are counted in the search statement (one statement in all); on
    SQLite by a statement of their own, after one asking which of the query's
    words begin no other word (`SqliteBackend.exact_words`)."""
    # What a process asks once, or once in a while (PostgreSQL: each language's
    # configuration, the words' statistics).
    search(SearchRequest("lantern"))
    counts = []
    for n in range(3):
        place = f.make_place(**PUBLISHED, name_en=f"Lantern place {n}")
        organisation = f.make_organisation(**PUBLISHED, name_en=f"Lantern group {n}")
        event = f.make_event(**PUBLISHED, title_en=f"Lantern raid {n}")
        event.places.add(place)
        m.EventParticipant.objects.create(
            event=event, organisation=organisation, role="other"
        )
        sql, result = statements(SearchRequest("lantern raid"))
        assert result.total == n + 1
        facets = {facet.name: facet.values for facet in result.facets}
        assert len(facets["place"]) == len(facets["organisation"]) == n + 1
        counts.append(len(sql))
    expected = 3 if connection.vendor == "sqlite" else 1
    assert counts == [expected] * 3


def test_facets_name_the_largest_visible_records_and_skip_hidden_ones():
    """More values than a facet lists, the largest ones hidden: the list is the
    largest visible ones, in order, each with its name in the requested
    language (the default one when untranslated) and its public id."""
    events = [
        f.make_event(**PUBLISHED, title_en=f"Convoy {n}") for n in range(MAX_VALUES + 4)
    ]
    hidden = [
        f.make_place(status=m.Status.DRAFT, name_en="Qxdraftplace"),
        f.make_place(**PUBLISHED, access=m.Access.STAFF, name_en="Qxstaffplace"),
    ]
    kiosk = f.make_place(**PUBLISHED, access=m.Access.EXHIBITION, name_en="Kiosk place")
    shown = [
        f.make_place(**PUBLISHED, name_en=f"Town {n:02}", name_fr=f"Ville {n:02}")
        for n in range(MAX_VALUES + 1)
    ]
    shown[0].name_fr = ""
    shown[0].save()
    # Hidden places and the kiosk's are on every event; shown[n] on n + 1 events.
    for event in events:
        event.places.add(*hidden, kiosk)
    for n, place in enumerate(shown):
        for event in events[: n + 1]:
            event.places.add(place)
    public = search(SearchRequest("convoy", lang="fr", page_size=1))
    places = next(facet for facet in public.facets if facet.name == "place")
    expected = list(reversed(shown))[:MAX_VALUES]
    assert [value.value for value in places.values] == [str(p.uuid) for p in expected]
    assert [value.count for value in places.values] == [
        n + 1 for n in reversed(range(1, MAX_VALUES + 1))
    ]
    assert places.values[0].label == f"Ville {MAX_VALUES:02}"
    kiosk_audience = Audience.named("exhibition")
    exhibition = search(SearchRequest("convoy", kiosk_audience, lang="fr"))
    places = next(facet for facet in exhibition.facets if facet.name == "place")
    assert places.values[0].label == "Kiosk place"
    assert places.values[0].count == len(events)
    assert "Qx" not in repr(exhibition.facets) + repr(public.facets)
    # The first town, untranslated in French, is named in English.
    everything = search(SearchRequest("convoy 0", lang="fr"))
    places = next(facet for facet in everything.facets if facet.name == "place")
    assert ("Town 00", 1) in [(value.label, value.count) for value in places.values]


def test_facets_cut_ties_at_the_listed_number_as_the_list_orders_them():
    """The statement returns only the values a facet lists: when equal counts
    straddle the cut, the values kept are the first in the list's own order
    (count, then value as a string; a place's value is its key as text, so
    "100000" before "99990"), the same on both databases."""
    event = f.make_event(**PUBLISHED, title_en="Convoy")
    # Keys across a power of ten: their order as text is not their order.
    places = [
        f.make_place(pk=99_990 + n, **PUBLISHED, name_en=f"Town {n:02}")
        for n in range(MAX_VALUES + 3)
    ]
    event.places.add(*places)
    result = search(SearchRequest("convoy"))
    listed = next(facet for facet in result.facets if facet.name == "place")
    by_key = {str(place.pk): place for place in places}
    expected = [str(by_key[key].uuid) for key in sorted(by_key)[:MAX_VALUES]]
    assert expected != [str(place.uuid) for place in places[:MAX_VALUES]]
    assert [value.value for value in listed.values] == expected
    assert {value.count for value in listed.values} == {1}
    # The cut is the statement's: it returns no more than the list shows.
    sql, params = counts_statement(
        SearchRequest(""), (f"FROM {DOCUMENTS} WHERE {DOCUMENTS}.public", [])
    )
    rows = run_statement(sql, params)
    returned = sorted(row[1] for row in rows if row[0] == "place")
    assert returned == sorted(by_key)[:MAX_VALUES]


def test_facet_labels_are_in_the_language_asked_for():
    """Labels of kinds and decades are made once per language: each answer has
    its own language's."""
    f.make_event(**PUBLISHED, title_en="Convoy", date_edtf="1943-05")
    labels = {}
    for lang in ("en", "fr", "en"):
        result = search(SearchRequest("convoy", lang=lang))
        facets = {facet.name: facet.values for facet in result.facets}
        labels.setdefault(lang, set()).add(
            (facets["decade"][0].label, facets["kind"][0].label)
        )
    assert labels["en"] == {("1940s", "events")}
    (french,) = labels["fr"]
    assert french[0] == "années 1940" and french[1] != "events"


def plan_nodes(plan: dict) -> list[dict]:
    return [plan] + [
        node for child in plan.get("Plans", []) for node in plan_nodes(child)
    ]


@postgresql_only
def test_the_query_is_made_once_for_each_part_of_the_statement():
    """The readings of the query (unaccent, then each configuration's parser) are
    computed at most once for each of the statement's three parts (the counted
    matches, the names-and-titles candidates, which are not read at all below
    the window, the ranked ones), not again for every document tested or
    ranked, and only the (id, rank) pairs of the candidates reach the sort."""
    for n in range(3):
        f.make_event(**PUBLISHED, title_en=f"Lantern raid {n}")
    sql, result = statements(SearchRequest("lantern", facets=False))
    assert result.total == 3 and len(sql) == 1
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, VERBOSE, FORMAT JSON) " + sql[0])
        plan = cursor.fetchone()[0]
    nodes = plan_nodes((json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"])
    readings = [node for node in nodes if node["Node Type"] == "Values Scan"]
    # The names-and-titles part is not run at all with so few matches.
    assert sorted(reading["Actual Loops"] for reading in readings) == [0, 1, 1]
    for reading in readings:
        if reading["Actual Loops"]:
            assert reading["Actual Rows"] == 1 + len(kinds.language_codes())
    # The count of the ranked (over the candidates), and the page's first row.
    windows = [node for node in nodes if node["Node Type"] == "WindowAgg"]
    assert [window["Actual Rows"] for window in windows] == [3, 3]
    # What is counted is an id and a rank (8 bytes each), not a document's vector.
    assert min(window["Plans"][0]["Plan Width"] for window in windows) <= 16


QUERIES = (
    "synthetic",
    "lanterns raid",
    '"lantern raid"',
    "lantern -convoy",
    "lantern OR convoy",
    "résistance",
    "the",
    "synthetic testimony",
    'synthetic "lantern raid"',
    "lantern OR synthetic testimony",
)


@postgresql_only
@pytest.mark.parametrize("q", QUERIES)
def test_readings_given_once_rank_every_document_as_all_of_them_do(q):
    """The distinct readings rank every document exactly as the `||` of all five
    readings (one per configuration, most of them alike) would."""
    f.make_event(
        **PUBLISHED,
        title_en="Lantern raid on the convoy",
        description_en="Synthetic lanterns, raids and résistance: the lantern raid.",
        title_fr="Raid des lanternes, la résistance",
    )
    f.make_person(**PUBLISHED, family_name="Lantern", given_names="Convoy")
    f.make_recognition(**PUBLISHED, title_en="Resistance", story_en="The raid " * 40)
    f.make_recognition(
        **PUBLISHED,
        title_en="Synthetic testimony",
        story_en="A synthetic testimony, synthetics and testimonies. " * 30,
    )
    backend = PostgresBackend()
    match = backend.match(parse(q), "public")
    readings, params = backend.readings(parse(q))
    excluded = backend.excluded_pairs(parse(q))
    params += [value for _, given in excluded for value in given]
    if len(parse(q).positive_terms()) == 1:
        assert match.tables_params == params
    # (With several terms, their OR is read too, for NAME_BOOST: `any_word`.)
    query = " || ".join(readings)
    if excluded:
        query = f"({query}) && !!({' || '.join(sql for sql, _ in excluded)})"
    plain = f"{DOCUMENTS}, (SELECT {query} AS query) AS search_query"
    a, b, c = WEIGHTS
    ranks = (
        f"SELECT {DOCUMENTS}.id, search_query.query::text, "
        f"ts_rank_cd('{{0.1, {c}, {b}, {a}}}', {DOCUMENTS}.vector, search_query.query),"
        f" ts_rank_cd('{{0, 0, 0, {a}}}', {DOCUMENTS}.vector, search_query.query, 1) "
        "FROM TABLES ORDER BY 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(ranks.replace("TABLES", match.tables), match.tables_params)
        once = cursor.fetchall()
        cursor.execute(ranks.replace("TABLES", plain), params)
        every = cursor.fetchall()
    assert len(once) == len(every) == m.SearchDocument.objects.count()
    assert [row[2:] for row in once] == [row[2:] for row in every]
    assert len(once[0][1]) <= len(every[0][1])


@postgresql_only
def test_a_reading_that_only_repeats_the_unstemmed_one_without_prefixes_is_left_out():
    """French, Dutch and German leave "synthetic testimony" as it is: their
    reading, `'synthetic' & 'testimony'`, finds only what the unstemmed prefix
    reading finds, at the same positions, and it nearly doubled every rank's cost
    (the ranks stay the same without it: the test above). English stems the
    words, and its reading stays."""
    f.make_event(**PUBLISHED, title_en="Synthetic testimony")
    match = PostgresBackend().match(parse("synthetic testimony"), "public")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT search_query.query::text FROM {match.tables} LIMIT 1",
            match.tables_params,
        )
        (query,) = cursor.fetchone()
    assert query.split(" | ") == [
        "'synthetic':* & 'testimony':*",
        "'synthet' & 'testimoni'",
    ]


@postgresql_only
def test_on_postgresql_the_query_names_each_configuration_as_the_index_function_does():
    """The search statement reads each language's configuration as a constant,
    the very one the index's function gives (`archive_search_config`), and never
    calls the function: in a prepared statement it ran at every execution."""
    from archive.search.backends import search_configs

    f.make_event(**PUBLISHED, title_en="Lantern raid")
    # What a process asks once, or once in a while: the configurations, the
    # words' statistics.
    search(SearchRequest("lantern raids"))
    sql, result = statements(SearchRequest("lantern raids"))
    assert result.total == 1
    assert len(sql) == 1
    assert "archive_search_config" not in sql[0]
    configs = search_configs()
    assert list(configs) == list(kinds.language_codes())
    with connection.cursor() as cursor:
        for code, constant in configs.items():
            cursor.execute(f"SELECT {constant} = archive_search_config(%s)", [code])
            assert cursor.fetchone()[0], code
            assert constant in sql[0]


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite's VM steps")
def test_on_sqlite_naming_facet_places_does_not_read_every_visible_place():
    """Each counted place is looked up by its key: the facet statement reads the
    visible places once, not once for every value counted (compared as text it
    did: 156 ms for a word of 300 hits at 100,000 recognitions, now 3.4 ms)."""
    lanterns = []
    for n in range(5):
        place = f.make_place(**PUBLISHED, name_en=f"Town {n}")
        lanterns.append(f.make_event(**PUBLISHED, title_en=f"Lantern raid {n}"))
        lanterns[-1].places.add(place)

    def steps() -> int:
        counted = [0]

        def count() -> int:
            counted[0] += 1
            return 0

        connection.ensure_connection()
        connection.connection.set_progress_handler(count, 1)
        try:
            result = search(SearchRequest("lantern", facets=True))
        finally:
            connection.connection.set_progress_handler(None, 1)
        places = {value.label for facet in result.facets for value in facet.values}
        assert {f"Town {n}" for n in range(5)} <= places
        return counted[0]

    few = steps()
    others = 300
    for n in range(others):
        f.make_place(**PUBLISHED, name_en=f"Elsewhere {n}")
    # One pass over the visible places (about 9 steps each), not one per value
    # counted (about 85 a place with these 5 values, compared as text).
    assert steps() - few < 20 * others


@postgresql_only
def test_on_postgresql_naming_facet_records_looks_each_up_by_key(monkeypatch):
    """Each counted place or organisation is read by its key, whatever the planner
    guesses of the tables (here never analysed, as on a server whose autovacuum
    has not run): joined on the key as text, a misestimate made PostgreSQL test
    every value against every visible organisation (131,700 comparisons, 25 ms,
    at 100,000 recognitions). The facet statement of a browse list, and the same
    joins inside the search statement, which counts its facets itself
    (`facets.counts_statement`)."""
    from archive.search import engine, facets

    towns = [f.make_place(**PUBLISHED, name_en=f"Town {n}") for n in range(5)]
    for n, town in enumerate(towns):
        event = f.make_event(**PUBLISHED, title_en=f"Lantern raid {n}")
        event.places.add(town)
    others = 300
    for n in range(others):
        f.make_place(**PUBLISHED, name_en=f"Elsewhere {n}")
        f.make_organisation(**PUBLISHED, name_en=f"Network {n}")
    seen = []
    real = facets.run_statement

    def run(sql, params):
        seen.append((sql, list(params)))
        return real(sql, params)

    monkeypatch.setattr(facets, "run_statement", run)
    events = (
        "FROM archive_searchdocument WHERE archive_searchdocument.public "
        "AND archive_searchdocument.kind = %s",
        ["event"],
    )
    counted, _approximate = facets.facets_for(
        SearchRequest("lantern"), events, exact=True
    )
    places = {value.label for facet in counted for value in facet.values}
    assert {f"Town {n}" for n in range(5)} <= places

    def explained(sql: str, params: list) -> dict:
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
            (plan,) = cursor.fetchone()[0]
        return json.loads(plan) if isinstance(plan, str) else plan

    def rows_read(node: dict) -> int:
        """Rows every scan of places and organisations read, over all its loops
        (those it gave and those its filter threw away), and the rows the joins
        threw away."""
        read = node.get("Rows Removed by Join Filter", 0)
        if node.get("Relation Name") in ("archive_place", "archive_organisation"):
            # Rows per loop are an average PostgreSQL rounds: a loop that found
            # nothing still looked, so each counts at least one.
            kept = node["Actual Rows"] + node.get("Rows Removed by Filter", 0)
            read += max(kept, 1) * node["Actual Loops"]
        return read + sum(rows_read(child) for child in node.get("Plans", []))

    # A key lookup for each value listed and the visible records read once (by
    # the test of visibility that comes before the values are listed), not the
    # 300 others for each of the 8 values (2,400 and more).
    ((sql, params),) = seen
    values = sum(len(facet.values) for facet in counted)
    visible = m.Place.objects.count() + m.Organisation.objects.count()
    assert rows_read(explained(sql, params)["Plan"]) <= visible + 4 * values

    # The same joins inside the search statement, which counts its facets
    # itself, planned once for every search (its other joins are the hits').
    seen.clear()
    monkeypatch.setattr(engine, "run_statement", run)
    result = search(SearchRequest("lantern"))
    ((sql, params),) = seen
    values = sum(len(facet.values) for facet in result.facets)
    assert {f"Town {n}" for n in range(5)} <= {
        value.label for facet in result.facets for value in facet.values
    }

    def relations(node: dict) -> set[str]:
        return {node.get("Relation Name", "")}.union(
            *(relations(child) for child in node.get("Plans", []))
        )

    def facet_part(node: dict) -> dict | None:
        """The subplan of the statement counting the facets."""
        if node.get("Subplan Name") and "archive_searchfacet" in relations(node):
            return node
        return next(
            filter(None, (facet_part(child) for child in node.get("Plans", []))),
            None,
        )

    counting = facet_part(explained(sql, params)["Plan"])
    assert counting is not None
    assert rows_read(counting) <= visible + 4 * values
