"""Spreadsheet import and export in the admin: dry run, confirm, workflow, bad input."""

from __future__ import annotations

import csv
import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from import_export.formats.base_formats import CSV
from openpyxl import Workbook, load_workbook

from archive import imports
from archive import models as m
from archive.admin.imports import SizedImportForm
from tests import factories as f

pytestmark = pytest.mark.django_db
CSV_FORMAT = "0"  # ImportExportAdminMixin.import_formats: CSV, XLSX
XLSX_FORMAT = "1"
#: A new person: the row's savepoint and release, the model's name constraint
#: (checked in its own savepoint), slug, insert, history, the API cache's audience
#: check and version (archive/api/caching.py).
QUERIES_PER_NEW_ROW = 11


def _client(group: str):
    user = f.make_user(group)
    client = Client()
    client.force_login(user)
    return client, user


def _csv(header: list[str], *rows: list[str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def _upload(client, model: str, data: bytes, name="people.csv", fmt=CSV_FORMAT, **kw):
    url = reverse(f"admin:archive_{model}_import")
    upload = SimpleUploadedFile(name, data, content_type="text/csv")
    return client.post(
        url, {"import_file": upload, "format": fmt, "resource": "0", **kw}
    )


def _confirm(client, model: str, dry_run_response):
    form = dry_run_response.context["confirm_form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    return client.post(reverse(f"admin:archive_{model}_process_import"), data)


def _details(response) -> str:
    return " | ".join(
        f"row {line['row']} {line['kind']}: {'; '.join(map(str, line['details']))}"
        for line in response.context["report"]
    )


PEOPLE = ["uuid", "family_name", "given_names", "birth_edtf", "birth_place"]


def test_a_contributor_imports_people_after_a_dry_run_as_drafts_with_history():
    """Dry run writes nothing; confirmation creates drafts whose history names
    the file, its SHA-256 and the curator."""
    client, user = _client("Contributor")
    place = f.make_place(slug="brussels")
    data = _csv(PEOPLE, ["", "Fonsny", "Georges", "1897", "brussels"])
    response = _upload(client, "person", data)
    assert response.status_code == 200
    assert [line["kind"] for line in response.context["report"]] == ["new"]
    assert not m.Person.objects.exists()
    response = _confirm(client, "person", response)
    assert response.status_code == 302
    person = m.Person.objects.get()
    assert person.status == m.Status.DRAFT
    assert person.created_by == user
    assert person.birth_place == place
    record = person.history.get()
    assert record.history_user == user
    digest = hashlib.sha256(data).hexdigest()
    assert record.history_change_reason == f"import sha256:{digest} people.csv"


def test_an_excel_file_imports_like_a_csv():
    client, _user = _client("Contributor")
    book = Workbook()
    book.active.append(["uuid", "family_name", "given_names"])
    book.active.append([None, "Bracops", "Joseph"])
    out = io.BytesIO()
    book.save(out)
    response = _upload(client, "person", out.getvalue(), "people.xlsx", XLSX_FORMAT)
    assert response.context["report"][0]["kind"] == "new", _details(response)
    _confirm(client, "person", response)
    assert m.Person.objects.get().family_name == "Bracops"


def test_a_round_trip_changes_only_the_edited_cell():
    """Export, change one cell, import: one field of one record changes, the rest
    of the file is unchanged and makes no history."""
    client, _user = _client("Publisher")
    shown = f.published(f.make_person(family_name="Fonsny", biography_en="=1+1 no"))
    other = f.make_person(family_name="Other")
    exported = client.post(
        reverse("admin:archive_person_export"),
        {
            "format": "0",
            "resource": "0",
            **{f"personresource_{c}": "on" for c in imports.PersonResource.columns()},
        },
    )
    assert exported.status_code == 200
    rows = list(csv.DictReader(io.StringIO(exported.content.decode())))
    by_name = {row["family_name"]: row for row in rows}
    assert by_name["Fonsny"]["biography_en"] == "'=1+1 no"  # escaped, inert
    by_name["Other"]["given_names"] = "Edited"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    versions = {p.pk: p.history.count() for p in (shown, other)}
    response = _upload(client, "person", out.getvalue().encode())
    report = {line["row"]: line["kind"] for line in response.context["report"]}
    edited = rows.index(by_name["Other"]) + 2
    assert report == {edited: "update", 5 - edited: "skip"}, _details(response)
    _confirm(client, "person", response)
    shown.refresh_from_db()
    other.refresh_from_db()
    assert other.given_names == "Edited"
    assert shown.biography_en == "=1+1 no"
    assert shown.history.count() == versions[shown.pk]
    assert other.history.count() == versions[other.pk] + 1
    new, old = other.history.all()[:2]
    assert [change.field for change in new.diff_against(old).changes] == ["given_names"]


def test_a_contributor_cannot_change_a_published_record_by_import():
    client, _user = _client("Contributor")
    shown = f.published(f.make_person(family_name="Shown"))
    data = _csv(["uuid", "family_name"], [str(shown.uuid), "Changed"])
    response = _upload(client, "person", data)
    line = response.context["report"][0]
    assert line["kind"] == "invalid"
    assert "published" in " ".join(map(str, line["details"]))
    assert "confirm_form" not in response.context
    shown.refresh_from_db()
    assert shown.family_name == "Shown"


def test_an_editor_cannot_but_a_publisher_can_update_a_published_record():
    """The import asks the workflow as the change form does; the record stays
    published with the new text."""
    shown = f.published(f.make_person(family_name="Shown"))
    data = _csv(["uuid", "family_name"], [str(shown.uuid), "Corrected"])
    editor, _user = _client("Editor")
    assert _upload(editor, "person", data).context["report"][0]["kind"] == "invalid"
    publisher, _user = _client("Publisher")
    response = _upload(publisher, "person", data)
    assert response.context["report"][0]["kind"] == "update"
    _confirm(publisher, "person", response)
    shown.refresh_from_db()
    assert (shown.family_name, shown.status) == ("Corrected", m.Status.PUBLISHED)


@pytest.mark.parametrize(
    ("header", "row", "column", "words"),
    [
        (PEOPLE, ["", "A", "B", "1943-13-45", ""], "birth_edtf", "EDTF"),
        (PEOPLE, ["", "A", "B", "1943", "nowhere-town"], "birth_place", "no place"),
        (
            PEOPLE,
            ["", '=HYPERLINK("http://x","y")', "B", "", ""],
            "family_name",
            "formula",
        ),
    ],
    ids=["bad-date", "unknown-place", "formula"],
)
def test_a_bad_cell_is_refused_naming_row_and_column_and_nothing_is_written(
    header, row, column, words
):
    client, _user = _client("Contributor")
    good = ["", "Good", "Row", "1943", ""]
    response = _upload(client, "person", _csv(header, good, row))
    assert response.status_code == 200
    report = response.context["report"]
    assert [line["row"] for line in report] == [2, 3]
    assert report[1]["kind"] == "invalid"
    detail = " ".join(map(str, report[1]["details"]))
    assert f"column '{column}'" in detail and words in detail, detail
    assert "confirm_form" not in response.context
    assert b"Nothing was written" in response.content
    assert not m.Person.objects.exists()


def test_a_csv_saved_by_excel_with_a_byte_order_mark_imports():
    client, _user = _client("Contributor")
    data = "\ufeff".encode() + _csv(
        ["uuid", "family_name", "given_names"], ["", "A", "B"]
    )
    response = _upload(client, "person", data)
    assert [line["kind"] for line in response.context["report"]] == ["new"]


def test_an_excel_file_that_is_not_one_or_unpacks_too_far_is_refused(settings):
    """Checked on the zip's directory, before any parser opens it."""
    import zipfile

    client, _user = _client("Contributor")
    response = _upload(client, "person", b"not a zip", "people.xlsx", XLSX_FORMAT)
    assert "not an Excel" in str(response.context["form"].errors["import_file"])
    settings.ARCHIVE_IMPORT_MAX_BYTES = 2000
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("xl/worksheets/sheet1.xml", b"0" * 100_000)
    response = _upload(client, "person", out.getvalue(), "people.xlsx", XLSX_FORMAT)
    assert "unpacks to" in str(response.context["form"].errors["import_file"])
    assert not m.Person.objects.exists()


def test_a_formula_written_with_an_apostrophe_is_stored_as_text():
    client, _user = _client("Contributor")
    data = _csv(["uuid", "family_name", "given_names"], ["", "'=SUM(A1)", "X"])
    response = _upload(client, "person", data)
    _confirm(client, "person", response)
    assert m.Person.objects.get().family_name == "=SUM(A1)"


def test_a_wrong_header_is_refused_naming_the_column():
    client, _user = _client("Contributor")
    data = _csv(["uuid", "familyname", "given_names"], ["", "A", "B"])
    response = _upload(client, "person", data)
    assert response.status_code == 200
    problems = " ".join(response.context["file_problems"])
    assert "Row 1" in problems and "'familyname'" in problems
    assert "confirm_form" not in response.context
    assert not m.Person.objects.exists()


def test_a_duplicate_file_number_is_refused():
    """Against the archive and within the file itself."""
    client, _user = _client("Contributor")
    f.make_recognition(file_number="1361")
    header = ["uuid", "title_en", "file_number"]
    data = _csv(header, ["", "Taken", "1361"], ["", "First", "99"], ["", "Again", "99"])
    response = _upload(client, "recognition", data)
    report = response.context["report"]
    assert [line["kind"] for line in report] == ["invalid", "new", "invalid"]
    assert "column 'file_number'" in " ".join(map(str, report[2]["details"]))
    assert m.Recognition.objects.count() == 1


def test_a_file_over_the_size_limit_is_refused_with_a_form_error(settings):
    """The limit is a setting; nothing is read, reported or written."""
    client, _user = _client("Contributor")
    settings.ARCHIVE_IMPORT_MAX_BYTES = 10
    response = _upload(client, "person", _csv(PEOPLE, ["", "A", "B", "", ""]))
    assert response.status_code == 200
    assert "at most 10" in str(response.context["form"].errors["import_file"])
    assert "report" not in response.context
    assert not m.Person.objects.exists()


def test_a_100_mb_upload_is_refused_by_its_size_without_being_read():

    class Huge:
        name = "huge.csv"
        size = 100 * 1024 * 1024

        def read(self, *args):
            raise AssertionError("the file was read")

        chunks = read

    form = SizedImportForm([CSV], [imports.PersonResource], data={"format": "0"})
    form.cleaned_data = {"import_file": Huge()}
    with pytest.raises(ValidationError, match="at most"):
        form.clean_import_file()


def test_a_user_without_add_permission_gets_403_and_nothing_is_written():
    client, _user = _client("Translator")
    data = _csv(PEOPLE, ["", "A", "B", "", ""])
    assert _upload(client, "person", data).status_code == 403
    response = client.post(
        reverse("admin:archive_person_process_import"),
        {"import_file_name": "x", "original_file_name": "x.csv", "format": "0"},
    )
    assert response.status_code == 403
    assert not m.Person.objects.exists()


def test_a_confirmation_refused_by_a_change_since_the_dry_run_writes_nothing():
    """All or nothing: a row refused at confirmation rolls back every row."""
    client, _user = _client("Editor")
    person = f.make_person(family_name="Draft")
    data = _csv(["uuid", "family_name"], ["", "New"], [str(person.uuid), "Changed"])
    response = _upload(client, "person", data)
    assert [line["kind"] for line in response.context["report"]] == ["new", "update"]
    f.published(person)  # published meanwhile: an Editor may no longer change it
    response = _confirm(client, "person", response)
    assert response.status_code == 200
    assert "Nothing was imported" in response.content.decode()
    assert list(m.Person.objects.values_list("family_name", flat=True)) == ["Draft"]


def test_rescuers_and_citations_import_only_into_records_the_curator_may_edit():
    client, user = _client("Contributor")
    own = f.make_recognition(rescuers=0, created_by=user, slug="own-file")
    f.published(f.make_recognition(rescuers=0, slug="shown-file"))
    f.make_person(slug="georges-fonsny")
    source = f.make_source(slug="yad-vashem")
    header = ["id", "recognition", "person", "name_as_listed"]
    data = _csv(
        header,
        ["", "own-file", "georges-fonsny", "Georges Fonsny"],
        ["", "shown-file", "georges-fonsny", "Georges Fonsny"],
    )
    response = _upload(client, "recognition", data, resource="1")
    assert [line["kind"] for line in response.context["report"]] == ["new", "invalid"]
    data = _csv(
        ["id", "record_kind", "record", "source", "locator"],
        ["", "recognition", "own-file", "yad-vashem", "p. 2"],
    )
    response = _upload(client, "source", data, resource="1")
    assert response.context["report"][0]["kind"] == "new", _details(response)
    _confirm(client, "source", response)
    assert own.citations.get().source == source


def test_500_people_import_after_a_dry_run_at_a_fixed_cost_per_row():
    """The dry run and the import of 500 people; the cost is pinned as queries per
    row (timings belong to the benchmark command, not to tests)."""
    client, _user = _client("Contributor")
    rows = [["", f"Synthetic{n}", "Test", "1900", ""] for n in range(500)]
    with CaptureQueriesContext(connection) as queries:
        response = _upload(client, "person", _csv(PEOPLE, *rows))
    assert response.context["refused"] == 0
    assert len(queries) <= 500 * QUERIES_PER_NEW_ROW + 40, len(queries)
    assert _confirm(client, "person", response).status_code == 302
    assert m.Person.objects.filter(status=m.Status.DRAFT).count() == 500


def test_exports_escape_formula_cells():
    assert imports.escape_formula("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert imports.escape_formula("@cmd") == "'@cmd"
    assert imports.escape_formula("-2+3+cmd|' /C calc'!A0").startswith("'")
    assert imports.escape_formula("-4.5") == "-4.5"
    assert imports.escape_formula("Fonsny") == "Fonsny"


def test_an_excel_export_is_inert():
    client, _user = _client("Publisher")
    f.make_person(family_name="+danger")
    response = client.post(
        reverse("admin:archive_person_export"),
        {
            "format": "1",
            "resource": "0",
            **{f"personresource_{c}": "on" for c in imports.PersonResource.columns()},
        },
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "'+danger" in values
    assert not any(isinstance(v, str) and v.startswith("+") for v in values)


IMPORTING = ("person", "place", "organisation", "event", "source", "recognition")


@pytest.mark.parametrize("model", IMPORTING)
@pytest.mark.parametrize("group", ["Translator", "Archive manager", None])
def test_the_import_paths_answer_403_without_add_permission(model, group):
    """Both POSTs of an import (dry run, confirm) are write paths: without the
    kind's add permission they are refused and write nothing."""
    client, _user = _client(group)
    before = m.Person.objects.count()
    upload = _upload(client, model, _csv(["uuid"], [""]))
    confirm = client.post(
        reverse(f"admin:archive_{model}_process_import"),
        {"import_file_name": "x", "original_file_name": "x.csv", "format": "0"},
    )
    assert (upload.status_code, confirm.status_code) == (403, 403)
    assert m.Person.objects.count() == before


# The workflow rules for an update by import, written out (as in the permission
# matrix): Contributors their own drafts, Editors anything unpublished, Publishers
# everything.
MAY_UPDATE = {
    "Contributor": {"own draft"},
    "Editor": {"own draft", "others' draft", "in review"},
    "Publisher": {"own draft", "others' draft", "in review", "published", "withdrawn"},
}


@pytest.mark.parametrize("group", list(MAY_UPDATE))
@pytest.mark.parametrize(
    "state", ["own draft", "others' draft", "in review", "published", "withdrawn"]
)
def test_an_update_by_import_follows_the_workflow(group, state):
    client, user = _client(group)
    status = {
        "in review": m.Status.REVIEW,
        "published": m.Status.PUBLISHED,
        "withdrawn": m.Status.WITHDRAWN,
    }.get(state, m.Status.DRAFT)
    person = f.make_person(
        family_name="Before",
        status=status,
        created_by=user if state == "own draft" else f.make_user("Contributor"),
    )
    response = _upload(
        client, "person", _csv(["uuid", "family_name"], [str(person.uuid), "After"])
    )
    allowed = state in MAY_UPDATE[group]
    assert response.context["report"][0]["kind"] == ("update" if allowed else "invalid")
    if allowed:
        _confirm(client, "person", response)
    person.refresh_from_db()
    assert person.family_name == ("After" if allowed else "Before")
    assert person.status == status  # an import never moves a record in the workflow


def test_rescuers_and_citations_export_from_their_records_lists_and_round_trip():
    """The parts of the listed records, in the columns their import reads."""
    client, _user = _client("Publisher")
    recognition = f.make_recognition(rescuers=2)
    source = f.make_source()
    citation = f.cite(recognition, source, locator="p. 3")
    exported = client.post(
        reverse("admin:archive_recognition_export"),
        {"format": "0", "resource": "1", **_all_columns(imports.RescuerResource)},
    )
    rows = list(csv.DictReader(io.StringIO(exported.content.decode())))
    assert [row["recognition"] for row in rows] == [recognition.slug] * 2
    exported = client.post(
        reverse("admin:archive_source_export"),
        {"format": "0", "resource": "1", **_all_columns(imports.CitationResource)},
    )
    rows = list(csv.DictReader(io.StringIO(exported.content.decode())))
    assert rows == [
        {
            "id": str(citation.pk),
            "record_kind": "recognition",
            "record": recognition.slug,
            "field_name": "",
            "source": source.slug,
            "locator": "p. 3",
            "quotation": "",
            "note": "",
            "position": "0",
        }
    ]
    response = _upload(client, "source", exported.content, resource="1")
    assert [line["kind"] for line in response.context["report"]] == ["skip"]


def _all_columns(resource) -> dict[str, str]:
    prefix = resource.__name__.lower()
    return {f"{prefix}_{column}": "on" for column in resource.columns()}
