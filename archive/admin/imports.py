"""Import and export in the admin: upload, a dry-run report per row, confirm.

`ImportExportAdminMixin` adds django-import-export's Import and Export buttons to a
record admin, with the archive's rules: the columns and row rules of
`archive.imports`, a size limit checked before the file is read
(`ARCHIVE_IMPORT_MAX_BYTES`), CSV and Excel only, one report of every row in a
curator's words, and a confirmation that imports all rows in one transaction or,
if anything changed since the dry run and a row is now refused, nothing.

Who may import: anyone with *add* permission on the kind (Contributors too; their
new records are drafts, and the rows decide per record whether an update is allowed,
see `archive.imports`). Export needs *view* permission.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ImportForm
from import_export.results import RowResult

#: Row outcomes as the report names them.
OUTCOMES = {
    RowResult.IMPORT_TYPE_NEW: gettext_lazy("Created (draft)"),
    RowResult.IMPORT_TYPE_UPDATE: gettext_lazy("Updated"),
    RowResult.IMPORT_TYPE_SKIP: gettext_lazy("Unchanged"),
    RowResult.IMPORT_TYPE_INVALID: gettext_lazy("Refused"),
    RowResult.IMPORT_TYPE_ERROR: gettext_lazy("Refused"),
}


class SizedImportForm(ImportForm):
    """The upload, refused by its size before anything reads it."""

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        limit = settings.ARCHIVE_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise ValidationError(
                _(
                    "The file is %(size)s; an import may be at most %(limit)s. "
                    "Split it into several files."
                )
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
            )
        if upload.name.lower().endswith(".xlsx"):
            self._check_workbook(upload, limit)
        return upload

    @staticmethod
    def _check_workbook(upload, limit: int) -> None:
        """An Excel file is a zip: refuse one that is not, or that would unpack
        to more than ten times the size limit (a decompression bomb), before
        anything parses it."""
        try:
            with zipfile.ZipFile(upload) as workbook:
                unpacked = sum(member.file_size for member in workbook.infolist())
        except (zipfile.BadZipFile, OSError) as error:
            raise ValidationError(
                _("This is not an Excel (.xlsx) file; save it again as .xlsx or CSV.")
            ) from error
        finally:
            upload.seek(0)
        if unpacked > 10 * limit:
            raise ValidationError(
                _(
                    "This Excel file unpacks to %(size)s, more than an import may "
                    "hold. Split it into several files."
                )
                % {"size": filesizeformat(unpacked)}
            )


def _sha256_of_upload(upload) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    return digest.hexdigest()


def _sha256_of_path(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stored:
        for chunk in iter(lambda: stored.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def row_report(result, *, offset: int = 1) -> list[dict]:
    """One line per data row: spreadsheet row number (the header is row 1), the
    outcome, the record, and what changes or why the row is refused."""
    invalid = {row.number: row for row in result.invalid_rows}
    failed = dict(result.row_errors())
    lines = []
    for number, row_result in enumerate(result.rows, 1):
        details: list[str] = []
        if number in invalid:
            for column, errors in invalid[number].field_specific_errors.items():
                details.extend(
                    _("column '%(column)s': %(error)s")
                    % {"column": column, "error": error}
                    for error in errors
                )
            details.extend(invalid[number].non_field_specific_errors)
        for error in failed.get(number, []):
            details.append(
                _("the row could not be saved: %(error)s") % {"error": error.error}
            )
        details.extend(getattr(row_result, "changes", []))
        lines.append(
            {
                "row": number + offset,
                "outcome": OUTCOMES.get(row_result.import_type, ""),
                "kind": row_result.import_type,
                "record": row_result.object_repr or "",
                "details": details,
            }
        )
    return lines


def base_problems(result) -> list[str]:
    """Problems with the file as a whole (its header), in plain words."""
    problems = []
    for error in result.base_errors:
        exception = error.error
        if isinstance(exception, ValidationError):
            problems.extend(exception.messages)
        else:
            problems.append(str(exception))
    return problems


class ImportExportAdminMixin(ImportExportMixin):
    """Import and export for a record admin (see the module docstring)."""

    import_formats = (CSV, XLSX)
    export_formats = (CSV, XLSX)
    import_form_class = SizedImportForm
    import_template_name = "admin/archive/import.html"
    skip_admin_log = True  # every row's history already names the import

    def has_import_permission(self, request) -> bool:
        return self.has_add_permission(request)

    def has_export_permission(self, request) -> bool:
        return self.has_view_permission(request)

    def get_data_for_export(self, request, queryset, **kwargs):
        """Exporting rescuers or citations from the recognitions or sources list
        exports the parts of the listed records."""
        resource = self.choose_export_resource_class(kwargs.get("export_form"), request)
        if resource._meta.model is not self.model:
            queryset = resource.parts_of(queryset)
        return super().get_data_for_export(request, queryset, **kwargs)

    def get_import_resource_kwargs(self, request, **kwargs):
        form = kwargs.get("form")
        sha256 = ""
        if form is not None and form.is_bound and form.is_valid():
            data = form.cleaned_data
            if data.get("import_file") is not None:
                sha256 = _sha256_of_upload(data["import_file"])
            elif data.get("import_file_name"):
                path = os.path.join(tempfile.gettempdir(), data["import_file_name"])
                if os.path.exists(path):
                    sha256 = _sha256_of_path(path)
        request._archive_import_sha256 = sha256
        return {
            **super().get_import_resource_kwargs(request, **kwargs),
            "sha256": sha256,
        }

    def get_import_data_kwargs(self, **kwargs):
        # A row refused at confirmation (the archive changed since the dry run)
        # rolls the whole import back, like an error does.
        return {
            **super().get_import_data_kwargs(**kwargs),
            "rollback_on_validation_errors": True,
        }

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        if isinstance(response, TemplateResponse):
            self._add_report(request, response.context_data)
        return response

    def process_import(self, request, **kwargs):
        response = super().process_import(request, **kwargs)
        if isinstance(response, TemplateResponse):
            self._add_report(request, response.context_data)
        return response

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            self.message_user(
                request,
                _(
                    "Nothing was imported: some rows are refused now (the archive "
                    "changed since the dry run). Correct them and upload the file "
                    "again."
                ),
                messages.ERROR,
            )
            context = {
                **self.admin_site.each_context(request),
                "title": _("Import"),
                "opts": self.model._meta,
                "form": self.import_form_class(
                    self.get_import_formats(), self.get_import_resource_classes(request)
                ),
                "result": result,
                "import_error_display": self.import_error_display,
            }
            self._add_report(request, context)
            return TemplateResponse(request, [self.import_template_name], context)
        return super().process_result(result, request)

    def add_success_message(self, result, request):
        totals = result.totals
        self.message_user(
            request,
            _(
                "Import done: %(new)s created as drafts, %(update)s updated, "
                "%(skip)s unchanged (file checksum SHA-256 %(sha256)s)."
            )
            % {
                "new": totals[RowResult.IMPORT_TYPE_NEW],
                "update": totals[RowResult.IMPORT_TYPE_UPDATE],
                "skip": totals[RowResult.IMPORT_TYPE_SKIP],
                "sha256": getattr(request, "_archive_import_sha256", ""),
            },
            messages.SUCCESS,
        )

    def _add_report(self, request, context) -> None:
        result = context.get("result")
        context["sha256"] = getattr(request, "_archive_import_sha256", "")
        context["max_bytes"] = settings.ARCHIVE_IMPORT_MAX_BYTES
        if result is None:
            return
        context["report"] = row_report(result)
        context["file_problems"] = base_problems(result)
        context["refused"] = sum(
            1 for line in context["report"] if line["kind"] in ("invalid", "error")
        )
