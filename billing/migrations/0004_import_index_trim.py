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
    ("chargeline", "claim"),
    ("chargeline", "organization"),
    ("chargeline", "visit"),
    ("claim", "organization"),
    ("claim", "visit"),
    ("feeschedule", "organization"),
    ("feeschedule", "payer"),
    ("patientpayment", "organization"),
    ("patientpayment", "visit"),
    ("payer", "organization"),
]


def _index(schema_editor, model, field_name):
    field = model._meta.get_field(field_name)
    table = model._meta.db_table
    return table, field.column, schema_editor._create_index_name(table, [field.column], suffix="")


def drop_indexes(apps, schema_editor):
    for model_name, field_name in FIELDS:
        _, _, name = _index(schema_editor, apps.get_model("billing", model_name), field_name)
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


def create_indexes(apps, schema_editor):
    for model_name, field_name in FIELDS:
        table, column, name = _index(
            schema_editor, apps.get_model("billing", model_name), field_name
        )
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ("{column}")')


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0003_row_level_security"),
        ("episodes", "0003_import_index_trim"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="chargeline",
                    name="claim",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="charges",
                        to="billing.claim",
                    ),
                ),
                migrations.AlterField(
                    model_name="chargeline",
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
                    model_name="chargeline",
                    name="visit",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="charges",
                        to="episodes.visit",
                    ),
                ),
                migrations.AlterField(
                    model_name="claim",
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
                    model_name="claim",
                    name="visit",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="claims",
                        to="episodes.visit",
                    ),
                ),
                migrations.AlterField(
                    model_name="feeschedule",
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
                    model_name="feeschedule",
                    name="payer",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="fees",
                        to="billing.payer",
                    ),
                ),
                migrations.AlterField(
                    model_name="patientpayment",
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
                    model_name="patientpayment",
                    name="visit",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="patient_payments",
                        to="episodes.visit",
                    ),
                ),
                migrations.AlterField(
                    model_name="payer",
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
