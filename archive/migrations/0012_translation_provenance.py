"""Translation provenance per record, the translate permissions and the Translator
group (issue 15)."""

from django.db import migrations, models

from archive.groups import ensure_curator_groups


def create_groups(apps, schema_editor):
    ensure_curator_groups(apps)


def remove_translator(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Translator").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0011_keyset_indexes_postgresql"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="event",
            options={
                "ordering": ["date_earliest", "title"],
                "permissions": [
                    ("review_event", "Can review and edit others' event records"),
                    ("publish_event", "Can publish and withdraw event records"),
                    (
                        "translate_event",
                        "Can translate event records in any state (translations only)",
                    ),
                ],
                "verbose_name": "event",
                "verbose_name_plural": "events",
            },
        ),
        migrations.AlterModelOptions(
            name="exhibition",
            options={
                "ordering": ["-opens_on", "title"],
                "permissions": [
                    (
                        "review_exhibition",
                        "Can review and edit others' exhibition records",
                    ),
                    (
                        "publish_exhibition",
                        "Can publish and withdraw exhibition records",
                    ),
                    (
                        "translate_exhibition",
                        "Can translate exhibition records in any state (translations only)",
                    ),
                ],
                "verbose_name": "exhibition",
                "verbose_name_plural": "exhibitions",
            },
        ),
        migrations.AlterModelOptions(
            name="figure",
            options={
                "ordering": ["measure", "value"],
                "permissions": [
                    ("review_figure", "Can review and edit others' figure records"),
                    ("publish_figure", "Can publish and withdraw figure records"),
                    (
                        "translate_figure",
                        "Can translate figure records in any state (translations only)",
                    ),
                ],
                "verbose_name": "figure",
                "verbose_name_plural": "figures",
            },
        ),
        migrations.AlterModelOptions(
            name="image",
            options={
                "ordering": ["-created_at"],
                "permissions": [
                    ("review_image", "Can review and edit others' image records"),
                    ("publish_image", "Can publish and withdraw image records"),
                    (
                        "translate_image",
                        "Can translate image records in any state (translations only)",
                    ),
                ],
                "verbose_name": "image",
                "verbose_name_plural": "images",
            },
        ),
        migrations.AlterModelOptions(
            name="organisation",
            options={
                "ordering": ["name"],
                "permissions": [
                    (
                        "review_organisation",
                        "Can review and edit others' organisation records",
                    ),
                    (
                        "publish_organisation",
                        "Can publish and withdraw organisation records",
                    ),
                    (
                        "translate_organisation",
                        "Can translate organisation records in any state (translations only)",
                    ),
                ],
                "verbose_name": "organisation",
                "verbose_name_plural": "organisations",
            },
        ),
        migrations.AlterModelOptions(
            name="person",
            options={
                "ordering": ["family_name", "given_names"],
                "permissions": [
                    ("review_person", "Can review and edit others' person records"),
                    ("publish_person", "Can publish and withdraw person records"),
                    (
                        "translate_person",
                        "Can translate person records in any state (translations only)",
                    ),
                ],
                "verbose_name": "person",
                "verbose_name_plural": "people",
            },
        ),
        migrations.AlterModelOptions(
            name="place",
            options={
                "ordering": ["name"],
                "permissions": [
                    ("review_place", "Can review and edit others' place records"),
                    ("publish_place", "Can publish and withdraw place records"),
                    (
                        "translate_place",
                        "Can translate place records in any state (translations only)",
                    ),
                ],
                "verbose_name": "place",
                "verbose_name_plural": "places",
            },
        ),
        migrations.AlterModelOptions(
            name="recognition",
            options={
                "ordering": ["title"],
                "permissions": [
                    (
                        "review_recognition",
                        "Can review and edit others' recognition records",
                    ),
                    (
                        "publish_recognition",
                        "Can publish and withdraw recognition records",
                    ),
                    (
                        "translate_recognition",
                        "Can translate recognition records in any state (translations only)",
                    ),
                ],
                "verbose_name": "recognition",
                "verbose_name_plural": "recognitions",
            },
        ),
        migrations.AlterModelOptions(
            name="source",
            options={
                "ordering": ["title"],
                "permissions": [
                    ("review_source", "Can review and edit others' source records"),
                    ("publish_source", "Can publish and withdraw source records"),
                    (
                        "translate_source",
                        "Can translate source records in any state (translations only)",
                    ),
                ],
                "verbose_name": "source",
                "verbose_name_plural": "sources",
            },
        ),
        migrations.AlterModelOptions(
            name="testimony",
            options={
                "ordering": ["title"],
                "permissions": [
                    (
                        "review_testimony",
                        "Can review and edit others' testimony records",
                    ),
                    ("publish_testimony", "Can publish and withdraw testimony records"),
                    (
                        "translate_testimony",
                        "Can translate testimony records in any state (translations only)",
                    ),
                ],
                "verbose_name": "testimony",
                "verbose_name_plural": "testimonies",
            },
        ),
        migrations.AddField(
            model_name="event",
            name="translation_provenance",
            field=models.JSONField(
                blank=True,
                default=dict,
                editable=False,
                help_text="Per translated field: which language is the original and, for each other language, who translated it, when, and who reviewed it. Kept by the archive when a translation is saved; see archive/provenance.py.",
                verbose_name="translation provenance",
            ),
        ),
        migrations.AddField(
            model_name="exhibition",
            name="translation_provenance",
            field=models.JSONField(
                blank=True,
                default=dict,
                editable=False,
                help_text="Per translated field: which language is the original and, for each other language, who translated it, when, and who reviewed it. Kept by the archive when a translation is saved; see archive/provenance.py.",
                verbose_name="translation provenance",
            ),
        ),
        migrations.AddField(
            model_name="figure",
            name="translation_provenance",
            field=models.JSONField(
                blank=True,
                default=dict,
                editable=False,
                help_text="Per translated field: which language is the original and, for each other language, who translated it, when, and who reviewed it. Kept by the archive when a translation is saved; see archive/provenance.py.",
                verbose_name="translation provenance",
            ),
        ),
        migrations.AddField(
            model_name="historicalevent",
            name="translation_provenance",
            field=models.JSONField(
                blank=True,
                default=dict,
                editable=False,
                help_text="Per translated field: which language is the original and, for each other language, who translated it, when, and who reviewed it. Kept by the archive when a translation is saved; see archive/provenance.py.",
                verbose_name="translation provenance",
            ),
        ),
        migrations.AddField(
            model_name="historicalexhibition",
            name="translation_provenance",
            field=models.JSONField(
                blank=True,
                default=dict,
                editable=False,
                help_text="Per translated field: which language is the original and, for each other language, who translated it, when, and who reviewed it. Kept by the archive when a translation is saved; see archive/provenance.py.",
                verbose_name="translation provenance",
            ),
        ),
        migrations.AddField(
            model_name="historicalfigure",
            name="translation_provenance",
            field=models.JSONField(
                blank=True,
                default=dict,
                editable=False,
                help_text="Per translated field: which language is the original and, for each other language, who translated it, when, and who reviewed it. Kept by the archive when a translation is saved; see archive/provenance.py.",
                verbose_name="translation provenance",
            ),
        ),
        migrations.AddField(
            model_name="historicalimage",
            name="translation_provenance",
            field=models.JSONField(
                blank=True,
                default=dict,
                editable=False,
                help_text="Per translated field: which language is the original and, for each other language, who translated it, when, and who reviewed it. Kept by the archive when a translation is saved; see archive/provenance.py.",
                verbose_name="translation provenance",
            ),
        ),
        migrations.AddField(
            model_name="historicalorganisation",
            name="translation_provenance",
            field=models.JSONField(
                blank=True,
                default=dict,
                editable=False,
                help_text="Per translated field: which language is the original and, for each other language, who translated it, when, and who reviewed it. Kept by the archive when a translation is saved; see archive/provenance.py.",
                verbose_name="translation provenance",
            ),
        ),
        migrations.AddField(
            model_name="historicalperson",
            name="translation_provenance",
            field=models.JSONField(
                blank=True,
                default=dict,
                editable=False,
                help_text="Per translated field: which language is the original and, for each other language, who translated it, when, and who reviewed it. Kept by the archive when a translation is saved; see archive/provenance.py.",
                verbose_name="translation provenance",
            ),
        ),
        migrations.AddField(
            model_name="historicalplace",
            name="translation_provenance",
            field=models.JSONField(
                blank=True,
                default=dict,
                editable=False,
                help_text="Per translated field: which language is the original and, for each other language, who translated it, when, and who reviewed it. Kept by the archive when a translation is saved; see archive/provenance.py.",
                verbose_name="translation provenance",
            ),
        ),
        migrations.AddField(
            model_name="historicalrecognition",
            name="translation_provenance",
            field=models.JSONField(
                blank=True,
                default=dict,
                editable=False,
                help_text="Per translated field: which language is the original and, for each other language, who translated it, when, and who reviewed it. Kept by the archive when a translation is saved; see archive/provenance.py.",
                verbose_name="translation provenance",
            ),
        ),
        migrations.AddField(
            model_name="historicalsource",
            name="translation_provenance",
            field=models.JSONField(
                blank=True,
                default=dict,
                editable=False,
                help_text="Per translated field: which language is the original and, for each other language, who translated it, when, and who reviewed it. Kept by the archive when a translation is saved; see archive/provenance.py.",
                verbose_name="translation provenance",
            ),
        ),
        migrations.AddField(
            model_name="historicaltestimony",
            name="translation_provenance",
            field=models.JSONField(
                blank=True,
                default=dict,
                editable=False,
                help_text="Per translated field: which language is the original and, for each other language, who translated it, when, and who reviewed it. Kept by the archive when a translation is saved; see archive/provenance.py.",
                verbose_name="translation provenance",
            ),
        ),
        migrations.AddField(
            model_name="image",
            name="translation_provenance",
            field=models.JSONField(
                blank=True,
                default=dict,
                editable=False,
                help_text="Per translated field: which language is the original and, for each other language, who translated it, when, and who reviewed it. Kept by the archive when a translation is saved; see archive/provenance.py.",
                verbose_name="translation provenance",
            ),
        ),
        migrations.AddField(
            model_name="organisation",
            name="translation_provenance",
            field=models.JSONField(
                blank=True,
                default=dict,
                editable=False,
                help_text="Per translated field: which language is the original and, for each other language, who translated it, when, and who reviewed it. Kept by the archive when a translation is saved; see archive/provenance.py.",
                verbose_name="translation provenance",
            ),
        ),
        migrations.AddField(
            model_name="person",
            name="translation_provenance",
            field=models.JSONField(
                blank=True,
                default=dict,
                editable=False,
                help_text="Per translated field: which language is the original and, for each other language, who translated it, when, and who reviewed it. Kept by the archive when a translation is saved; see archive/provenance.py.",
                verbose_name="translation provenance",
            ),
        ),
        migrations.AddField(
            model_name="place",
            name="translation_provenance",
            field=models.JSONField(
                blank=True,
                default=dict,
                editable=False,
                help_text="Per translated field: which language is the original and, for each other language, who translated it, when, and who reviewed it. Kept by the archive when a translation is saved; see archive/provenance.py.",
                verbose_name="translation provenance",
            ),
        ),
        migrations.AddField(
            model_name="recognition",
            name="translation_provenance",
            field=models.JSONField(
                blank=True,
                default=dict,
                editable=False,
                help_text="Per translated field: which language is the original and, for each other language, who translated it, when, and who reviewed it. Kept by the archive when a translation is saved; see archive/provenance.py.",
                verbose_name="translation provenance",
            ),
        ),
        migrations.AddField(
            model_name="source",
            name="translation_provenance",
            field=models.JSONField(
                blank=True,
                default=dict,
                editable=False,
                help_text="Per translated field: which language is the original and, for each other language, who translated it, when, and who reviewed it. Kept by the archive when a translation is saved; see archive/provenance.py.",
                verbose_name="translation provenance",
            ),
        ),
        migrations.AddField(
            model_name="testimony",
            name="translation_provenance",
            field=models.JSONField(
                blank=True,
                default=dict,
                editable=False,
                help_text="Per translated field: which language is the original and, for each other language, who translated it, when, and who reviewed it. Kept by the archive when a translation is saved; see archive/provenance.py.",
                verbose_name="translation provenance",
            ),
        ),
        migrations.RunPython(create_groups, remove_translator),
    ]
