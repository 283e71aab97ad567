"""Load the demo archive: real history from fixtures/demo/*.json, in one transaction.

The demo archive is written by people, in our own JSON schema (fixtures/demo/README.md):
records refer to each other by slug, translated fields are language maps, and every
statement is cited. This loader turns it into database rows:

- in ONE transaction: an import fully lands or leaves nothing (image files stored
  during a failed import are removed again by the media layer);
- idempotently: records are matched by slug (terms by vocabulary and code) and only
  written when something differs, so a second run changes nothing, adds no history
  and creates no duplicates;
- honestly: a record is published only when `publication_problems()` is empty. A record
  the fixture wants published that cannot be is an error naming the record, never a
  silent draft.

`schema` declares the format (one `RecordType` per list, named by the kinds registry)
and reads the files; `loader` runs an import; `steps` syncs each kind's child rows.
"""

from archive.demo.loader import load_demo_archive
from archive.demo.schema import RECORD_TYPES, DemoArchiveError, default_path

__all__ = [
    "RECORD_TYPES",
    "DemoArchiveError",
    "default_path",
    "load_demo_archive",
]
