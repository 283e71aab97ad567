"""The site's canary crawl: nothing the public may not see reaches any page.

The canary archive (tests/api/builders.py) holds every kind of record in every
hidden state, each filled with unique tokens and linked from public records
through every relation. The crawl starts at the sitemap, the feed and the home
page in two languages and follows every link to a page of the site; no hidden
token, id or file may appear anywhere, every public record's page is reached, and
every hidden record's address answers the same 404 as one that never existed.
"""

from __future__ import annotations

import html
import re
from collections import deque
from urllib.parse import quote_plus, urljoin, urlsplit

import pytest
from django.test import Client
from django.utils import translation

from archive import kinds
from archive.api.context import ApiContext, Audience
from archive.site import search as site_search
from tests.api.builders import HIDDEN_STATES, canary_archive

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
    outcome = site_search.run(_ctx(), token, [], {}, 1)
    assert outcome.result.total == 0 and outcome.hits == []
    assert all(
        value["count"] == 0 for facet in outcome.facets for value in facet["values"]
    )


def _ctx() -> ApiContext:
    return ApiContext(audience=Audience(), lang=None, base="http://testserver")


#: Words the public canary records share with hidden ones (factory defaults).
SHARED_WORDS = ("public", "test", "family", "event", "place", "organisation")
STATUS = re.compile(r'<p role="status">([^<]*)</p>')
HIT = re.compile(r'<ol class="plain results">(.*?)</ol>', re.S)


def _without_query(body: str, query: str) -> str:
    """The page without the places that echo what was searched for."""
    for form in (query, html.escape(query), quote_plus(query)):
        body = body.replace(form, "")
    return body


def test_site_search_page_shows_no_hidden_token_hit_label_or_count(client):
    """Every kind in every hidden state carries a token; searching for any token
    (sixteen at a time), or for words public and hidden records share, in two
    languages, with every facet filter the page offers: no token or hidden id
    reaches the page (hits, snippets, facet labels); token searches find nothing;
    the total equals the public hits paged through, and the kind counts add up
    to it, so no hidden record is counted."""
    canary = canary_archive()
    for category in HIDDEN_STATES:
        found = {kinds.BY_MODEL[type(r)].name for r in canary.records[category]}
        assert found >= {kind.name for kind in kinds.KINDS}, category
    tokens, uuids = canary.hidden_for_public()
    secrets = (*tokens, *uuids, *canary.hidden_files)
    ordered = sorted(tokens)
    pages: dict[str, str] = {}
    for start in range(0, len(ordered), 16):
        query = " OR ".join(ordered[start : start + 16])
        for code in LANGUAGES:
            url = f"/{code}/search/?q={quote_plus(query)}"
            response = client.get(url)
            assert response.status_code == 200, url
            body = _without_query(response.content.decode(), query)
            assert STATUS.search(body).group(1).startswith("0 "), url
            pages[url] = body
    for word in SHARED_WORDS:
        for code in LANGUAGES:
            queue = [f"/{code}/search/?q={word}"]
            seen: set[str] = set()
            while queue:
                url = queue.pop()
                if url in seen or len(seen) > 40:
                    continue
                seen.add(url)
                response = client.get(url)
                assert response.status_code == 200, url
                body = response.content.decode()
                pages[url] = body
                queue += [
                    f"/{code}/search/" + html.unescape(link)
                    for link in re.findall(r'href="(\?q=[^"]+)"', body)
                ]
            first = pages[f"/{code}/search/?q={word}"]
            total = int(re.sub(r"\D", "", STATUS.search(first).group(1)) or 0)
            shown = _all_hits(client, f"/{code}/search/?q={word}")
            assert total == len(shown), word
            kind_counts = re.findall(
                r'<h2 class="facet-name">[^<]*</h2><ul>(.*?)</ul>', first, re.S
            )
            if kind_counts:
                counts = re.findall(r"\((\d+)\)</a>", kind_counts[0])
                assert sum(int(n) for n in counts) == total, word
    assert len(pages) > 60
    for url, body in pages.items():
        for secret in secrets:
            assert secret not in body, f"{secret} leaked at {url}"


def _all_hits(client, url: str) -> list[str]:
    """Every hit's address, following the page's "More results" links."""
    hits: list[str] = []
    while url:
        body = client.get(url).content.decode()
        block = HIT.search(body)
        hits += re.findall(r'href="([^"]+)"', block.group(1)) if block else []
        more = re.search(r'href="([^"]+)" rel="next"', body)
        url = (url.split("?")[0] + html.unescape(more.group(1))) if more else ""
    return hits
