"""The synthetic archive's authorities, people, recognitions, events, figures and
testimonies: the records later steps (images, exhibitions, citations) point at."""

from __future__ import annotations

import datetime
import random

from archive import models as m
from archive.benchmark.rows import CONTENT_NOTE, TERM_PREFIX, Rows


class Records(Rows):
    """Steps that make records; each keeps its rows (`self.sources`, ...)."""

    # --- authorities

    def make_terms(self) -> None:
        def term(vocabulary: str, code: str, label: str) -> m.Term:
            return m.Term(
                vocabulary=vocabulary,
                slug=f"{TERM_PREFIX}{code}",
                label_en=label,
                definition_en=CONTENT_NOTE,
            )

        self.roles = self.insert(
            "terms",
            m.Term,
            [
                term(m.Vocabulary.ROLE, "rescuer", "Synthetic role: rescuer"),
                term(m.Vocabulary.ROLE, "rescued", "Synthetic role: rescued"),
            ],
        )
        self.help_kinds = self.insert(
            "terms",
            m.Term,
            [
                term(m.Vocabulary.HELP_TYPE, f"help-{n}", f"Synthetic help {n}")
                for n in range(1, 5)
            ],
        )

    def make_sources(self) -> None:
        rng = self.rng("sources")
        kinds = [m.SourceKind.WEBPAGE, m.SourceKind.BOOK, m.SourceKind.DOCUMENT]
        rows = []
        for n in range(1, self.plan.sources + 1):
            year = rng.randint(1945, 2024)
            rows.append(
                m.Source(
                    **self.publishable(rng, f"synthetic-source-{n:06d}"),
                    **self.dated(f"{year}"),
                    title=f"Synthetic Source {n:05d}",
                    kind=kinds[n % len(kinds)],
                    creators=f"Author {n:05d}, Synthetic",
                    url=f"https://synthetic.invalid/sources/{n:06d}",
                    accessed=datetime.date(2026, 1, 1),
                    language="en",
                    description_en=CONTENT_NOTE,
                )
            )
        self.sources = self.insert("sources", m.Source, rows)

    def make_places(self) -> None:
        rng = self.rng("places")
        rows = [
            m.Place(
                **self.publishable(rng, f"synthetic-place-{n:06d}"),
                name_en=f"Synthetic Place {n:05d}",
                kind=m.PlaceKind.CITY,
                latitude=round(rng.uniform(49.5, 51.5), 6),
                longitude=round(rng.uniform(2.5, 6.4), 6),
                description_en=CONTENT_NOTE,
            )
            for n in range(1, self.plan.places + 1)
        ]
        self.places = self.insert("places", m.Place, rows)

    def make_organisations(self) -> None:
        rng = self.rng("organisations")
        kinds = list(m.OrganisationKind.values)
        rows = []
        for n in range(1, self.plan.organisations + 1):
            year = rng.randint(1930, 1944)
            rows.append(
                m.Organisation(
                    **self.publishable(rng, f"synthetic-organisation-{n:06d}"),
                    **self.dated(f"{year}/.."),
                    name_en=f"Synthetic Organisation {n:05d}",
                    kind=kinds[n % len(kinds)],
                    description_en=CONTENT_NOTE,
                )
            )
        self.organisations = self.insert("organisations", m.Organisation, rows)

    def person(self, rng: random.Random, role: str, n: int) -> m.Person:
        born = rng.randint(1870, 1935)
        died = min(born + rng.randint(30, 95), 2024)
        return m.Person(
            **self.publishable(rng, f"synthetic-{role.lower()}-{n:06d}"),
            **self.dated(f"{born}", "birth"),
            **self.dated(f"{died}", "death"),
            given_names="Synthetic",
            family_name=f"{role} {n:05d}",
            gender=rng.choice([m.Gender.FEMALE, m.Gender.MALE, m.Gender.UNKNOWN]),
            is_living=m.Living.NO,
            biography_en=CONTENT_NOTE,
        )

    def make_people(self) -> None:
        """About 2N people: 1.4 rescuers and 0.6 rescued per recognition."""
        rng = self.rng("people")
        shape = self.rng("recognition-shape")
        self.rescuer_counts = [
            1 if shape.random() < 0.6 else 2 for _ in range(self.plan.recognitions)
        ]
        self.rescued_flags = [
            shape.random() < 0.6 for _ in range(self.plan.recognitions)
        ]
        rescuers = [
            self.person(rng, "Rescuer", n)
            for n in range(1, sum(self.rescuer_counts) + 1)
        ]
        rescued = [
            self.person(rng, "Rescued", n)
            for n in range(1, sum(self.rescued_flags) + 1)
        ]
        self.rescuers = self.insert("people", m.Person, rescuers)
        self.rescued = self.insert("people", m.Person, rescued)
        through = m.Person.roles.through
        rescuer_role, rescued_role = self.roles
        links = [
            through(person_id=p.pk, term_id=rescuer_role.pk) for p in self.rescuers
        ]
        links += [
            through(person_id=p.pk, term_id=rescued_role.pk) for p in self.rescued
        ]
        self.insert("person_roles", through, links)

    # --- recognitions

    def make_recognitions(self) -> None:
        rng = self.rng("recognitions")
        rows = []
        for n in range(1, self.plan.recognitions + 1):
            rows.append(
                m.Recognition(
                    **self.publishable(rng, f"synthetic-recognition-{n:06d}"),
                    **self.dated(f"{rng.randint(1953, 2024)}"),
                    title_en=f"Synthetic Recognition {n:05d}",
                    title_fr=f"Reconnaissance synthétique {n:05d}",
                    title_nl=f"Synthetische erkenning {n:05d}",
                    file_number=f"SYN-{self.seed}-{n:06d}",
                    story_en=f"{CONTENT_NOTE} File {n:05d}.",
                )
            )
        self.recognitions = self.insert("recognitions", m.Recognition, rows)
        rescuers, rescued, places, help_links = [], [], [], []
        people = iter(self.rescuers)
        saved = iter(self.rescued)
        for index, recognition in enumerate(self.recognitions):
            for position in range(self.rescuer_counts[index]):
                person = next(people)
                rescuers.append(
                    m.Rescuer(
                        recognition_id=recognition.pk,
                        person_id=person.pk,
                        name_as_listed=person.display_name,
                        position=position,
                    )
                )
            if self.rescued_flags[index]:
                person = next(saved)
                rescued.append(
                    m.RescuedPerson(
                        recognition_id=recognition.pk,
                        person_id=person.pk,
                        place_id=rng.choice(self.places).pk,
                        period_edtf="1942/1944",
                    )
                )
            places.append(
                m.Recognition.places.through(
                    recognition_id=recognition.pk, place_id=rng.choice(self.places).pk
                )
            )
        self.insert("rescuers", m.Rescuer, rescuers)
        saved_rows = self.insert("rescued", m.RescuedPerson, rescued)
        through = m.RescuedPerson.help_kinds.through
        for row in saved_rows:
            help_links.append(
                through(rescuedperson_id=row.pk, term_id=rng.choice(self.help_kinds).pk)
            )
        self.insert("rescued_help", through, help_links)
        self.insert("recognition_places", m.Recognition.places.through, places)

    # --- events and figures

    def make_events(self) -> None:
        rng = self.rng("events")
        kinds = [k for k in m.EventKind.values if k != m.EventKind.RECOGNITION]
        start = datetime.date(1940, 5, 10)
        rows = []
        for n in range(1, self.plan.events + 1):
            day = start + datetime.timedelta(days=rng.randrange(1826))
            rows.append(
                m.Event(
                    **self.publishable(rng, f"synthetic-event-{n:06d}"),
                    **self.dated(day.isoformat()),
                    title_en=f"Synthetic Event {n:05d}",
                    title_fr=f"Événement synthétique {n:05d}",
                    title_nl=f"Synthetische gebeurtenis {n:05d}",
                    kind=kinds[n % len(kinds)],
                    description_en=CONTENT_NOTE,
                )
            )
        self.events = self.insert("events", m.Event, rows)
        through = m.Event.places.through
        self.insert(
            "event_places",
            through,
            [
                through(event_id=e.pk, place_id=rng.choice(self.places).pk)
                for e in self.events
            ],
        )

    def make_figures(self) -> None:
        """Figures in threes sharing a measure, as disagreeing sources would."""
        rng = self.rng("figures")
        rows = []
        for n in range(1, self.plan.figures + 1):
            group = (n - 1) // 3 + 1
            rows.append(
                m.Figure(
                    **self.publishable(rng, f"synthetic-figure-{n:06d}"),
                    **self.dated(f"{rng.randint(1940, 1945)}"),
                    label_en=f"Synthetic Figure {group:05d}",
                    measure=f"synthetic-measure-{group:05d}",
                    value=rng.randint(10, 30000),
                    unit_en="synthetic units",
                    note_en=CONTENT_NOTE,
                )
            )
        self.figures = self.insert("figures", m.Figure, rows)

    # --- testimonies

    def make_testimonies(self) -> None:
        rng = self.rng("testimonies")
        witnesses = self.rescuers + self.rescued
        kinds = [m.TestimonyKind.AUDIO, m.TestimonyKind.VIDEO, m.TestimonyKind.WRITTEN]
        rows = []
        for n in range(1, self.plan.testimonies + 1):
            day = datetime.date(1980, 1, 1) + datetime.timedelta(
                days=rng.randrange(14600)
            )
            rows.append(
                m.Testimony(
                    **self.publishable(rng, f"synthetic-testimony-{n:06d}"),
                    **self.dated(day.isoformat()),
                    title_en=f"Synthetic Testimony {n:05d}",
                    title_fr=f"Témoignage synthétique {n:05d}",
                    summary_en=CONTENT_NOTE,
                    kind=kinds[n % len(kinds)],
                    witness_id=rng.choice(witnesses).pk,
                    place_id=rng.choice(self.places).pk,
                    languages="en",
                    duration_seconds=rng.randint(1800, 7200),
                    consent_basis=m.ConsentBasis.CONSENT,
                    consent_scope=m.ConsentScope.ONLINE,
                )
            )
        self.testimonies = self.insert("testimonies", m.Testimony, rows)
        segments, transcripts, participants = [], [], []
        for testimony in self.testimonies:
            participants.append(
                m.TestimonyParticipant(
                    testimony_id=testimony.pk,
                    person_id=testimony.witness_id,
                    role=m.TestimonyParticipant.Role.WITNESS,
                )
            )
            start = 0
            for part in range(1, rng.randint(3, 5) + 1):
                length = rng.randint(120, 900)
                segments.append(
                    m.TestimonySegment(
                        testimony_id=testimony.pk,
                        start_seconds=start,
                        end_seconds=start + length,
                        title_en=f"Synthetic segment {part}",
                        synopsis_en=CONTENT_NOTE,
                    )
                )
                start += length
            transcripts.append(
                m.Transcript(
                    testimony_id=testimony.pk,
                    language="en",
                    is_public=True,
                    text=f"{CONTENT_NOTE} " * 8,
                )
            )
        self.insert("testimony_participants", m.TestimonyParticipant, participants)
        self.insert("segments", m.TestimonySegment, segments)
        self.insert("transcripts", m.Transcript, transcripts)
