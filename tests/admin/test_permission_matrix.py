"""Every admin path that writes, for every registered model, group and record state.

The matrix is built from the admin registry: each registered model's add, change,
delete, history revert and list actions, plus its inline rows, are posted by each
group (Contributor, Editor, Publisher, and staff without permissions) against a
record in each workflow state (own draft, someone else's draft, in review,
published, withdrawn). The expected answer comes from the rules written out below,
not from `archive.workflow`, so the code is checked against the rules rather than
against itself. A refused POST must write nothing to the database; an allowed
one must have its effect.

Form data is what a browser would post: the superuser's form for the record, read
from the page. A model registered without a fixture recipe below fails the test,
so no model can slip past it.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models, transaction
from django.test import Client
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from archive import models as m
from archive.groups import MANAGER_PERMISSIONS, group_permissions
from archive.kinds import PUBLISHABLE_MODELS
from archive.provenance import tracked_fields
from tests import factories as f

pytestmark = pytest.mark.django_db

GROUPS = (
    "Contributor",
    "Editor",
    "Publisher",
    "Translator",
    "Archive manager",
    "no permissions",
)
CURATORS = ("Contributor", "Editor", "Publisher")
STATES = ("own draft", "others' draft", "in review", "published", "withdrawn")
DRAFTS = ("own draft", "others' draft")
UNSHOWN = (*DRAFTS, "in review")


# The rules, written out -----------------------------------------------------------


def may_edit(group: str, state: str) -> bool:
    """Contributors edit their own drafts, Editors anything unpublished, Publishers
    everything (a section or item follows its exhibition's state)."""
    return {
        "Contributor": state == "own draft",
        "Editor": state in UNSHOWN,
        "Publisher": True,
    }.get(group, False)


def record_rule(group: str, state: str, path: str) -> bool:
    if path in ("change", "revert", "inline delete"):
        return may_edit(group, state)
    if path == "translate":
        # Translators write translations of any record, in any state; the others
        # as they may edit the record.
        return group == "Translator" or may_edit(group, state)
    if path == "review_translations":
        return group in ("Editor", "Publisher")
    if path == "add":
        return group in CURATORS
    if path in ("delete", "delete_selected"):
        return group == "Publisher" and state in UNSHOWN
    if path == "submit_for_review":
        return state in DRAFTS and may_edit(group, state)
    if path == "return_to_draft":
        return group in ("Editor", "Publisher") and state == "in review"
    if path == "publish":
        return group == "Publisher" and state != "published"
    if path == "withdraw":
        return group == "Publisher" and state == "published"
    if path == "batch_edit":
        return may_edit(group, state)
    raise AssertionError(f"no rule for the path {path!r}: add one")


def part_rule(group: str, state: str, path: str) -> bool:
    """Sections (and their items): any write is an edit of the exhibition."""
    if path in (
        "add",
        "change",
        "revert",
        "delete",
        "delete_selected",
        "inline delete",
        "inline add",
    ):
        return may_edit(group, state)
    raise AssertionError(f"no rule for the path {path!r}: add one")


def plain_rule(model: type[models.Model]) -> Callable[[str, str, str], bool]:
    """Models without a workflow: the group's model permissions decide."""
    name = model._meta.model_name
    grants = group_permissions() if model._meta.app_label == "archive" else {}
    if model is get_user_model():
        grants = {"Archive manager": [p.split(".")[1] for p in MANAGER_PERMISSIONS]}

    def rule(group: str, state: str, path: str) -> bool:
        codenames = grants.get(group, [])
        needed = {
            "add": "add",
            "change": "change",
            "revert": "change",
            "inline delete": "change",
            "delete": "delete",
            "delete_selected": "delete",
            "rotate_key": "change",
            "mark_seen": "change",
        }.get(path)
        if needed is None:
            raise AssertionError(f"no rule for the path {path!r}: add one")
        return f"{needed}_{name}" in codenames

    return rule


# Fixtures: one record per state -------------------------------------------------


def _ready_recognition() -> m.Recognition:
    recognition = f.make_recognition()
    f.cite(recognition)
    return recognition


def _ready(factory: Callable[[], Any], cited: bool = True) -> Callable[[], Any]:
    def make() -> Any:
        record = factory()
        if cited:
            f.cite(record)
        return record

    return make


def _ready_exhibition() -> m.Exhibition:
    return f.make_exhibition(items=[f.published(f.make_person())])


RECORD_RECIPES: dict[type[models.Model], Callable[[], Any]] = {
    m.Recognition: _ready_recognition,
    m.Person: _ready(f.make_person),
    m.Testimony: _ready(f.make_testimony),
    m.Image: _ready(f.make_image, cited=False),
    m.Source: _ready(lambda: f.make_source(status=m.Status.DRAFT), cited=False),
    m.Organisation: _ready(f.make_organisation, cited=False),
    m.Place: _ready(f.make_place, cited=False),
    m.Event: _ready(f.make_event),
    m.Figure: _ready(f.make_figure),
    m.Exhibition: _ready_exhibition,
}
PLAIN_RECIPES: dict[type[models.Model], Callable[[], Any]] = {
    m.Term: lambda: m.Term.objects.create(
        vocabulary=m.Vocabulary.values[0], label="Term one", slug="term-one"
    ),
    m.ApiClient: lambda: _api_client(),
    get_user_model(): lambda: f.make_user(username="someone-else"),
    Group: lambda: Group.objects.create(name="A group"),
    m.TaskReport: lambda: m.TaskReport.objects.create(
        task="archive.check_fixity", outcome=m.Outcome.PROBLEMS, message="1 changed"
    ),
}


def _api_client() -> m.ApiClient:
    client = m.ApiClient(name="A kiosk", tier=m.Tier.EXHIBITION)
    client.set_new_key()
    client.save()
    return client


MARKER_FIELDS = (
    "title_en",
    "name_en",
    "label_en",
    "family_name",
    "first_name",
    "title",
    "name",
    "label",
    "username",
    "note",
)


def marker_of(data: dict[str, Any]) -> str:
    for name in MARKER_FIELDS:
        if name in data:
            return name
    raise AssertionError(f"no text field to change among {sorted(data)}")


def _put_in_state(record: m.Publishable, state: str, author) -> None:
    record.created_by = author
    record.status = m.Status.DRAFT
    record.save()
    if state == "in review":
        record.status = m.Status.REVIEW
    elif state in ("published", "withdrawn"):
        record.status = m.Status.PUBLISHED
        record.save()
        if state == "withdrawn":
            record.status = m.Status.WITHDRAWN
    record.save()


def _two_versions(obj: models.Model) -> None:
    """Version one, then version two, of the marker text: a revert goes back."""
    name = _model_marker(type(obj))
    setattr(obj, name, "Version one")
    obj.save()
    setattr(obj, name, "Version two")
    obj.save()


def _translated_field(model: type[models.Model]) -> str:
    """The field the matrix translates: an image's title in a language would need
    alt text and a credit line in it too, so its caption."""
    return "caption" if model is m.Image else tracked_fields(model)[0]


def _with_unreviewed_translation(record: m.Publishable) -> None:
    """A French translation nobody reviewed yet, for the review action to mark."""
    field = _translated_field(type(record))
    setattr(record, f"{field}_fr", "Une traduction")
    record.translation_provenance = {
        field: {"original": "en", "fr": {"status": "translated", "by": "someone"}}
    }
    record.save()


def _reviewed(record: m.Publishable | None) -> bool:
    field = _translated_field(type(record))
    notes = record.translation_provenance.get(field, {}).get("fr", {})
    return notes.get("status") == "reviewed"


def _model_marker(model: type[models.Model]) -> str:
    names = {f.name for f in model._meta.concrete_fields}
    for candidate in MARKER_FIELDS:
        if candidate in names:
            return candidate
    raise AssertionError(f"{model.__name__}: no text field to change")


# What a browser posts --------------------------------------------------------------


class FormReader(HTMLParser):
    """The values a browser would submit from one form of an admin page."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.data: dict[str, list[str]] = {}
        self._select: tuple[str, bool] | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = True
        if not self.inside or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self.data.setdefault(name, []).append(a.get("value", default))
        elif tag == "select" and name:
            self._select = (name, "multiple" in a)
            self._options = []
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select" and self._select is not None:
            name, multiple = self._select
            chosen = [value for value, selected in self._options if selected]
            if not chosen and not multiple and self._options:
                chosen = [self._options[0][0]]
            self.data.setdefault(name, []).extend(chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            self.data.setdefault(self._textarea, []).append(
                text[1:] if text.startswith("\n") else text
            )
            self._textarea = None


def read_form(client: Client, url: str, form_id: str) -> dict[str, Any]:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    reader = FormReader(form_id)
    reader.feed(response.content.decode())
    assert reader.data, f"no form #{form_id} on {url}"
    return {
        name: values if len(values) > 1 else values[0]
        for name, values in reader.data.items()
        if "__prefix__" not in name and values
    }


# Database writes -------------------------------------------------------------------


def writes_so_far() -> int:
    """Rows inserted, updated or deleted so far by this connection (SQLite) or this
    transaction (PostgreSQL): a refused POST must not move it. Stricter than
    comparing contents, and one query instead of one per table."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT total_changes()")
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT COALESCE(SUM(n_tup_ins + n_tup_upd + n_tup_del), 0)"
                " FROM pg_stat_xact_user_tables"
            )
        else:
            return int(fingerprint(), 16)
        return int(cursor.fetchone()[0])


