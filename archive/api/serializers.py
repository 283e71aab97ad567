"""The API's shapes that are not records, for the OpenAPI schema and the docs page.

Records and everything nested in them are declared once, in `presenters/`, which
generates both the answers and their serializer classes. What is left here are the
envelopes and answers made elsewhere: search and changes pages, the root, problems.

Fields are read-only (the API never accepts writes), which the schema renders as
"always present"; the few members that may be absent (in problem answers) are
declared as optional input fields instead, for the same reason.
"""

from __future__ import annotations

from rest_framework import serializers as s

from archive import kinds
from archive.api.context import CHANGE_ACTIONS, RECORD_TYPES
from archive.api.presenters import Ref

SearchResultSerializer = Ref.serializer(component="SearchResult")


class ChangeSerializer(s.Serializer):
    """One changed record. `updated`: fetch it again from `api_url`; `removed`: it
    is no longer visible to you (withdrawn, embargoed, restricted): delete your copy."""

    action = s.ChoiceField(choices=CHANGE_ACTIONS, read_only=True)
    type = s.ChoiceField(choices=RECORD_TYPES, read_only=True)
    id = s.UUIDField(read_only=True)
    updated_at = s.DateTimeField(read_only=True)
    api_url = s.URLField(read_only=True)

    class Meta:
        ref_name = "Change"


class ProblemSerializer(s.Serializer):
    """An error (RFC 9457 problem details)."""

    type = s.CharField(read_only=True)
    title = s.CharField(read_only=True)
    status = s.IntegerField(read_only=True)
    detail = s.CharField(read_only=True)
    instance = s.CharField(required=False)
    code = s.CharField(required=False)
    errors = s.DictField(child=s.ListField(child=s.CharField()), required=False)

    class Meta:
        ref_name = "Problem"


class SearchPageSerializer(s.Serializer):
    count = s.IntegerField(read_only=True, help_text="Matches of every type.")
    next = s.URLField(read_only=True, allow_null=True)
    previous = s.URLField(read_only=True, allow_null=True, help_text="Always null.")
    results = SearchResultSerializer(many=True, read_only=True)

    class Meta:
        ref_name = "SearchPage"


class ChangesPageSerializer(s.Serializer):
    count = s.IntegerField(read_only=True, help_text="Entries on every page.")
    next = s.URLField(read_only=True, allow_null=True)
    previous = s.URLField(read_only=True, allow_null=True, help_text="Always null.")
    results = ChangeSerializer(many=True, read_only=True)

    class Meta:
        ref_name = "ChangesPage"


#: Where everything is: a list per record kind (from the registry), then the rest.
ApiRootSerializer = type(
    "ApiRootSerializer",
    (s.Serializer,),
    {
        **{
            name: s.URLField(read_only=True)
            for name in [kind.plural for kind in kinds.KINDS]
            + ["search", "changes", "schema", "docs"]
        },
        "Meta": type("Meta", (), {"ref_name": "ApiRoot"}),
        "__module__": __name__,
    },
)
