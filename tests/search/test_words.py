"""Both engines read indexed text into the words a query is read into: runs of
letters and digits, whatever punctuation joins them.

PostgreSQL's own text parser made signed numbers of "-1" and "-000420" in a file
number and kept an address as one token, so those words were found on SQLite and
not on PostgreSQL (migration 0024 gives it the text with punctuation as spaces).
"""

from __future__ import annotations

import pytest
from django.db import connection

from tests import factories as f
from tests.search.helpers import PUBLISHED, found, ref

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("file SYN-1-000420", "000420"),
        ("file SYN-1-000420", "1-000420"),
        ("file SYN-1-000420", '"syn 1 000420"'),
        ("archive reference M.31.2/5403", "5403"),
        ("archive reference M.31.2/5403", "m.31.2/5403"),
        ("seen at https://www.yadvashem.org/righteous.html", "yadvashem"),
        ("seen at https://www.yadvashem.org/righteous.html", "righteous"),
        ("written to info@example.org", "example"),
        ("Jean-Pierre Lemaire", "pierre"),
        ("box 12-345", "345"),
        ("a 3.5 metre wall", "3.5"),
        ("l’abbé Bruno’s parish", "bruno"),
        ("the «Comité» – underground", "comite"),
    ],
)
def test_punctuation_between_letters_and_digits_separates_words(api, text, query):
    record = f.make_recognition(**PUBLISHED, title_en="A file", story_en=text)
    assert found(api, query) == [ref(record)], (connection.vendor, text, query)


def test_a_number_prefix_finds_file_numbers_on_both_engines(api):
    """The benchmark's "rescuer 00042" found 13 records on SQLite and 3 on
    PostgreSQL: the 00042 of "SYN-1-000420" was a signed number there."""
    first = f.make_recognition(**PUBLISHED, title_en="A file", story_en="SYN-1-000420")
    second = f.make_recognition(**PUBLISHED, title_en="A file", story_en="SYN-1-000421")
    f.make_recognition(**PUBLISHED, title_en="A file", story_en="SYN-1-000430")
    assert set(found(api, "00042")) == {ref(first), ref(second)}
