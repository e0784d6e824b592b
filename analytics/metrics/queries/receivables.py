"""A/R as of a date D, from remittances and patient payments dated on or before D.

* claim open balance: billed − CLP04 paid − Σ every CAS amount (claim and line level,
  all groups, reversals included); with no remittance by D, the billed amount;
* patient balance, per visit that has a claim: Σ PR adjustments of its claims'
  remittances − patient payments applied to the visit (refunds count negative);
  credits (negative balances) are netted in and also counted apart;
* both are aged by days from the visit's DOS to D.

Only visits with DOS on or before D carry A/R.
"""

from __future__ import annotations

from analytics.metrics.queries.base import (
    VISIT_PAYER_JOIN,
    Attribution,
    MetricQuery,
)

# Claim balances belong to the claim's own payer; patient balances (per visit) to the
# visit's payer (its primary claim's payer).
CLAIM_BALANCE_ATTRIBUTION = Attribution(
    clinic="v.clinic_id", clinician="v.clinician_id", payer="c.payer_id", source="rsrc.source_id"
)
PATIENT_BALANCE_ATTRIBUTION = Attribution(
    clinic="v.clinic_id", clinician="v.clinician_id", payer="vp.payer_id", source="rsrc.source_id"
)

AGING_BUCKETS = ("0-30", "31-60", "61-90", "91-120", "120+")
AGING_CASE = """CASE
    WHEN %(as_of)s::date - {dos} <= 30 THEN '0-30'
    WHEN %(as_of)s::date - {dos} <= 60 THEN '31-60'
    WHEN %(as_of)s::date - {dos} <= 90 THEN '61-90'
    WHEN %(as_of)s::date - {dos} <= 120 THEN '91-120'
    ELSE '120+' END"""


