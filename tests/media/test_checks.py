"""Deploy checks that keep originals private whatever the storage configuration."""

from __future__ import annotations

from archive.checks import media_storages_keep_originals_private
from memorial.settings import s3_storages


def ids(settings) -> list[str]:
    return [error.id for error in media_storages_keep_originals_private(None)]


def test_default_and_production_s3_configurations_pass(settings):
    assert ids(settings) == []
    settings.STORAGES = {**s3_storages(bucket="b"), "staticfiles": {}}
    assert ids(settings) == []


def test_public_and_private_in_one_place_is_an_error(settings):
    settings.STORAGES = {
        "default": settings.STORAGES["default"],
        "private": settings.STORAGES["default"],
    }
    assert ids(settings) == ["archive.E101"]


def test_unsafe_private_s3_options_are_errors(settings):
    storages = s3_storages(bucket="b")
    storages["private"]["OPTIONS"].update(
        default_acl="public-read", custom_domain="cdn.example.org", file_overwrite=True
    )
    settings.STORAGES = storages
    assert ids(settings) == ["archive.E102", "archive.E103", "archive.E104"]
