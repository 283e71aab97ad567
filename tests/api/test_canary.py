"""The canary crawl: nothing the requester may not see reaches any API answer.

Records of every type in every hidden state carry unique tokens in every text field
and are linked from public records through every relation. Every list (all pages,
with and without `lang`), every detail, manifest and CSL export, search, the changes
feed, the schema and the docs page are then requested; no hidden token, id or file
may appear, and counts are those of `public()` (or `visible_to()` with a key).
"""

from __future__ import annotations

import pytest

from archive import models as m
from archive.api.context import KINDS
from archive.kinds import PUBLISHABLE_MODELS
from tests.api.builders import EXHIBITION_STATE, HIDDEN_STATES, canary_archive
from tests.api.conftest import new_client

pytestmark = pytest.mark.django_db

ROUTES = {model: route for model, route in KINDS.values()}


def follow(client, url: str, log: list) -> list[dict]:
    """Every result of a paginated list, following `next` links."""
    results = []
    while url:
        response = client.get(url)
        log.append((url, response))
        assert response.status_code == 200, (url, response.content[:300])
        data = response.json()
        results.extend(data["results"])
        url = data["next"]
    return results


def crawl(client) -> tuple[list, dict[str, list[dict]]]:
    log: list = []
    listed: dict[str, list[dict]] = {}
    log.append(("/api/v1/", client.get("/api/v1/")))
    for model_name, route in ROUTES.items():
        listed[model_name] = follow(client, f"/api/v1/{route}/?page_size=100", log)
        follow(client, f"/api/v1/{route}/?page_size=7&lang=fr", log)
    for model_name, records in listed.items():
        for record in records:
            for suffix in ("", "?lang=de"):
                url = record["api_url"] + suffix
                log.append((url, client.get(url)))
            if model_name in ("image", "exhibition"):
                url = record["api_url"] + "manifest/"
                log.append((url, client.get(url)))
            if model_name == "source":
                url = record["api_url"] + "csl/"
                log.append((url, client.get(url)))
    follow(client, "/api/v1/search/?q=zq&page_size=100", log)
    follow(client, "/api/v1/search/?q=test&page_size=5", log)
    follow(client, "/api/v1/changes/?page_size=100", log)
    for url in ("/api/v1/schema/", "/api/v1/docs/"):
        log.append((url, client.get(url)))
    return log, listed


def probe_hidden(client, canary, log: list) -> None:
    """Ask for every hidden record directly, and search for every token."""
    for records in canary.records.values():
        for record in records:
            route = ROUTES[record._meta.model_name]
            base = f"/api/v1/{route}/{record.uuid}/"
            for url in (base, base + "manifest/", base + "csl/"):
                log.append((url, client.get(url)))
    for tokens in canary.tokens.values():
        for token in sorted(tokens)[:40]:
            url = f"/api/v1/search/?q={token}"
            log.append((url, client.get(url)))


def assert_nothing_leaks(log: list, tokens: set[str], uuids: set[str], files: set[str]):
    for url, response in log:
        assert response.status_code < 500, url
        assert not response.has_header("Set-Cookie"), url
        # A problem answer names the address asked for; that is not a leak.
        body = response.content.decode().replace(url.split("?")[0], "")
        for secret in (*tokens, *uuids, *files):
            assert secret not in body, f"{secret} leaked at {url}"


def test_anonymous_crawl_shows_nothing_hidden(api):
    """No draft, review, embargoed, staff-only, exhibition-only, withdrawn or
    privacy-protected text, id or file reaches an anonymous client; counts are
    public-only."""
    canary = canary_archive()
    log, listed = crawl(api)
    probe_hidden(api, canary, log)
    tokens, uuids = canary.hidden_for_public()
    assert len(tokens) > 300 and len(uuids) > 60
    assert_nothing_leaks(log, tokens, uuids, canary.hidden_files)
    for url, response in log:
        assert "/api/v1/renditions/" not in response.content.decode(), url
    for model_name, records in listed.items():
        model = PUBLISHABLE_MODELS[
            [mm._meta.model_name for mm in PUBLISHABLE_MODELS].index(model_name)
        ]
        assert len(records) == model.objects.public().count()
        first = api.get(f"/api/v1/{ROUTES[model_name]}/").json()
        assert first["count"] == model.objects.public().count()
    listed_ids = {r["id"] for records in listed.values() for r in records}
    assert {str(record.uuid) for record in canary.public} <= listed_ids
    for records in canary.records.values():
        for record in records:
            route = ROUTES[record._meta.model_name]
            status = api.get(f"/api/v1/{route}/{record.uuid}/").status_code
            assert status == 404, (record, status)