class ReceivablesQuery(MetricQuery):
    """Per group: A/R total, money per aging bucket, patient credit balances."""

    def sql(self) -> str:
        source_join = ""
        if self.needs("source"):
            source_join = self.source_join("rsrc", "ve")
        payer_join = ""
        if self.needs("payer"):
            payer_join = VISIT_PAYER_JOIN.format(visit="v", alias="vp")
        return f"""
        WITH claims AS MATERIALIZED (
            SELECT c.id, c.visit_id, c.billed_amount, v.date_of_service AS dos,
                   {self.group(CLAIM_BALANCE_ATTRIBUTION)} AS grp
            FROM billing_claim c
            JOIN episodes_visit v ON v.id = c.visit_id AND v.organization_id = %(org)s
            JOIN episodes_episode ve ON ve.id = v.episode_id AND ve.organization_id = %(org)s
            {source_join}
            WHERE c.organization_id = %(org)s AND v.date_of_service <= %(as_of)s
              {self.where(CLAIM_BALANCE_ATTRIBUTION)}
        ),
        claim_payments AS MATERIALIZED (
            SELECT cp.id, cp.claim_id, cp.paid_amount
            FROM billing_claimpayment cp
            JOIN billing_remittance r ON r.id = cp.remittance_id AND r.organization_id = %(org)s
            WHERE cp.organization_id = %(org)s AND r.payment_date <= %(as_of)s
              AND cp.claim_id IN (
                  SELECT c.id FROM billing_claim c
                  JOIN episodes_visit v ON v.id = c.visit_id AND v.organization_id = %(org)s
                  WHERE c.organization_id = %(org)s AND v.date_of_service <= %(as_of)s)
        ),
        adjustments AS (
            SELECT a.claim_payment_id, sum(a.amount) AS total,
                   coalesce(sum(a.amount) FILTER (WHERE a.group_code = 'PR'), 0) AS pr
            FROM billing_adjustment a
            WHERE a.organization_id = %(org)s
              AND a.claim_payment_id IN (SELECT id FROM claim_payments)
            GROUP BY a.claim_payment_id
        ),
        per_claim AS (
            SELECT cpx.claim_id, sum(cpx.paid_amount) AS paid,
                   coalesce(sum(adj.total), 0) AS adjusted, coalesce(sum(adj.pr), 0) AS pr
            FROM claim_payments cpx LEFT JOIN adjustments adj ON adj.claim_payment_id = cpx.id
            GROUP BY cpx.claim_id
        ),
        claim_balances AS (
            SELECT claims.grp, claims.dos,
                   claims.billed_amount - coalesce(pc.paid, 0) - coalesce(pc.adjusted, 0)
                       AS balance
            FROM claims LEFT JOIN per_claim pc ON pc.claim_id = claims.id
        ),
        billed_visits AS MATERIALIZED (
            SELECT v.id AS visit_id, v.date_of_service AS dos,
                   {self.group(PATIENT_BALANCE_ATTRIBUTION)} AS grp
            FROM episodes_visit v
            JOIN episodes_episode ve ON ve.id = v.episode_id AND ve.organization_id = %(org)s
            {source_join}
            {payer_join}
            WHERE v.organization_id = %(org)s AND v.date_of_service <= %(as_of)s
              AND EXISTS (SELECT 1 FROM billing_claim bc
                          WHERE bc.organization_id = %(org)s AND bc.visit_id = v.id)
              {self.where(PATIENT_BALANCE_ATTRIBUTION)}
        ),
        visit_pr AS (
            SELECT c.visit_id, sum(pc.pr) AS pr
            FROM per_claim pc
            JOIN billing_claim c ON c.id = pc.claim_id AND c.organization_id = %(org)s
            GROUP BY c.visit_id
        ),
        visit_paid AS (
            SELECT pp.visit_id,
                   sum(CASE WHEN pp.kind = 'refund' THEN -pp.amount ELSE pp.amount END) AS paid
            FROM billing_patientpayment pp
            WHERE pp.organization_id = %(org)s AND pp.collected_on <= %(as_of)s
              AND pp.visit_id IN (SELECT visit_id FROM billed_visits)
            GROUP BY pp.visit_id
        ),
        patient_balances AS (
            SELECT bv.grp, bv.dos, coalesce(vpr.pr, 0) - coalesce(vpd.paid, 0) AS balance
            FROM billed_visits bv
            LEFT JOIN visit_pr vpr ON vpr.visit_id = bv.visit_id
            LEFT JOIN visit_paid vpd ON vpd.visit_id = bv.visit_id
        ),
        balances AS (
            SELECT grp, {AGING_CASE.format(dos="dos")} AS bucket, balance, FALSE AS patient
            FROM claim_balances
            UNION ALL
            SELECT grp, {AGING_CASE.format(dos="dos")} AS bucket, balance, TRUE AS patient
            FROM patient_balances
        )
        SELECT grp,
               coalesce(sum(balance), 0) AS ar_total,
               coalesce(sum(balance) FILTER (WHERE NOT patient), 0) AS claim_balances,
               coalesce(sum(balance) FILTER (WHERE patient), 0) AS patient_balances,
               coalesce(sum(balance) FILTER (WHERE bucket = '0-30'), 0) AS "0-30",
               coalesce(sum(balance) FILTER (WHERE bucket = '31-60'), 0) AS "31-60",
               coalesce(sum(balance) FILTER (WHERE bucket = '61-90'), 0) AS "61-90",
               coalesce(sum(balance) FILTER (WHERE bucket = '91-120'), 0) AS "91-120",
               coalesce(sum(balance) FILTER (WHERE bucket = '120+'), 0) AS "120+",
               count(*) FILTER (WHERE patient AND balance < 0) AS credit_count,
               coalesce(sum(balance) FILTER (WHERE patient AND balance < 0), 0) AS credit_amount
        FROM balances
        GROUP BY grp
        """


class ProviderAdjustmentQuery(MetricQuery):
    """Σ PLB amounts as written of remittances whose payment date is in period.

    Organization level only: a clinic, clinician or source filter makes it not
    applicable (``fetch`` returns ``None``); a payer filter uses the remittance's payer.
    """

    ATTRIBUTION = Attribution(
        clinic=None, clinician=None, payer="r.payer_id", source=None, day="r.payment_date"
    )

    def sql(self) -> str:
        return f"""
        SELECT {self.group(self.ATTRIBUTION)} AS grp, coalesce(sum(pa.amount), 0) AS plb_total
        FROM billing_provideradjustment pa
        JOIN billing_remittance r ON r.id = pa.remittance_id AND r.organization_id = %(org)s
        WHERE pa.organization_id = %(org)s AND r.payment_date BETWEEN %(start)s AND %(end)s
          {self.where(self.ATTRIBUTION)}
        GROUP BY 1
        """
