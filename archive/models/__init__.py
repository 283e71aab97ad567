"""The archive's data model, split by entity and re-exported here."""

from archive.models.base import Access, Dated, Publishable, PublishableQuerySet, Status
from archive.models.citations import Citation
from archive.models.clients import ApiClient, Tier
from archive.models.events import Event, EventKind, EventParticipant
from archive.models.exhibitions import (
    Exhibition,
    ExhibitionItem,
    ExhibitionSection,
    exhibitable_model_names,
)
from archive.models.figures import Figure, Qualifier
from archive.models.images import Image, Permission, Rendition, Rights
from archive.models.organisations import Membership, Organisation, OrganisationKind
from archive.models.people import Gender, Living, NameVariant, Person
from archive.models.places import Place, PlaceKind
from archive.models.righteous import Recognition, RescuedPerson, Rescuer
from archive.models.search import SearchDocument, SearchFacet
from archive.models.security_keys import SecurityKey
from archive.models.sources import Source, SourceKind
from archive.models.tasks import Outcome, TaskReport
from archive.models.terms import Term, Vocabulary
from archive.models.testimonies import (
    ConsentBasis,
    ConsentScope,
    Testimony,
    TestimonyKind,
    TestimonyParticipant,
    TestimonySegment,
    Transcript,
)
from archive.models.versions import ArchiveVersion
from archive.models.visits import RecordVisit

__all__ = [
    "Access",
    "ApiClient",
    "ArchiveVersion",
    "Citation",
    "ConsentBasis",
    "ConsentScope",
    "Dated",
    "Event",
    "EventKind",
    "EventParticipant",
    "Exhibition",
    "ExhibitionItem",
    "ExhibitionSection",
    "Figure",
    "exhibitable_model_names",
    "Gender",
    "Image",
    "Living",
    "Membership",
    "NameVariant",
    "Organisation",
    "Outcome",
    "OrganisationKind",
    "Permission",
    "Person",
    "Place",
    "PlaceKind",
    "Publishable",
    "PublishableQuerySet",
    "Qualifier",
    "Recognition",
    "RecordVisit",
    "Rendition",
    "RescuedPerson",
    "Rescuer",
    "Rights",
    "SearchDocument",
    "SearchFacet",
    "SecurityKey",
    "Source",
    "SourceKind",
    "Status",
    "TaskReport",
    "Term",
    "Testimony",
    "TestimonyKind",
    "TestimonyParticipant",
    "TestimonySegment",
    "Tier",
    "Transcript",
    "Vocabulary",
]
