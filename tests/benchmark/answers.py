"""Print every API answer over a small synthetic archive, as JSON {url: body}.

Run by tests/benchmark/test_databases_agree.py once per database (in its own process,
so each has its own settings): `python tests/benchmark/answers.py SCALE OUT.json`
in the environment `bench_api` gives its server (`Command.env`). It migrates the
(empty) database, generates the synthetic archive with the clock stopped (so both
databases hold the same moments), then walks every list of every kind in every
ordering page by page, every record's detail answer, and a language-collapsed copy
of each. Search is left out: its ranking belongs to each database's own engine.
"""

from __future__ import annotations

import datetime
import json
import sys
from unittest import mock

import django

MOMENT = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)


def main(scale: int, out: str) -> None:
    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from archive import kinds
    from archive.api.views import VIEWSETS

    with mock.patch("django.utils.timezone.now", return_value=MOMENT):
        call_command("migrate", verbosity=0)
        call_command("generate_archive", scale=scale, verbosity=0)
    client = Client(HTTP_HOST="127.0.0.1")
    answers: dict[str, str] = {}

    def get(url: str) -> dict:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        answers[url] = response.content.decode()
        return json.loads(response.content)

    for viewset in VIEWSETS.values():
        route = f"/api/v1/{kinds.BY_NAME[viewset.kind].plural}/"
        for ordering in viewset.orderings:
            url: str | None = f"{route}?page_size=7&ordering={ordering}"
            while url:
                page = get(url)
                url = page["next"] and page["next"].split("127.0.0.1", 1)[1]
        listed = get(f"{route}?page_size=100")
        get(f"{route}?page_size=100&lang=fr")
        for record in listed["results"]:
            detail = record["api_url"].split("127.0.0.1", 1)[1]
            get(detail)
            get(f"{detail}?lang=de")
    with open(out, "w") as handle:
        json.dump(answers, handle, indent=0, sort_keys=True)


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