def test_exhibition_key_crawl_adds_exhibition_records_only(keyed_api):
    """With an exhibition key the exhibition-only records appear, nested ones too,
    and nothing else hidden does."""
    canary = canary_archive()
    log, listed = crawl(keyed_api)
    probe_hidden(keyed_api, canary, log)
    tokens, uuids = canary.hidden_for_exhibition()
    assert_nothing_leaks(log, tokens, uuids, canary.hidden_files)
    everything = "".join(response.content.decode() for _url, response in log)
    for uuid in canary.uuids[EXHIBITION_STATE]:
        assert uuid in everything, f"exhibition-only record {uuid} missing"
    shown = {token for token in canary.tokens[EXHIBITION_STATE] if token in everything}
    assert len(shown) > 0.8 * len(canary.tokens[EXHIBITION_STATE])
    client = m.ApiClient.objects.get()
    for model_name, records in listed.items():
        model = PUBLISHABLE_MODELS[
            [mm._meta.model_name for mm in PUBLISHABLE_MODELS].index(model_name)
        ]
        assert len(records) == model.objects.visible_to(client).count()


def test_nested_hidden_person_is_left_out_with_the_name_that_names_them(api):
    """A published recognition never reveals a hidden rescuer's name: the whole
    rescuer entry goes, including 'name as listed', unless a public source (a
    published Yad Vashem file) lists that name. Then the listed name and relation
    stay, the person is null, and no token of the person record (biography,
    dates, slug, other names) appears; a listing in a hidden source counts for
    nothing."""
    canary = canary_archive()
    recognition = m.Recognition.objects.get(file_number="9999 public")
    data = api.get(f"/api/v1/recognitions/{recognition.uuid}/").json()
    names = [entry["name_as_listed"] for entry in data["rescuers"]]
    assert names == ["Test Example", *(f"Listed as {c}" for c in HIDDEN_STATES)]
    for entry in data["rescuers"][1:]:
        assert entry["person"] is None
        assert entry["listed_in"]["type"] == "source"
    assert all(
        entry["person"] is None
        for entry in data["rescued"]
        if "child" not in (entry["name_as_listed"] or "")
        and entry["name_as_listed"] != "someone not named"
    )
    hidden_tokens, _uuids = canary.hidden_for_public()
    assert not any(token in str(data) for token in hidden_tokens)


def test_exhibition_key_sees_exhibition_only_rendition_through_signed_link(
    keyed_api, api
):
    """Renditions of an exhibition-only image are private files: exhibition clients
    get signed links that work; anonymous clients never see the image."""
    canary = canary_archive()
    image = next(r for r in canary.records[EXHIBITION_STATE] if isinstance(r, m.Image))
    data = keyed_api.get(f"/api/v1/images/{image.uuid}/").json()
    urls = [r["url"] for r in data["renditions"]]
    assert urls and all("/api/v1/renditions/" in url for url in urls)
    response = api.get(urls[0])  # the link itself is the credential
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"].startswith("private")
    image.access = m.Access.STAFF
    image.save()
    assert api.get(urls[0]).status_code == 404


def test_inactive_or_public_tier_key_sees_only_public(api):
    canary = canary_archive()
    _client, inactive = new_client(active=False)
    _client, public_tier = new_client(tier=m.Tier.PUBLIC)
    hidden = next(r for r in canary.records[EXHIBITION_STATE] if isinstance(r, m.Event))
    url = f"/api/v1/events/{hidden.uuid}/"
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {inactive}")
    assert api.get(url).status_code == 401
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {public_tier}")
    assert api.get(url).status_code == 404
