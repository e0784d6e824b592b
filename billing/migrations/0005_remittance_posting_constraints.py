"""835 posting: fewer per-row foreign-key checks and index insertions; two fixes.

* ``db_constraint=False`` on the ``organization`` FK of ClaimPayment, ServicePayment
  and Adjustment (row-level security's WITH CHECK already pins each row to the
  transaction's organization) and on the parents written by the same posting
  (ClaimPayment.remittance, ServicePayment.claim_payment, Adjustment.claim_payment,
  Adjustment.service_payment). Each was a deferred per-row trigger fired at
  commit, about half of the database CPU of a posting (docs/benchmarks.md).
  Django keeps applying ``on_delete``. Dropping a constraint validates nothing.
* One index per lookup on service payments and adjustments: the single-column
  indexes that a composite ``(organization_id, <fk>)`` index already serves are
  dropped (row-level security binds ``organization_id`` in every query). Where the
  FK constraint stays (ServicePayment.charge_line; ClaimPayment.claim is left as
  is), the single-column index is what PostgreSQL's check on deleting a charge
  line uses, so there the composite ``svcpay_org_charge`` goes instead.
* ``remittance_unique_payment`` treats a NULL payment date as equal
  (``NULLS NOT DISTINCT``, PostgreSQL 15+), so a payment without a date cannot be
  stored twice.
* ``ClaimPayment.remark_codes``: claim-level RARCs (MOA/MIA).
"""

import django.contrib.postgres.fields
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
        ("billing", "0004_import_index_trim"),
        ("clinics", "0003_clinician_schedule_capacity"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="remittance",
            name="remittance_unique_payment",
        ),
        migrations.AddConstraint(
            model_name="remittance",
            constraint=models.UniqueConstraint(
                fields=(
                    "organization",
                    "payer_identifier",
                    "trace_number",
                    "total_paid",
                    "payment_date",
                ),
                name="remittance_unique_payment",
                nulls_distinct=False,
            ),
        ),
        migrations.AddField(
            model_name="claimpayment",
            name="remark_codes",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(max_length=8), blank=True, default=list, size=None
            ),
        ),
        migrations.AlterField(
            model_name="claimpayment", name="organization", field=organization_fk()
        ),
        migrations.AlterField(
            model_name="servicepayment", name="organization", field=organization_fk()
        ),
        migrations.AlterField(
            model_name="adjustment", name="organization", field=organization_fk()
        ),
        migrations.AlterField(
            model_name="claimpayment",
            name="remittance",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="claims",
                to="billing.remittance",
            ),
        ),
        migrations.AlterField(
            model_name="servicepayment",
            name="claim_payment",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="services",
                to="billing.claimpayment",
            ),
        ),
        migrations.AlterField(
            model_name="adjustment",
            name="claim_payment",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="adjustments",
                to="billing.claimpayment",
            ),
        ),
        migrations.AlterField(
            model_name="adjustment",
            name="service_payment",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="adjustments",
                to="billing.servicepayment",
            ),
        ),
        migrations.RemoveIndex(model_name="servicepayment", name="svcpay_org_charge"),
    ]
