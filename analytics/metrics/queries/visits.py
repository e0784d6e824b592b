"""Visits and money: visits, billable visits, units, gross charges, insurance and
patient paid, net collected revenue, NCRPV and its maturity, copay collected at the
time of service. One statement, one row per visit in a CTE, aggregated per group."""

from __future__ import annotations

from analytics.metrics.queries.base import (
    VISIT_PAYER_JOIN,
    Attribution,
    MetricQuery,
)

VISIT_ATTRIBUTION = Attribution(
    clinic="v.clinic_id",
    clinician="v.clinician_id",
    payer="vp.payer_id",
    source="vs.source_id",
    day="v.date_of_service",
)


V_IDS = "SELECT visit_id FROM v"
CLAIM_IDS = "SELECT id FROM claims"
# The charge lines of the visits of CTE ``v`` (narrow restriction of SVC reads).
RANGE_LINES = """SELECT rl.id FROM billing_chargeline rl
    WHERE rl.organization_id = %(org)s AND rl.visit_id = ANY(ARRAY(SELECT visit_id FROM v))"""


def visit_selection(query: MetricQuery, *, period: str, extra_columns: str = "") -> str:
    """SELECT of the visits matching ``period`` (a condition on ``v``) and the filters,
    with their group key. Joins only what the filters and grouping need."""
    joins = ""
    if query.needs("payer"):
        joins += VISIT_PAYER_JOIN.format(visit="v", alias="vp")
    if query.needs("source"):
        joins += query.source_join("vs", "ve")
    return f"""
        SELECT v.id AS visit_id, v.date_of_service AS dos, v.episode_id,
               {query.group(VISIT_ATTRIBUTION)} AS grp{extra_columns}
        FROM episodes_visit v
        {query.join_by_id("episodes_episode", "ve", "v.episode_id")}
        {joins}
        WHERE v.organization_id = %(org)s AND {period}{query.where(VISIT_ATTRIBUTION)}
    """


