"""The two storages: public (renditions of public images) and private (originals).

Fields use `AliasedStorage`, which looks the configured backend up in
`settings.STORAGES` on every call instead of binding one instance at import. So the
same model works on local folders and on S3, migrations never name a backend, and
tests can switch storage (a temporary folder, a moto S3 server) per test.
"""

from __future__ import annotations

from typing import Any

from django.core.files.storage import Storage, storages
from django.utils.deconstruct import deconstructible

_DELEGATED = (
    "_open",
    "_save",
    "open",
    "save",
    "get_valid_name",
    "get_alternative_name",
    "get_available_name",
    "generate_filename",
    "path",
    "delete",
    "exists",
    "listdir",
    "size",
    "url",
    "get_accessed_time",
    "get_created_time",
    "get_modified_time",
)


@deconstructible(path="archive.storage.AliasedStorage")
class AliasedStorage(Storage):
    def __init__(self, alias: str) -> None:
        self.alias = alias

    @property
    def backend(self) -> Storage:
        return storages[self.alias]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.backend, name)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AliasedStorage) and other.alias == self.alias

    def __hash__(self) -> int:
        return hash(self.alias)


def _delegate(name: str):
    def method(self, *args, **kwargs):
        return getattr(self.backend, name)(*args, **kwargs)

    method.__name__ = name
    return method


for _name in _DELEGATED:
    setattr(AliasedStorage, _name, _delegate(_name))


#: Originals and source files: never reachable by a public URL.
private_storage = AliasedStorage("private")
#: Renditions of public images: served directly (or by a CDN).
public_storage = AliasedStorage("default")
