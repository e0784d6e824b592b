"""Drop the foreign-key constraints of the billing tables the EMR bundle import writes.

Payer, FeeSchedule, Claim, ChargeLine and PatientPayment are written only by the
bundle importer, which resolves every reference set-based (a join on the
organization's external ids) before it inserts or updates a row and reports the ones
that do not resolve; `organization` is pinned by row-level security's WITH CHECK.
PostgreSQL's per-row RI triggers only checked again what the join proved: 2.3 s of a
3.9 s INSERT of 280,656 charge lines (docs/benchmarks.md). Dropping them also ends
the per-row scans that deleting visits or claims made of `billing_chargeline`,
`billing_claim` and `billing_patientpayment`, which have no index leading with
`visit_id` or `claim_id` (each deleted row's check read the whole table).

ClaimPayment.claim and ServicePayment.charge_line keep theirs (the 835 posting writes
them while a bundle import may run). Only the constraints go: no column, index or
data changes, so reversing re-creates (and validates) them. Django still applies
`on_delete`; vendor removals check every dependant first (episodes.vendor.removals).
"""

import django.db.models.deletion
from django.db import migrations, models


def organization_fk():
    return models.ForeignKey(
        db_constraint=False,
        db_index=False,
        editable=False,
        on_delete=django.db.models.deletion.CASCADE,
        related_name="+",
        to="clinics.organization",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0005_remittance_posting_constraints"),
        ("clinics", "0008_column_mapping_profile"),
        ("episodes", "0004_imported_references_without_fk_constraints"),
    ]

    operations = [
        migrations.AlterField(
            model_name="chargeline",
            name="claim",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="charges",
                to="billing.claim",
            ),
        ),
        migrations.AlterField(
            model_name="chargeline", name="organization", field=organization_fk()
        ),
        migrations.AlterField(
            model_name="chargeline",
            name="visit",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="charges",
                to="episodes.visit",
            ),
        ),
        migrations.AlterField(model_name="claim", name="organization", field=organization_fk()),
        migrations.AlterField(
            model_name="claim",
            name="payer",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="claims",
                to="billing.payer",
            ),
        ),
        migrations.AlterField(
            model_name="claim",
            name="visit",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="claims",
                to="episodes.visit",
            ),
        ),
        migrations.AlterField(
            model_name="feeschedule", name="organization", field=organization_fk()
        ),
        migrations.AlterField(
            model_name="feeschedule",
            name="payer",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="fees",
                to="billing.payer",
            ),
        ),
        migrations.AlterField(
            model_name="patientpayment", name="organization", field=organization_fk()
        ),
        migrations.AlterField(
            model_name="patientpayment",
            name="patient",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="episodes.patient",
            ),
        ),
        migrations.AlterField(
            model_name="patientpayment",
            name="visit",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="patient_payments",
                to="episodes.visit",
            ),
        ),
        migrations.AlterField(model_name="payer", name="organization", field=organization_fk()),
    ]
