"""Drop single-column indexes that other indexes cover, for import speed.

`organization_id` leads the unique `(organization, external_id)` (and every composite
index) of these tables, and each other foreign key listed comes right after it in a
composite `(organization, <fk>, …)` index or unique constraint; their single-column
btrees only cost every imported row one more insertion each. Only the indexes go: the foreign-key constraints stay
as they are (Django's AlterField would drop and re-add, and so re-validate, them).
"""

import django.db.models.deletion
from django.db import migrations, models

# (model, field) whose own index is dropped.
FIELDS = [
    ("appointment", "episode"),
    ("appointment", "organization"),
    ("authorization", "organization"),
    ("authorization", "patient"),
    ("eligibility", "organization"),
    ("eligibility", "patient"),
    ("episode", "organization"),
    ("episode", "referral"),
    ("patient", "organization"),
    ("planofcare", "episode"),
    ("planofcare", "organization"),
    ("referral", "organization"),
    ("referralsource", "organization"),
    ("visit", "episode"),
    ("visit", "organization"),
]


def _index(schema_editor, model, field_name):
    field = model._meta.get_field(field_name)
    table = model._meta.db_table
    return table, field.column, schema_editor._create_index_name(table, [field.column], suffix="")


def drop_indexes(apps, schema_editor):
    for model_name, field_name in FIELDS:
        _, _, name = _index(schema_editor, apps.get_model("episodes", model_name), field_name)
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


def create_indexes(apps, schema_editor):
    for model_name, field_name in FIELDS:
        table, column, name = _index(
            schema_editor, apps.get_model("episodes", model_name), field_name
        )
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ("{column}")')


class Migration(migrations.Migration):
    dependencies = [
        ("clinics", "0001_initial"),
        ("episodes", "0002_row_level_security"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="appointment",
                    name="episode",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="appointments",
                        to="episodes.episode",
                    ),
                ),
                migrations.AlterField(
                    model_name="appointment",
                    name="organization",
                    field=models.ForeignKey(
                        db_index=False,
                        editable=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="clinics.organization",
                    ),
                ),
                migrations.AlterField(
                    model_name="authorization",
                    name="organization",
                    field=models.ForeignKey(
                        db_index=False,
                        editable=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="clinics.organization",
                    ),
                ),
                migrations.AlterField(
                    model_name="authorization",
                    name="patient",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="authorizations",
                        to="episodes.patient",
                    ),
                ),
                migrations.AlterField(
                    model_name="eligibility",
                    name="organization",
                    field=models.ForeignKey(
                        db_index=False,
                        editable=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="clinics.organization",
                    ),
                ),
                migrations.AlterField(
                    model_name="eligibility",
                    name="patient",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="eligibility",
                        to="episodes.patient",
                    ),
                ),
                migrations.AlterField(
                    model_name="episode",
                    name="organization",
                    field=models.ForeignKey(
                        db_index=False,
                        editable=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="clinics.organization",
                    ),
                ),
                migrations.AlterField(
                    model_name="episode",
                    name="referral",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="episodes",
                        to="episodes.referral",
                    ),
                ),
                migrations.AlterField(
                    model_name="patient",
                    name="organization",
                    field=models.ForeignKey(
                        db_index=False,
                        editable=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="clinics.organization",
                    ),
                ),
                migrations.AlterField(
                    model_name="planofcare",
                    name="episode",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="plans_of_care",
                        to="episodes.episode",
                    ),
                ),
                migrations.AlterField(
                    model_name="planofcare",
                    name="organization",
                    field=models.ForeignKey(
                        db_index=False,
                        editable=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="clinics.organization",
                    ),
                ),
                migrations.AlterField(
                    model_name="referral",
                    name="organization",
                    field=models.ForeignKey(
                        db_index=False,
                        editable=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="clinics.organization",
                    ),
                ),
                migrations.AlterField(
                    model_name="referralsource",
                    name="organization",
                    field=models.ForeignKey(
                        db_index=False,
                        editable=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="clinics.organization",
                    ),
                ),
                migrations.AlterField(
                    model_name="visit",
                    name="episode",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="visits",
                        to="episodes.episode",
                    ),
                ),
                migrations.AlterField(
                    model_name="visit",
                    name="organization",
                    field=models.ForeignKey(
                        db_index=False,
                        editable=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="clinics.organization",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop_indexes, create_indexes)],
        ),
    ]
