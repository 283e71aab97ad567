"""Which fields are kept in English, French, Dutch and German (django-modeltranslation).

History is registered here, after translation, so each historical table gets every
language column (see DESIGN.md section 8: registering history on the model class
instead breaks saving).
"""

from modeltranslation.translator import TranslationOptions, register
from simple_history import register as register_history

from archive import models as m
from archive.kinds import PUBLISHABLE_MODELS


def translated(*fields: str):
    return type("Options", (TranslationOptions,), {"fields": fields})


DATED = ("date_display",)
WARNING = ("content_warning",)

TRANSLATED_FIELDS = {
    m.Place: ("name", "description", *WARNING),
    m.Person: ("biography", *WARNING),
    m.Organisation: ("name", "description", *DATED, *WARNING),
    m.Event: ("title", "description", *DATED, *WARNING),
    m.Source: ("description", *DATED, *WARNING),
    m.Image: ("title", "caption", "alt_text", "credit_line", *DATED, *WARNING),
    m.Testimony: ("title", "summary", *DATED, *WARNING),
    m.TestimonySegment: ("title", "synopsis"),
    m.Recognition: ("title", "story", *DATED, *WARNING),
    m.Figure: ("label", "unit", "note", *DATED, *WARNING),
    m.Exhibition: ("title", "subtitle", "summary", *WARNING),
    m.ExhibitionSection: ("title", "body"),
    m.ExhibitionItem: ("caption",),
    m.Rescuer: ("relation",),
    m.Term: ("label", "definition"),
}

for model, fields in TRANSLATED_FIELDS.items():
    register(model)(translated(*fields))

# Every content model keeps its history, with all language columns.
for model in (
    *PUBLISHABLE_MODELS,
    m.Term,
    m.Citation,
    m.NameVariant,
    m.Membership,
    m.EventParticipant,
    m.TestimonyParticipant,
    m.TestimonySegment,
    m.Transcript,
    m.Rescuer,
    m.RescuedPerson,
    m.ExhibitionSection,
    m.ExhibitionItem,
    m.ApiClient,
):
    register_history(model, app="archive")
