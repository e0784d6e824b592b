"""Charge lines against the contract: expected allowed, payer yield, underpaid lines.

The lines are those on a claim (``ChargeLine.claim`` set) whose visit's DOS is in the
period. A line's expected allowed is the fee-schedule ``allowed_amount`` for (the
claim's payer, CPT, DOS) × units, × 0.85 with the CQ modifier, rounded to the cent
per line. A line is *adjudicated* once an SVC is posted to it; its paid, patient
responsibility (PR) and contract-explained reductions are net of all its
remittances to date.
"""

from __future__ import annotations

from analytics.metrics.queries.base import (
    CONTRACT_EXPLAINED_CARCS,
    CONTRACTUAL_CARC,
    DENYING_GROUPS,
    Attribution,
    MetricQuery,
    normalised_carc,
)

LINE_ATTRIBUTION = Attribution(
    clinic="v.clinic_id",
    clinician="v.clinician_id",
    # The payer whose contract prices the line: the line's claim's payer.
    payer="c.payer_id",
    source="vs.source_id",
    day="v.date_of_service",
)

# The visits of the period (narrow restriction of the charge lines read).
PERIOD_VISITS = """SELECT pv.id FROM episodes_visit pv WHERE pv.organization_id = %(org)s
    AND pv.date_of_service BETWEEN %(start)s AND %(end)s"""
SVC_IDS = "SELECT id FROM services"

# Assistant-delivered services (CQ) are paid at 85 % of the fee schedule.
CQ_FACTOR = "0.85"


# A line paid (with PR and explained adjustments) below its contract rate, not denied.
UNDERPAID = (
    "adjudicated AND NOT denied AND expected IS NOT NULL"
    " AND net_paid + net_pr + explained < expected - 0.01"
)