class VisitMoneyQuery(MetricQuery):
    """Per group: visits, billable visits, units and money of the visits in period.

    Money is "to date": every remittance and patient payment imported so far.
    """

    # What a visit row is grouped by (``per_visit``), and whether it prices the copay
    # due (a lookup of the eligibility in force per visit).
    per_visit_key = "v.grp"
    copay_due = True

    def sql(self) -> str:
        selection = visit_selection(
            self,
            period="v.date_of_service BETWEEN %(start)s AND %(end)s",
            extra_columns=", ve.patient_id, ve.primary_payer_id, ve.referral_id",
        )
        return f"""
        WITH v AS MATERIALIZED ({selection}),
        charges AS (
            SELECT cl.visit_id, sum(cl.charge_amount) AS gross, sum(cl.units) AS units,
                   bool_or(cl.charge_amount > 0) AS billable
            FROM billing_chargeline cl
            WHERE cl.organization_id = %(org)s AND {self.among("cl.visit_id", V_IDS)}
            GROUP BY cl.visit_id
        ),
        -- SVC03 posted to the visit's charge lines (reversals carry negative amounts).
        line_paid AS (
            SELECT cl.visit_id, sum(sp.paid_amount) AS paid
            FROM billing_servicepayment sp
            {self.join_by_id("billing_chargeline", "cl", "sp.charge_line_id")}
            {self.join_by_id("billing_claimpayment", "cp", "sp.claim_payment_id")}
            WHERE sp.organization_id = %(org)s AND cp.claim_id IS NOT NULL
              AND cl.visit_id IN (SELECT visit_id FROM v)
              {self.also_among("sp.charge_line_id", RANGE_LINES)}
            GROUP BY cl.visit_id
        ),
        claims AS (
            SELECT c.id, c.visit_id FROM billing_claim c
            WHERE c.organization_id = %(org)s AND {self.among("c.visit_id", V_IDS)}
        ),
        claim_payments AS (
            SELECT cp.id, cp.paid_amount, claims.visit_id
            FROM billing_claimpayment cp JOIN claims ON claims.id = cp.claim_id
            WHERE cp.organization_id = %(org)s {self.also_among("cp.claim_id", CLAIM_IDS)}
        ),
        -- A CLP with no SVC: its CLP04 counts against its claim's visit.
        claim_paid AS (
            SELECT cpx.visit_id, sum(cpx.paid_amount) AS paid
            FROM claim_payments cpx
            WHERE {self._without_services("cpx.id")}
            GROUP BY cpx.visit_id
        ),
        -- (Joined, not a correlated EXISTS per claim: that rescanned the claim
        -- payments for every claim — quadratic over a year of a group.)
        remitted_visits AS (SELECT DISTINCT visit_id FROM claim_payments),
        claim_status AS (
            SELECT DISTINCT claims.visit_id, rv.visit_id IS NOT NULL AS remitted
            FROM claims LEFT JOIN remitted_visits rv ON rv.visit_id = claims.visit_id
        ),
        patient_paid AS (
            SELECT pp.visit_id,
                   sum(CASE WHEN pp.kind = 'refund' THEN -pp.amount ELSE pp.amount END) AS paid,
                   sum(pp.amount) FILTER (
                       WHERE pp.kind = 'copay' AND pp.collected_on = v.dos) AS copay_at_tos
            FROM billing_patientpayment pp JOIN v ON v.visit_id = pp.visit_id
            WHERE pp.organization_id = %(org)s {self.also_among("pp.visit_id", V_IDS)}
            GROUP BY pp.visit_id
        ),
        per_visit AS (
            SELECT {self.per_visit_key} AS grp,
                   coalesce(ch.billable, FALSE) AS billable,
                   coalesce(ch.units, 0) AS units,
                   coalesce(ch.gross, 0) AS gross,
                   coalesce(lp.paid, 0) + coalesce(cpd.paid, 0) AS insurance_paid,
                   coalesce(pp.paid, 0) AS patient_paid,
                   cs.visit_id IS NOT NULL AS has_claim,
                   coalesce(cs.remitted, FALSE) AS remitted,
                   coalesce(pp.copay_at_tos, 0) AS copay_at_tos,
                   {"coalesce(elig.copay_amount, 0)" if self.copay_due else "0"} AS copay_due
            FROM v
            LEFT JOIN charges ch ON ch.visit_id = v.visit_id
            LEFT JOIN line_paid lp ON lp.visit_id = v.visit_id
            LEFT JOIN claim_paid cpd ON cpd.visit_id = v.visit_id
            LEFT JOIN claim_status cs ON cs.visit_id = v.visit_id
            LEFT JOIN patient_paid pp ON pp.visit_id = v.visit_id
            {self._eligibility() if self.copay_due else ""}
        )
        {self.aggregate()}
        """

    def _eligibility(self) -> str:
        return """-- The eligibility row in force on the DOS; several: the episode's primary
            -- payer's first, then one with a copay, then the latest check.
            LEFT JOIN LATERAL (
                SELECT el.copay_amount FROM episodes_eligibility el
                WHERE el.organization_id = %(org)s AND el.patient_id = v.patient_id
                  AND el.active
                  AND (el.effective_from IS NULL OR el.effective_from <= v.dos)
                  AND (el.effective_to IS NULL OR el.effective_to >= v.dos)
                ORDER BY (el.payer_id = v.primary_payer_id) DESC NULLS LAST,
                         (el.copay_amount IS NOT NULL) DESC, el.checked_on DESC, el.id DESC
                LIMIT 1
            ) elig ON TRUE"""

    def aggregate(self) -> str:
        return """SELECT grp,
               count(*) AS visits,
               count(*) FILTER (WHERE billable) AS billable_visits,
               coalesce(sum(units) FILTER (WHERE billable), 0)::bigint AS billable_units,
               coalesce(sum(gross), 0) AS gross_charges,
               coalesce(sum(insurance_paid), 0) AS insurance_paid,
               coalesce(sum(patient_paid), 0) AS patient_paid,
               coalesce(sum(insurance_paid + patient_paid) FILTER (WHERE billable), 0)
                   AS billable_net_collected,
               count(*) FILTER (WHERE billable AND has_claim) AS billable_with_claim,
               count(*) FILTER (WHERE billable AND remitted) AS billable_remitted,
               coalesce(sum(copay_at_tos), 0) AS copay_collected_at_tos,
               coalesce(sum(copay_due), 0) AS copay_due
        FROM per_visit
        GROUP BY grp"""

    def _without_services(self, claim_payment: str) -> str:
        """The claim payment has no SVC. Narrow: against the SVCs of the range's claim
        payments only (a NOT EXISTS is an anti-join hashing every SVC)."""
        if not self.narrow:
            return f"""NOT EXISTS (
                SELECT 1 FROM billing_servicepayment sp
                WHERE sp.organization_id = %(org)s AND sp.claim_payment_id = {claim_payment})"""
        # (Not ``<> ALL(ARRAY(…))``: that compares every claim payment with every SVC's,
        # quadratic — minutes for a few months of a large group.)
        return f"""NOT EXISTS (
                SELECT 1 FROM (
                    SELECT sp.claim_payment_id FROM billing_servicepayment sp
                    WHERE sp.organization_id = %(org)s
                      AND sp.claim_payment_id = ANY(ARRAY(SELECT id FROM claim_payments))
                ) svc WHERE svc.claim_payment_id = {claim_payment})"""


class ReferralMoneyQuery(VisitMoneyQuery):
    """Grain rows of ``ReferralMoneyRollup`` (refresh only): net collected (insurance
    paid + patient paid, to date) of the period's visits per grain key and referral of
    their episode — the money ``selectors.referral_money`` computes per referral."""

    per_visit_key = "v.grp || v.referral_id"
    copay_due = False

    def aggregate(self) -> str:
        return """SELECT grp, sum(insurance_paid + patient_paid) AS net_collected
        FROM per_visit
        WHERE grp[6] IS NOT NULL
        GROUP BY grp"""


class GrossChargesWindowQuery(MetricQuery):
    """Gross charges with DOS in [as of − 89, as of]: the days-in-A/R denominator."""

    def sql(self) -> str:
        selection = visit_selection(
            self,
            period="v.date_of_service BETWEEN %(as_of)s::date - 89 AND %(as_of)s::date",
        )
        return f"""
        WITH v AS MATERIALIZED ({selection})
        SELECT v.grp, coalesce(sum(cl.charge_amount), 0) AS gross_charges_90_days
        FROM v JOIN billing_chargeline cl
          ON cl.visit_id = v.visit_id AND cl.organization_id = %(org)s
        GROUP BY v.grp
        """
