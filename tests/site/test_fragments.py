"""Template tags that keep pages fast: fragments rendered once per language
(`per_language`) and links to referenced records (`ref`)."""

from __future__ import annotations

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.utils import translation

NAVIGATION = (
    "{% load i18n site %}{% per_language %}"
    '<a href="{% url "archive:search" %}">{% translate "Search" %}</a>'
    "{% endper_language %}"
)


def test_a_per_language_fragment_is_rendered_in_each_language():
    """Rendered once per language, then repeated: each language keeps its own."""
    template = Template(NAVIGATION)
    with translation.override("en"):
        english = template.render(Context())
    with translation.override("fr"):
        french = template.render(Context())
    with translation.override("en"):
        again = template.render(Context())
    assert english == '<a href="/en/search/">Search</a>'
    assert french == '<a href="/fr/search/">Rechercher</a>'
    assert again == english


@pytest.mark.parametrize(
    "inside",
    [
        "{{ record.title }}",
        "{% translate title %}",
        '{% translate "Search" as label %}',
        '{% translate "Search"|upper %}',
        "{% url view_name %}",
        '{% url "archive:recognition-detail" slug %}',
        '{% url "archive:search" as address %}',
        "{% if request %}x{% endif %}",
    ],
)
def test_a_per_language_fragment_refuses_what_reads_the_context(inside):
    """Anything but text and translate or url tags of constants would be frozen
    at its first rendering: the template does not parse."""
    with pytest.raises(TemplateSyntaxError):
        Template(
            f"{{% load i18n site %}}{{% per_language %}}{inside}{{% endper_language %}}"
        )


def test_a_reference_links_its_record_and_marks_a_title_in_another_language():
    template = Template("{% load site %}{% ref r %}")
    record = {"web_url": "/fr/places/x/", "title": {"en": "Brussels <b>", "fr": ""}}
    with translation.override("fr"):
        html = template.render(Context({"r": record}))
        empty = template.render(Context({"r": None}))
    assert html.startswith(
        '<a href="/fr/places/x/"><span lang="en">Brussels &lt;b&gt;</span> '
        '<span class="fallback-mark"'
    )
    assert html.endswith("(EN)</span></a>")
    assert empty == ""


def test_a_long_text_is_escaped_once_and_shown_as_paragraphs():
    """Text from the archive is escaped exactly once, its blank lines paragraphs."""
    template = Template("{% load translations %}{% translated_text record 'story' %}")
    record = {"story": {"en": "L'AJB <b>\n\nSecond", "fr": None}}
    with translation.override("en"):
        html = template.render(Context({"record": record}))
    assert html.startswith('<div class="translated-text" lang="en"><p>L&#x27;AJB')
    assert "&lt;b&gt;</p>" in html
    assert "<p>Second</p>" in html
    assert "&amp;" not in html
    assert "&lt;p&gt;" not in html
