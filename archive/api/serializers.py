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
from archive.api.context import CHANGE_ACTIONS, LANGUAGES, RECORD_TYPES
from archive.api.fields import TranslatedField
from archive.search.documents import FACETS
from archive.search.engine import COUNT_LIMIT, RANK_WINDOW


class SearchHitSerializer(s.Serializer):
    """One ranked hit. `title` is a language map, or with `lang` one string whose
    language `title_lang` names (the requested one, or English as a fallback)."""

    type = s.ChoiceField(choices=RECORD_TYPES, read_only=True)
    id = s.UUIDField(read_only=True)
    slug = s.CharField(read_only=True)
    title = TranslatedField(help_text="A language map, or a string with `lang`.")
    title_lang = s.ChoiceField(
        choices=LANGUAGES,
        read_only=True,
        allow_null=True,
        help_text="The language `title` is in when `lang` is given; else null.",
    )
    snippet = s.CharField(
        read_only=True,
        help_text="HTML: a passage with the matched words in <mark>, the rest "
        "escaped; in the requested language where the words appear in it.",
    )
    rank = s.FloatField(
        read_only=True,
        help_text="The engine's score, higher first; comparable within one answer. "
        "Computed from what the requester may find only.",
    )
    web_url = s.URLField(read_only=True)
    api_url = s.URLField(read_only=True)

    class Meta:
        ref_name = "SearchResult"


class FacetValueSerializer(s.Serializer):
    value = s.CharField(
        read_only=True,
        help_text="Pass it as the facet's parameter to filter (a UUID for places "
        "and organisations).",
    )
    label = s.CharField(read_only=True)
    count = s.IntegerField(read_only=True, help_text="Visible matches with it.")

    class Meta:
        ref_name = "FacetValue"


SearchFacetsSerializer = type(
    "SearchFacetsSerializer",
    (s.Serializer,),
    {
        **{name: FacetValueSerializer(many=True, read_only=True) for name in FACETS},
        "Meta": type("Meta", (), {"ref_name": "SearchFacets"}),
        "__module__": __name__,
    },
)


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
    count = s.IntegerField(
        read_only=True,
        help_text=f"Matches of every type, counted up to {COUNT_LIMIT:,}: with "
        f"more, {COUNT_LIMIT:,} and `count_exact` is false.",
    )
    count_exact = s.BooleanField(
        read_only=True,
        help_text=f"False when more than {COUNT_LIMIT:,} records match: `count` is "
        "then a lower bound.",
    )
    ranking_exact = s.BooleanField(
        read_only=True,
        help_text=f"False when more than {RANK_WINDOW:,} records match: the results "
        f"are then the best among the first {RANK_WINDOW:,} records whose names or "
        f"titles match and the first {RANK_WINDOW:,} matches, and pages end with "
        f"them. Words or filters that leave {RANK_WINDOW:,} matches or fewer rank "
        "every match.",
    )
    next = s.URLField(read_only=True, allow_null=True)
    previous = s.URLField(read_only=True, allow_null=True, help_text="Always null.")
    results = SearchHitSerializer(many=True, read_only=True)
    facets = SearchFacetsSerializer(read_only=True)
    facets_approximate = s.BooleanField(
        read_only=True,
        help_text="True when the facet counts are estimates: with very many "
        "matches they are counted on an even sample of them and scaled.",
    )

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
