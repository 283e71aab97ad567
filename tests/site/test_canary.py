"""The site's canary crawl: nothing the public may not see reaches any page.

The canary archive (tests/api/builders.py) holds every kind of record in every
hidden state, each filled with unique tokens and linked from public records
through every relation. The crawl starts at the sitemap, the feed and the home
page in two languages and follows every link to a page of the site; no hidden
token, id or file may appear anywhere, every public record's page is reached, and
every hidden record's address answers the same 404 as one that never existed.
"""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client
from django.utils import translation

from archive.site import search as site_search
from tests.api.builders import canary_archive

pytestmark = pytest.mark.django_db

LANGUAGES = ("en", "fr")
LINK = re.compile(r'(?:href|src)="([^"#]+)')
LOC = re.compile(r"<loc>([^<]+)</loc>|href=\"([^\"]+)\"")
MAX_PAGES = 3000


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _is_page(path: str) -> bool:
    return (
        path.split("/")[1:2] != [""]
        and path.split("/")[1] in LANGUAGES
        and ("/files/" not in path and "/preview/" not in path)
    )


def crawl(client: Client) -> dict[str, object]:
    """Every page reachable from the sitemap, the feeds and the home pages."""
    log: dict[str, object] = {}
    queue: deque[str] = deque()
    for url in ("/sitemap.xml", "/robots.txt"):
        response = client.get(url)
        log[url] = response
        for loc, href in LOC.findall(response.content.decode()):
            queue.append(_path(loc or href))
    for code in LANGUAGES:
        queue.extend([f"/{code}/", f"/{code}/feed/"])
    while queue and len(log) < MAX_PAGES:
        path = queue.popleft()
        if path in log:
            continue
        response = client.get(path)
        log[path] = response
        if response.status_code in (301, 302):
            queue.append(_path(response["Location"]))
            continue
        if not response.get("Content-Type", "").startswith(
            ("text/html", "application/atom")
        ):
            continue
        for link in LINK.findall(response.content.decode()):
            target = _path(
                urljoin("http://testserver" + path, link.replace("&amp;", "&"))
            )
            if (
                urlsplit(urljoin("http://testserver/", link)).netloc
                in ("", "testserver")
                and _is_page(target)
                and target not in log
            ):
                queue.append(target)
    return log


def test_anonymous_site_crawl_shows_nothing_hidden(client):
    """No draft, review, embargoed, staff-only, exhibition-only, withdrawn or
    privacy-protected text, id or file reaches any page, the sitemap or the feed;
    every public record's page is reached."""
    canary = canary_archive()
    log = crawl(client)
    echoed: dict[str, str] = {}
    for token in sorted(set().union(*canary.tokens.values()))[:12]:
        for code in LANGUAGES:
            url = f"/{code}/search/?q={token}"
            log[url] = client.get(url)
            echoed[url] = token  # the search box shows what was searched for
    tokens, uuids = canary.hidden_for_public()
    assert len(tokens) > 300 and len(uuids) > 60
    assert len(log) > 100
    for url, response in log.items():
        assert response.status_code < 500, url
        body = response.content.decode().replace(url, "")
        if url in echoed:
            body = body.replace(echoed[url], "")
        for secret in (*tokens, *uuids, *canary.hidden_files):
            assert secret not in body, f"{secret} leaked at {url}"
    for record in canary.public:
        for code in LANGUAGES:
            with translation.override(code):
                assert record.get_absolute_url() in log, record


def test_every_hidden_record_answers_the_missing_404(client):
    """An unpublished, embargoed, restricted or never-public withdrawn record's
    page is byte for byte the 404 of an address that never existed."""
    canary = canary_archive()
    for code in LANGUAGES:
        with translation.override(code):
            missing = client.get(
                canary.public[0].get_absolute_url().rsplit("/", 2)[0]
                + "/no-such-record/"
            )
            assert missing.status_code == 404
            for records in canary.records.values():
                for record in records:
                    response = client.get(record.get_absolute_url())
                    if response.status_code == 410:
                        assert record.first_public_at is not None, record
                        continue
                    assert response.status_code == 404, record
                    assert response.content == missing.content, record


def test_search_adapter_counts_public_records_only(client):
    """Facet counts of the search page count public records only."""
    canary = canary_archive()
    token = sorted(set().union(*canary.tokens.values()))[0]
    outcome = site_search.run(token, [], {}, 1)
    assert outcome.result.total == 0 and outcome.hits == []
    assert all(
        value["count"] == 0 for facet in outcome.facets for value in facet["values"]
    )