def fingerprint() -> str:
    """Every row of every table but sessions (for other databases)."""
    digest = hashlib.blake2b(digest_size=20)
    for model in apps.get_models():
        if model._meta.label_lower == "sessions.session":
            continue
        rows = model._base_manager.order_by("pk").values_list()
        digest.update(repr((model._meta.label_lower, list(rows))).encode())
    return digest.hexdigest()


# The matrix ----------------------------------------------------------------------------


@dataclass
class Case:
    path: str
    method: Callable[[Client], Any]
    effect: Callable[[], bool]


def registered_models() -> list[type[models.Model]]:
    return sorted(admin.site._registry, key=lambda model: model._meta.label)


def _url(model: type[models.Model], view: str, *args: Any) -> str:
    return reverse(
        f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args
    )


class Matrix:
    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.model_admin = admin.site._registry[model]
        self.superuser = get_user_model().objects.create_superuser(
            "matrix-admin", "admin@example.org", "a-long-test-password"
        )
        self.root = Client()
        self.root.force_login(self.superuser)
        self.author = f.make_user("Contributor", username="matrix-author")
        self.users = {
            group: f.make_user(
                None if group == "no permissions" else group,
                username=f"matrix-{group.replace(' ', '-')}",
            )
            for group in GROUPS
        }
        self.clients = {}
        for group, user in self.users.items():
            self.clients[group] = Client()
            self.clients[group].force_login(user)
        self.failures: list[str] = []

    # -- kinds of model
    @property
    def is_record(self) -> bool:
        return issubclass(self.model, m.Publishable)

    @property
    def is_part(self) -> bool:
        return self.model is m.ExhibitionSection

    def rule(self) -> Callable[[str, str, str], bool]:
        if self.is_record:
            return record_rule
        if self.is_part:
            return part_rule
        return plain_rule(self.model)

    def make(self, state: str) -> tuple[models.Model, m.Publishable | None]:
        """The object posted against, and the record whose state governs it."""
        if self.is_record:
            if self.model not in RECORD_RECIPES:
                raise AssertionError(f"{self.model.__name__}: add a fixture recipe")
            record = RECORD_RECIPES[self.model]()
            assert record.publication_problems() == [], record.publication_problems()
            _two_versions(record)
            _with_unreviewed_translation(record)
            _put_in_state(record, state, self.author)
            return record, record
        if self.is_part:
            exhibition = _ready_exhibition()
            section = exhibition.sections.get()
            _two_versions(section)
            _put_in_state(exhibition, state, self.author)
            return section, exhibition
        if self.model not in PLAIN_RECIPES:
            raise AssertionError(f"{self.model.__name__}: add a fixture recipe")
        obj = PLAIN_RECIPES[self.model]()
        if hasattr(obj, "history"):
            _two_versions(obj)
        return obj, None

    def states(self) -> tuple[str, ...]:
        return STATES if (self.is_record or self.is_part) else ("existing",)

    # -- running one case
    def check(self, group: str, state: str, case: Case, governing) -> None:
        expected = self.rule()(group, state, case.path)
        label = f"{self.model.__name__} / {state} / {group} / {case.path}"
        with transaction.atomic():
            if state == "own draft" and governing is not None:
                type(governing).objects.filter(pk=governing.pk).update(
                    created_by=self.users[group]
                )
            before = writes_so_far()
            response = case.method(self.clients[group])
            status = response.status_code
            if status >= 500:
                self.failures.append(f"{label}: answered {status}")
            elif expected and not case.effect():
                self.failures.append(
                    f"{label}: expected allowed, answered {status}, had no effect"
                    + _errors(response)
                )
            elif not expected and writes_so_far() != before:
                self.failures.append(
                    f"{label}: expected refused, wrote to the database"
                )
            transaction.set_rollback(True)

    # -- the paths
    def cases(self, obj: models.Model, governing) -> list[Case]:
        model, pk = self.model, obj.pk
        change_url = _url(model, "change", pk)
        data = read_form(self.root, change_url, f"{model._meta.model_name}_form")
        marker = marker_of(data)
        refetch = lambda: model._base_manager.filter(pk=pk).first()  # noqa: E731
        status_now = (
            (lambda: type(governing).objects.get(pk=governing.pk).status)
            if governing is not None
            else (lambda: None)
        )
        cases = [
            Case(
                "change",
                lambda c: c.post(change_url, {**data, marker: "Changed by a POST"}),
                lambda: (
                    str(getattr(refetch(), marker.removesuffix("_en")))
                    == "Changed by a POST"
                ),
            ),
            Case(
                "delete",
                lambda c: c.post(_url(model, "delete", pk), {"post": "yes"}),
                lambda: refetch() is None,
            ),
            self.add_case(data, marker),
        ]
        cases += self.inline_cases(change_url, data, marker)
        if self.is_record:
            # A translation no one has written yet: Dutch, of the first field.
            column = f"{_translated_field(model)}_nl"
            assert column in data, f"{model.__name__}: no {column} on the form"
            cases.append(
                Case(
                    "translate",
                    lambda c: c.post(change_url, {**data, column: "Vertaald"}),
                    lambda: getattr(refetch(), column) == "Vertaald",
                )
            )
        if isinstance(self.model_admin, SimpleHistoryAdmin):
            version = model.history.filter(
                **{
                    model._meta.pk.attname: pk,
                    marker.removesuffix("_en"): "Version one",
                }
            ).latest()
            revert_url = _url(model, "simple_history", pk, version.history_id)
            revert = read_form(
                self.root, revert_url, f"historical{model._meta.model_name}_form"
            )
            state_before = status_now()
            cases.append(
                Case(
                    "revert",
                    lambda c: c.post(revert_url, revert),
                    lambda: (
                        str(getattr(refetch(), marker.removesuffix("_en")))
                        == "Version one"
                        and status_now() == state_before
                    ),
                )
            )
        targets = {
            "submit_for_review": m.Status.REVIEW,
            "return_to_draft": m.Status.DRAFT,
            "publish": m.Status.PUBLISHED,
            "withdraw": m.Status.WITHDRAWN,
        }
        request = _post_request(self.superuser)
        for name in self.model_admin.get_actions(request):
            payload = {"action": name, "_selected_action": [str(pk)], "index": "0"}
            if name == "delete_selected":
                payload["post"] = "yes"
                effect = lambda: refetch() is None  # noqa: E731
            elif name in targets:
                effect = lambda t=targets[name]: status_now() == t  # noqa: E731
            elif name == "review_translations":
                effect = lambda: _reviewed(refetch())  # noqa: E731
            elif name == "batch_edit":
                payload.update({"apply": "yes", "field": "access", "access": "staff"})
                effect = lambda: refetch().access == m.Access.STAFF  # noqa: E731
            elif name == "rotate_key":
                old = obj.key_hash
                effect = lambda old=old: refetch().key_hash != old  # noqa: E731
            elif name == "mark_seen":
                effect = lambda: refetch().seen  # noqa: E731
            else:
                raise AssertionError(f"action {name!r}: add its expected effect")
            cases.append(
                Case(
                    name,
                    lambda c, p=payload: c.post(_url(model, "changelist"), p),
                    effect,
                )
            )
        return cases

    def add_case(self, data: dict[str, Any], marker: str) -> Case:
        model = self.model
        if model is get_user_model():  # an invitation: Django's user add form
            password = "an-invited-curator-password-1"
            return Case(
                "add",
                lambda c: c.post(
                    _url(model, "add"),
                    {
                        "username": "invited",
                        "usable_password": "true",
                        "password1": password,
                        "password2": password,
                    },
                ),
                lambda: model.objects.filter(username="invited").exists(),
            )
        return Case(
            "add",
            lambda c: c.post(_url(model, "add"), self.add_data(data, marker)),
            lambda: model._base_manager.filter(
                **{marker.removesuffix("_en"): "Added by a POST"}
            ).exists(),
        )

    def add_data(self, data: dict[str, Any], marker: str) -> dict[str, Any]:
        """The change form's values as a new record: no inline rows, no slug."""
        added = {
            key: value
            for key, value in data.items()
            if not _is_inline_row(key, data) and key != "_current_version"
        }
        for key in list(added):
            if key.endswith("-TOTAL_FORMS") or key.endswith("-INITIAL_FORMS"):
                added[key] = "0"
        added[marker] = "Added by a POST"
        if "slug" in added:
            added["slug"] = "" if self.is_record else "added-by-a-post"
        if "file_number" in added:
            added["file_number"] = ""
        for model_field in self.model._meta.concrete_fields:
            if isinstance(model_field, models.FileField) and not model_field.blank:
                added[model_field.name] = SimpleUploadedFile(
                    "added.jpg", f.jpeg_bytes(color=(1, 2, 3)), "image/jpeg"
                )
        return added

    def inline_cases(self, change_url: str, data: dict[str, Any], marker: str):
        """Removing an existing inline row, and (for sections) adding an item."""
        cases = []
        prefixes = [
            key.removesuffix("-INITIAL_FORMS")
            for key, value in data.items()
            if key.endswith("-INITIAL_FORMS") and value != "0"
        ]
        for prefix in prefixes[:1]:
            rows = _inline_rows(data, prefix)
            cases.append(
                Case(
                    "inline delete",
                    lambda c, p=prefix: c.post(
                        change_url, {**data, f"{p}-0-DELETE": "on"}
                    ),
                    lambda p=prefix, r=rows: (
                        _inline_rows(
                            read_form(
                                self.root,
                                change_url,
                                f"{self.model._meta.model_name}_form",
                            ),
                            p,
                        )
                        < r
                    ),
                )
            )
        if self.is_part:
            person = f.published(f.make_person())
            total = int(data["items-TOTAL_FORMS"])
            extra = {
                "items-TOTAL_FORMS": str(total + 1),
                f"items-{total}-position": "9",
                # The record picker's value: the record's key after its title.
                f"items-{total}-record_choice": f"{person} [person:{person.pk}]",
                f"items-{total}-section": data.get("items-0-section", ""),
            }
            cases.append(
                Case(
                    "inline add",
                    lambda c: c.post(change_url, {**data, **extra}),
                    lambda: (
                        m.ExhibitionItem.objects.filter(object_id=person.pk)
                        .filter(content_type__model="person")
                        .exists()
                    ),
                )
            )
        return cases

    def run(self) -> None:
        first = self.states()[0]
        for state in self.states():
            obj, governing = self.make(state)
            cases = self.cases(obj, governing)
            for group in GROUPS:
                for case in cases:
                    if case.path == "add" and not self.is_part and state != first:
                        continue  # adding a record does not depend on another's state
                    self.check(group, state, case, governing)


