"""835 posting: drop the last two per-row foreign-key checks and two unused indexes.

* ``db_constraint=False`` on ``ClaimPayment.claim`` and ``ServicePayment.charge_line``.
  Both are only ever set from a join on the organization's claims and charge lines
  (the posting's staging joins and ``match_unmatched_payments``), so PostgreSQL's
  deferred per-row check at commit (a ``SELECT … FOR KEY SHARE`` of the claim or
  charge line) only proved again what the join had: 0.8–1.0 s of backend CPU per
  50,000 claim payments, about a fifth of a posting (docs/benchmarks.md). They had
  been kept because claims and charge lines are written by bundle imports that may
  run at the same time; postings now hold the bundle imports' advisory lock in shared
  mode (``billing.remittances.tenancy``), so a vendor removal (the only raw-SQL DELETE
  of claims and charge lines, run inside a bundle import, which refuses rows that
  payments still refer to) never runs between a posting's join and its commit.
  Django still applies ``on_delete`` (SET_NULL) for ORM deletes.
* The single-column ``claim_id`` index of claim payments (the constraint's check on
  deleting a claim was its only user without the organization; ``claimpay_org_claim``
  serves every other lookup) and ``claimpay_org_pcn`` (no query looks claim payments
  up by CLP01: late matching goes through ``claim_id IS NULL``, the admin's search is
  a substring match): −87 ms of backend CPU per 50,000 inserted claim payments.

Reversing re-creates (and validates) the constraints and re-creates the indexes.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0006_imported_references_without_fk_constraints"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="claimpayment", name="claimpay_org_pcn"),
        migrations.AlterField(
            model_name="claimpayment",
            name="claim",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="payments",
                to="billing.claim",
            ),
        ),
        migrations.AlterField(
            model_name="servicepayment",
            name="charge_line",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="payments",
                to="billing.chargeline",
            ),
        ),
    ]
