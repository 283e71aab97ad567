"""The curator admin, one module per model module (see archive/models/)."""

from archive.admin import (  # noqa: F401  (registers the admins)
    clients,
    events,
    exhibitions,
    figures,
    images,
    organisations,
    people,
    places,
    righteous,
    sources,
    tasks,
    terms,
    testimonies,
    users,
)
