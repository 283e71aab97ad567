"""What the public pages call each kind of record, singular and plural. The site's
own words (headings, labels), kept apart from the admin's model names; every kind
in `archive.kinds` must have an entry (tests/site/test_pages.py checks it)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

KIND_LABELS = {
    "recognition": (
        _("Righteous Among the Nations"),
        _("The Righteous Among the Nations"),
    ),
    "person": (_("Person"), _("People")),
    "testimony": (_("Testimony"), _("Testimonies")),
    "image": (_("Image"), _("Images")),
    "source": (_("Source"), _("Sources")),
    "organisation": (_("Organisation"), _("Organisations")),
    "place": (_("Place"), _("Places")),
    "event": (_("Event"), _("Events")),
    "figure": (_("Figure"), _("Figures")),
    "exhibition": (_("Exhibition"), _("Exhibitions")),
    "segment": (_("Testimony segment"), _("Testimony segments")),
}


def singular(kind: str) -> str:
    return str(KIND_LABELS[kind][0])


def plural(kind: str) -> str:
    return str(KIND_LABELS[kind][1])


#: The note under content shown in another language than the page's (one whole
#: sentence per language, so each translation can put the name where it belongs).
FALLBACK_NOTES = {
    "en": _("Not yet translated; shown in English."),
    "fr": _("Not yet translated; shown in French."),
    "nl": _("Not yet translated; shown in Dutch."),
    "de": _("Not yet translated; shown in German."),
}


def fallback_note(language: str) -> str:
    return str(FALLBACK_NOTES.get(language, FALLBACK_NOTES["en"]))
