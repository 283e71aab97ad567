"""The demo's translations (fixtures/demo/translations/*.json): facts kept, loaded
with their provenance, shown with a translation note, counted by the report.

Independent of how many entries the files hold: every test reads whatever is there.
"""

from __future__ import annotations

import copy
import io
import json

import pytest
from django.core.management import call_command
from django.template import Context, Template
from django.utils import translation

from archive import facts, provenance
from archive.demo import DemoArchiveError, default_path, load_demo_archive
from archive.demo.schema import RECORD_TYPES, read_archive
from archive.demo.translations import fact_problems, read_translations

MODELS = {record_type.key: record_type.model for record_type in RECORD_TYPES}


def entries(files):
    """(file, list key, slug, field, text) for every translation in the files."""
    for file in files:
        for key, by_slug in file.records.items():
            for slug, fields in by_slug.items():
                for field, text in fields.items():
                    if not field.startswith("_") and provenance.is_filled(text):
                        yield file, key, slug, field, text


@pytest.fixture(scope="module")
def demo_texts():
    folder = default_path()
    return read_archive(folder), read_translations(folder)


def test_the_demo_has_translation_files(demo_texts):
    _document, files = demo_texts
    assert {file.language for file in files} >= {"fr"}
    assert all(file.source_language == "en" for file in files)


def test_every_demo_translation_keeps_the_numbers_and_names_of_its_original(
    demo_texts,
):
    """The facts check over every translation file of the demo."""
    document, files = demo_texts
    assert list(entries(files)), "no translation to check"
    problems = fact_problems(document, files)
    assert not problems, "\n".join(problems)


def test_the_facts_check_fails_on_a_planted_distortion(demo_texts):
    """A changed number and a dropped name in a copy of the files are both caught."""
    document, files = demo_texts
    file, key, slug, field, text = next(
        entry for entry in entries(files) if facts.numbers(entry[4])
    )
    # A number no demo text holds (one more than the largest could be another of
    # the text's numbers, which the check rightly accepts).
    changed = "987654"
    distorted = copy.deepcopy(file.records)
    distorted[key][slug][field] = f"{text} {changed}"
    planted = [type(file)(**{**file.__dict__, "records": distorted})]
    problems = fact_problems(document, planted)
    assert any(f"{changed} is in the" in problem for problem in problems), problems


def test_a_dropped_name_in_a_demo_translation_is_caught(demo_texts):
    document, files = demo_texts
    names = provenance_names(document)
    found = [e for e in entries(files) if facts.names_in(e[4], names)]
    if not found:
        pytest.skip("no translation names a person yet")
    file, key, slug, field, text = found[0]
    named = sorted(facts.names_in(text, names))
    distorted = copy.deepcopy(file.records)
    distorted[key][slug][field] = facts.folded(text).replace(facts.folded(named[0]), "")
    planted = [type(file)(**{**file.__dict__, "records": distorted})]
    assert any(f"the name {named[0]}" in p for p in fact_problems(document, planted))


def provenance_names(document):
    from archive.demo.translations import demo_person_names

    return demo_person_names(document)


@pytest.mark.django_db
def test_the_loaded_demo_marks_every_translation_with_its_provenance(demo, demo_texts):
    """Each text is in its language column, marked translated from English by the
    file's translator on the file's date; the public note says so."""
    _document, files = demo_texts
    checked = 0
    for file, key, slug, field, text in entries(files):
        record = MODELS[key].objects.get(slug=slug)
        assert getattr(record, f"{field}_{file.language}") == text.strip()
        state = provenance.record_statuses(record)[field][file.language]
        assert state["status"] == file.status
        assert (state["from"], state["by"]) == ("en", file.translator)
        assert state["on"] == file.translated_on.isoformat()
        checked += 1
    assert checked
    file, key, slug, field, _text = next(iter(entries(files)))
    record = MODELS[key].objects.get(slug=slug)
    template = Template(
        "{% load translations %}{% translation_note record field language %}"
    )
    with translation.override("en"):  # the note's words in English
        html = template.render(
            Context({"record": record, "field": field, "language": file.language})
        )
    assert "Translated from English by" in html


@pytest.mark.django_db
def test_the_completeness_command_prints_the_table_of_issue_15(demo):
    out = io.StringIO()
    call_command("translation_completeness", stdout=out)
    table = out.getvalue()
    assert table.splitlines()[0].startswith("| field | published records | with text")
    assert "| Recognition.story | 17 |" in table


@pytest.mark.django_db
def test_a_translation_of_an_unknown_record_stops_the_load_naming_it(tmp_path):
    folder = tmp_path / "demo"
    (folder / "translations").mkdir(parents=True)
    source = {"slug": "a-source", "title": "A source", "url": "https://example.org/a"}
    (folder / "archive.json").write_text(json.dumps({"sources": [source]}))
    (folder / "translations" / "fr.json").write_text(
        json.dumps(
            {
                "language": "fr",
                "from": "en",
                "translator": "the archive",
                "translated_on": "2026-12-03",
                "status": "translated",
                "records": {"sources": {"no-such-source": {"description": "Texte."}}},
            }
        )
    )
    with pytest.raises(DemoArchiveError, match="no-such-source"):
        load_demo_archive(path=folder)