def _post_request(user):
    from django.test import RequestFactory

    request = RequestFactory().post("/")
    request.user = user
    return request


def _is_inline_row(key: str, data: dict[str, Any]) -> bool:
    """`citations-0-source` and the like: a field of one inline row."""
    for prefix in _prefixes(data):
        rest = key.removeprefix(prefix + "-")
        if rest != key and rest.split("-")[0].isdigit():
            return True
    return False


def _prefixes(data: dict[str, Any]) -> list[str]:
    return [k.removesuffix("-TOTAL_FORMS") for k in data if k.endswith("-TOTAL_FORMS")]


def _inline_rows(data: dict[str, Any], prefix: str) -> int:
    return sum(
        1
        for key in data
        if key.startswith(prefix + "-")
        and key.endswith("-id")
        and data[key]
        and key.split(prefix + "-", 1)[1].split("-")[0].isdigit()
    )


def _errors(response) -> str:
    context = getattr(response, "context", None)
    if not context:
        return ""
    errors = context.get("errors") if hasattr(context, "get") else None
    return f" ({errors})" if errors else ""


@pytest.fixture(autouse=True)
def _quiet_refusals():
    """Hundreds of refusals are expected here; Django logs each with a traceback."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


@pytest.mark.parametrize(
    "model", registered_models(), ids=lambda model: model._meta.label_lower
)
def test_every_admin_write_path_follows_the_workflow(model):
    matrix = Matrix(model)
    matrix.run()
    assert not matrix.failures, "\n".join(matrix.failures)


def test_the_matrix_covers_every_registered_model_and_the_exhibition_parts():
    """Sections are registered (items are edited on them); every curated model has a
    recipe, so a newly registered model fails the matrix until it is covered."""
    models_ = set(registered_models())
    assert m.ExhibitionSection in models_
    assert set(PUBLISHABLE_MODELS) <= models_
    assert set(RECORD_RECIPES) == set(PUBLISHABLE_MODELS)