class ChargeLineContractQuery(MetricQuery):
    def __init__(self, filters, **options) -> None:
        super().__init__(filters, **options)
        self.params.update(
            denying_groups=list(DENYING_GROUPS),
            contractual_carc=CONTRACTUAL_CARC,
            explained_carcs=list(CONTRACT_EXPLAINED_CARCS),
        )

    def sql(self) -> str:
        joins = ""
        if self.needs("source"):
            joins += self.source_join("vs", "ve")
        carc = normalised_carc("a.reason_code")
        return f"""
        WITH lines AS MATERIALIZED (
            SELECT cl.id AS line_id, cl.units, upper(btrim(cl.cpt_code)) AS cpt,
                   ARRAY(SELECT upper(btrim(m)) FROM unnest(cl.modifiers) AS m) AS modifiers,
                   c.payer_id, v.date_of_service AS dos,
                   {self.group(LINE_ATTRIBUTION)} AS grp
            FROM billing_chargeline cl
            {self.join_by_id("billing_claim", "c", "cl.claim_id")}
            JOIN episodes_visit v ON v.id = cl.visit_id AND v.organization_id = %(org)s
            {self.join_by_id("episodes_episode", "ve", "v.episode_id")}
            {joins}
            WHERE cl.organization_id = %(org)s
              AND v.date_of_service BETWEEN %(start)s AND %(end)s
              {self.also_among("cl.visit_id", PERIOD_VISITS)}
              {self.where(LINE_ATTRIBUTION)}
        ),
        priced AS (
            SELECT l.line_id, l.grp,
                   round(fee.allowed_amount * l.units
                         * CASE WHEN 'CQ' = ANY(l.modifiers) AND fee.modifier <> 'CQ'
                                THEN {CQ_FACTOR} ELSE 1 END, 2) AS expected
            FROM lines l
            -- The rate in force on the DOS for (payer, CPT); a rate for one of the
            -- line's modifiers wins over the plain rate, then the latest.
            LEFT JOIN LATERAL (
                SELECT f.allowed_amount, upper(btrim(f.modifier)) AS modifier
                FROM billing_feeschedule f
                WHERE f.organization_id = %(org)s AND f.payer_id = l.payer_id
                  AND upper(btrim(f.cpt_code)) = l.cpt
                  AND f.effective_from <= l.dos
                  AND (f.effective_to IS NULL OR f.effective_to >= l.dos)
                ORDER BY (upper(btrim(f.modifier)) = ANY(l.modifiers)) DESC,
                         (btrim(f.modifier) = '') DESC, f.effective_from DESC, f.id DESC
                LIMIT 1
            ) fee ON TRUE
        ),
        services AS (
            SELECT sp.id, sp.charge_line_id AS line_id, sp.paid_amount
            FROM billing_servicepayment sp
            {self.join_by_id("billing_claimpayment", "cp", "sp.claim_payment_id")}
            WHERE sp.organization_id = %(org)s AND cp.claim_id IS NOT NULL
              AND {self.among("sp.charge_line_id", "SELECT line_id FROM lines")}
        ),
        paid AS (
            SELECT line_id, sum(paid_amount) AS net_paid FROM services GROUP BY line_id
        ),
        -- Line adjustments netted per (group, CARC) over all the line's remittances.
        netted AS (
            SELECT s.line_id, a.group_code, {carc} AS carc, sum(a.amount) AS net
            FROM billing_adjustment a JOIN services s ON s.id = a.service_payment_id
            WHERE a.organization_id = %(org)s {self.also_among("a.service_payment_id", SVC_IDS)}
            GROUP BY s.line_id, a.group_code, {carc}
        ),
        adjusted AS (
            SELECT line_id,
                   coalesce(sum(net) FILTER (WHERE group_code = 'PR'), 0) AS net_pr,
                   coalesce(sum(net) FILTER (
                       WHERE group_code <> 'PR' AND carc = ANY(%(explained_carcs)s)), 0)
                       AS explained,
                   bool_or(group_code = ANY(%(denying_groups)s)
                           AND carc <> %(contractual_carc)s AND net <> 0) AS has_denying
            FROM netted GROUP BY line_id
        ),
        per_line AS (
            SELECT p.grp, p.line_id, p.expected,
                   pd.line_id IS NOT NULL AS adjudicated,
                   coalesce(pd.net_paid, 0) AS net_paid,
                   coalesce(ad.net_pr, 0) AS net_pr,
                   coalesce(ad.explained, 0) AS explained,
                   (pd.line_id IS NOT NULL AND coalesce(pd.net_paid, 0) = 0
                    AND coalesce(ad.has_denying, FALSE)) AS denied
            FROM priced p
            LEFT JOIN paid pd ON pd.line_id = p.line_id
            LEFT JOIN adjusted ad ON ad.line_id = p.line_id
        )
        SELECT grp,
               coalesce(sum(expected), 0) AS expected_allowed,
               count(*) FILTER (WHERE expected IS NULL) AS lines_no_contract_rate,
               count(*) FILTER (WHERE expected IS NOT NULL) AS lines_with_contract_rate,
               coalesce(sum(net_paid + net_pr) FILTER (
                   WHERE adjudicated AND expected IS NOT NULL), 0) AS yield_received,
               coalesce(sum(expected) FILTER (
                   WHERE adjudicated AND expected IS NOT NULL), 0) AS yield_expected,
               count(*) FILTER (WHERE adjudicated AND expected IS NOT NULL) AS lines_adjudicated,
               count(*) FILTER (WHERE denied AND expected IS NOT NULL) AS lines_denied,
               count(*) FILTER (WHERE {UNDERPAID}) AS underpaid_lines,
               coalesce(sum(expected - (net_paid + net_pr + explained)) FILTER (
                   WHERE {UNDERPAID}), 0) AS underpaid_amount
        FROM per_line
        GROUP BY grp
        """


class UnderpaidLineQuery(ChargeLineContractQuery):
    """Grain rows of ``UnderpaidLineRollup`` (refresh only): the underpaid lines of the
    period, keyed by their grain key and line id."""

    def sql(self) -> str:
        statement = super().sql()
        final = statement.index("        SELECT grp,\n               coalesce(sum(expected), 0)")
        return (
            statement[:final]
            + f"""        SELECT grp || line_id AS grp, expected AS expected_allowed,
               net_paid, net_pr, explained
        FROM per_line
        WHERE {UNDERPAID}
        """
        )
