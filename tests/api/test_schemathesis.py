"""Schemathesis over the whole OpenAPI schema, in process (Django's WSGI app).

Every operation gets generated requests, valid and invalid, against an archive with
every relation filled in; no answer may be a 5xx, and every answer must match the
schema (status code, content type, headers, body) under schemathesis's default
checks. Examples are bounded (and derandomized) so the run takes about a minute.

All default checks run, including that valid requests are accepted and invalid ones
refused. Hypothesis drives each operation directly (`operation.as_strategy`) rather than
through schemathesis's pytest plugin, which does not support pytest 9 yet.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis import checks
from schemathesis.generation import GenerationMode

from tests.api.builders import full_archive

EXAMPLES = 25


def cases() -> list:
    """(path, method, mode) for every operation; invalid requests only where the
    operation takes parameters to get wrong."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    result = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            modes = [GenerationMode.POSITIVE]
            if operation.get("parameters"):
                modes.append(GenerationMode.NEGATIVE)
            for mode in modes:
                result.append(
                    pytest.param(path, method.upper(), mode, id=f"{path}-{mode.value}")
                )
    return result


@pytest.fixture
def wsgi_app():
    """Django's WSGI app, keeping the test's connection open between requests (as
    Django's test client does: closing it would end the test transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.parametrize("path, method, mode", cases())
def test_operation_conforms_to_the_schema(settings, wsgi_app, path, method, mode):
    """No 5xx and no schema violation, for valid and invalid requests."""
    settings.ALLOWED_HOSTS = ["*"]
    full_archive()
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", wsgi_app)
    operation = schema[path][method]

    @given(case=operation.as_strategy(generation_mode=mode))
    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        response = case.call()
        excluded = []
        if "cursor" in (case.query or {}):
            # A cursor is opaque: the schema can give its alphabet and length, not
            # which strings are cursors, so a well-formed made-up one is refused.
            excluded.append(checks.positive_data_acceptance)
        case.validate_response(response, excluded_checks=excluded)

    run()
