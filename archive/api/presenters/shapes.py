"""Shapes: every object of the API declared once, for both its answer and its schema.

A `Shape` is an ordered tuple of members (their kinds are in members.py). A member
says, in one place, which key of the answer it is, which row columns it reads, how
its value is made from the row, and its OpenAPI type and help text (a DRF field).
From that one declaration a shape gives:

- its **presenter**: the members compile into one Python function that builds the
  answer's dict straight from `.values()` rows; nested shapes are inlined as dict
  displays and list comprehensions, so no serializer and no per-member call runs in
  the hot path (`present.source` shows the generated code);
- its **schema**: a DRF serializer class generated from the same members, used by
  drf-spectacular only, whose component name is the shape's name;
- its **loading**: the columns of its query and, for nested lists, one prepared
  query per relation for a whole batch of records (`members.Related`).

Why rows and generated code: on the reference machine a page of 50 recognitions spent
~15 ms in model instantiation, prefetch bookkeeping and per-field serializer calls;
from rows it takes ~2.4 ms (queries included). Presenting alone is ~0.8 ms of that,
and calling a function per top-level member instead of the generated dict display
made it 5-15% slower (recognitions 0.81 -> 0.85 ms, people 0.42 -> 0.48 ms).
`tests/api/test_presenters.py` pins what this relies on: answers and schema list
the same members in the same order, and the hand-written `make_ref` and CSL-JSON
agree with their declarations.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from rest_framework import serializers as s

from archive.api.context import ApiContext
from archive.api.prepared import group_by
from archive.api.presenters.refs import fk_ref, make_ref

Row = dict[str, Any]
FieldSpec = s.Field | Callable[[], s.Field]


class Batch:
    """Related rows for one batch of records, grouped by owner id."""

    def __init__(self) -> None:
        self.groups: dict[str, dict[Any, list[dict]]] = {}

    def put(self, name: str, rows: list[dict], key: str) -> None:
        self.groups[name] = group_by(rows, key)

    def get(self, name: str, owner: Any) -> list[dict]:
        return self.groups.get(name, {}).get(owner, [])


class Compiler:
    """Collects the objects generated code refers to, under short global names."""

    def __init__(self, kind: str | None = None) -> None:
        self.kind = kind
        self.namespace: dict[str, Any] = {
            "make_ref": make_ref,
            "fk_ref": fk_ref,
        }
        self.depth = 0
        self._names: dict[int, str] = {}

    def use(self, obj: Any) -> str:
        """The global name under which generated code reaches `obj`."""
        name = self._names.get(id(obj))
        if name is None:
            name = self._names[id(obj)] = f"_{len(self._names)}"
            self.namespace[name] = obj
        return name

    def function(self, name: str, expression: str, prologue: Iterable[str] = ()):
        """`present(ctx, row, batch)` returning `expression`."""
        lines = ["def present(ctx, row, batch):"]
        lines += [f"    {line}" for line in prologue]
        lines.append(f"    return {expression}")
        source = "\n".join(lines) + "\n"
        exec(compile(source, f"<presenter {name}>", "exec"), self.namespace)
        present = self.namespace["present"]
        present.source = source
        return present


class Member:
    """One key of an answer. `prefix` is where the shape's columns sit in the row
    (a nested record's columns are prefixed with its relation: `person__uuid`)."""

    def __init__(self, name: str, *, detail: bool = False) -> None:
        self.name = name
        #: Only in the detail answer (and its `...Detail` schema component).
        self.detail = detail

    def columns(self, prefix: str) -> list[str]:
        return []

    def annotations(self, ctx: ApiContext, prefix: str) -> dict[str, Any]:
        return {}

    def expression(self, c: Compiler, row: str, prefix: str) -> str:
        raise NotImplementedError

    def field(self) -> s.Field:
        raise NotImplementedError

    def bind(self, owner: str) -> None:
        """Called once by the shape holding the member (`owner` is its name)."""

    def fetches(self, detail: bool) -> bool:
        """Whether `fetch` loads anything (most members only read their row)."""
        return False

    def fetch(self, ctx: ApiContext, rows: list[Row], batch: Batch, detail: bool):
        """Load what this member needs for these rows into `batch`."""


class Shape:
    """An object of the API: its members in answer order, and its schema component
    (`name`; with detail-only members, the detail answer is `<name>Detail`)."""

    def __init__(
        self, name: str, members: Sequence[Member], doc: str | None = None
    ) -> None:
        self.name = name
        self.members = tuple(members)
        self.doc = doc
        self._serializers: dict[tuple[bool, str | None], type[s.Serializer]] = {}
        names = [member.name for member in self.members]
        if len(set(names)) != len(names):
            raise ValueError(f"{name}: a member is declared twice in {names}")
        for member in self.members:
            member.bind(name)
        self._members = {
            False: tuple(member for member in self.members if not member.detail),
            True: self.members,
        }
        # Fetching runs for every batch: only the members that load something.
        self._fetchers = {
            detail: tuple(m for m in self._members[detail] if m.fetches(detail))
            for detail in (False, True)
        }

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"

    def members_for(self, detail: bool = False) -> tuple[Member, ...]:
        return self._members[detail]

    def fetchers(self, detail: bool = False) -> tuple[Member, ...]:
        return self._fetchers[detail]

    @property
    def has_detail(self) -> bool:
        return any(member.detail for member in self.members)

    def columns(
        self, prefix: str = "", detail: bool = False, nulls: Sequence[str] = ()
    ) -> list[str]:
        """The row columns the members read, each once, in member order."""
        columns: dict[str, None] = {}
        for member in self.members_for(detail):
            if member.name not in nulls:
                columns.update(dict.fromkeys(member.columns(prefix)))
        return list(columns)

    def annotations(
        self, ctx: ApiContext, prefix: str = "", detail: bool = False
    ) -> dict[str, Any]:
        annotations: dict[str, Any] = {}
        for member in self.members_for(detail):
            annotations.update(member.annotations(ctx, prefix))
        return annotations

    def fetch(
        self,
        ctx: ApiContext,
        rows: list[Row],
        batch: Batch,
        detail: bool = False,
        skip: Sequence[Member] = (),
    ) -> list[Row]:
        """Run the members' batch queries for these rows (but those of `skip`,
        already loaded); the rows to present."""
        for member in self._fetchers[detail]:
            if member not in skip:
                member.fetch(ctx, rows, batch, detail)
        return rows

    def expression(
        self,
        c: Compiler,
        row: str,
        prefix: str = "",
        detail: bool = False,
        nulls: Sequence[str] = (),
    ) -> str:
        """A dict display building this shape from the row named `row`."""
        items = [
            f"{member.name!r}: "
            + ("None" if member.name in nulls else member.expression(c, row, prefix))
            for member in self.members_for(detail)
        ]
        return "{" + ", ".join(items) + "}"

    def prologue(self, compiler: Compiler) -> list[str]:
        """Statements the generated function runs before building the answer."""
        return []

    def compile(self, detail: bool = False):
        """The presenter function `present(ctx, row, batch)` of this shape."""
        compiler = Compiler(getattr(self, "kind", None))
        return compiler.function(
            self.component(detail),
            self.expression(compiler, "row", "", detail),
            self.prologue(compiler),
        )

    def component(self, detail: bool = False) -> str:
        return f"{self.name}Detail" if detail and self.has_detail else self.name

    def serializer(
        self, detail: bool = False, component: str | None = None
    ) -> type[s.Serializer]:
        """The DRF serializer class that documents this shape (schema only)."""
        key = (detail and self.has_detail, component)
        found = self._serializers.get(key)
        if found is None:
            name = component or self.component(detail)
            # DRF lists declared fields in the order they were made, and fields of
            # nested shapes are made on demand: copies made here, in member order,
            # keep the schema in the order of the answer.
            attrs: dict[str, Any] = {
                member.name: copy.deepcopy(member.field())
                for member in self.members_for(detail)
            }
            attrs["Meta"] = type("Meta", (), {"ref_name": name})
            attrs["__doc__"] = self.doc
            attrs["__module__"] = __name__
            found = type(f"{name}Serializer", (s.Serializer,), attrs)
            self._serializers[key] = found
        return found
