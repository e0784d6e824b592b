"""Claims and denials, counted at each claim's first adjudication: the matched claim
payment (CLP) of its remittance with the earliest payment date (BPR16), then file
order (the remittance's position in its file, then import order, then the CLP's
position in the remittance)."""

from __future__ import annotations

from analytics.metrics.queries.base import (
    CONTRACTUAL_CARC,
    DENYING_GROUPS,
    Attribution,
    MetricQuery,
    normalised_carc,
)
from billing.choices import CLAIM_STATUS_DENIED
from billing.rules.codes import CARC_CATEGORIES, OTHER_ROOT_CAUSE

CLAIM_ATTRIBUTION = Attribution(
    clinic="v.clinic_id",
    clinician="v.clinician_id",
    payer="c.payer_id",
    source="csrc.source_id",
    # Counted on the first adjudication's payment date.
    day="f.payment_date",
)

# The ORDER BY that picks a claim's first adjudication among its claim payments.
FIRST_ADJUDICATION_ORDER = (
    "cp.claim_id, r.payment_date ASC NULLS LAST, r.file_sequence, r.id, cp.sequence, cp.id"
)

# Narrow restrictions: the remittances paid in the period; the first adjudications.
PERIOD_REMITTANCES = """SELECT pr.id FROM billing_remittance pr WHERE pr.organization_id = %(org)s
    AND pr.payment_date BETWEEN %(start)s AND %(end)s"""
ADJUDICATED = "SELECT claim_payment_id FROM adjudicated"


class FirstAdjudicationQuery(MetricQuery):
    """Per group: claims first adjudicated in period, denied claims, clean claims, and
    denied claims per root cause (``root_causes``: {category: count})."""

    # Grouped per claim: also its days to pay (submission to first adjudication).
    per_claim = False

    def __init__(self, filters, **options) -> None:
        super().__init__(filters, **options)
        carcs = sorted(CARC_CATEGORIES)
        self.params.update(
            denying_groups=list(DENYING_GROUPS),
            contractual_carc=CONTRACTUAL_CARC,
            denied_status=CLAIM_STATUS_DENIED,
            carcs=carcs,
            categories=[CARC_CATEGORIES[carc].category for carc in carcs],
            other=OTHER_ROOT_CAUSE,
        )

    def sql(self) -> str:
        joins = ""
        if self.needs("source"):
            joins += self.source_join("csrc", "ve")
        carc = normalised_carc("a.reason_code")
        # Per claim: its days from submission to first adjudication, carried through.
        days = "f.payment_date - c.submitted_on" if self.per_claim else "NULL::integer"
        per_claim_days = ", max(days) AS days" if self.per_claim else ""
        days_to_pay = ",\n               max(days) AS days_to_pay" if self.per_claim else ""
        return f"""
        WITH candidates AS (
            -- Only a claim paid in the period can have its first adjudication there.
            SELECT DISTINCT cp.claim_id
            FROM billing_claimpayment cp
            JOIN billing_remittance r ON r.id = cp.remittance_id AND r.organization_id = %(org)s
            WHERE cp.organization_id = %(org)s AND cp.claim_id IS NOT NULL
              AND r.payment_date BETWEEN %(start)s AND %(end)s
              {self.also_among("cp.remittance_id", PERIOD_REMITTANCES)}
        ),
        first AS MATERIALIZED (
            SELECT DISTINCT ON (cp.claim_id)
                   cp.claim_id, cp.id AS claim_payment_id, cp.status_code, cp.paid_amount,
                   r.payment_date
            FROM billing_claimpayment cp
            {self.join_by_id("billing_remittance", "r", "cp.remittance_id")}
            WHERE cp.organization_id = %(org)s
              AND {self.among("cp.claim_id", "SELECT claim_id FROM candidates")}
            ORDER BY {FIRST_ADJUDICATION_ORDER}
        ),
        adjudicated AS MATERIALIZED (
            SELECT f.claim_payment_id, f.status_code, f.paid_amount,
                   {days} AS days,
                   {self.group(CLAIM_ATTRIBUTION)} AS grp
            FROM first f
            {self.join_by_id("billing_claim", "c", "f.claim_id")}
            {self.join_by_id("episodes_visit", "v", "c.visit_id")}
            {self.join_by_id("episodes_episode", "ve", "v.episode_id")}
            {joins}
            WHERE f.payment_date BETWEEN %(start)s AND %(end)s
              {self.where(CLAIM_ATTRIBUTION)}
        ),
        adjustments AS MATERIALIZED (
            SELECT a.id, a.claim_payment_id, a.service_payment_id, a.group_code, a.amount,
                   {carc} AS carc,
                   (a.group_code = ANY(%(denying_groups)s)
                    AND {carc} <> %(contractual_carc)s) AS denying
            FROM billing_adjustment a
            WHERE a.organization_id = %(org)s
              AND {self.among("a.claim_payment_id", ADJUDICATED)}
        ),
        -- The denying adjustment of each first adjudication (the largest if several).
        denying AS (
            SELECT DISTINCT ON (claim_payment_id) claim_payment_id, carc
            FROM adjustments WHERE denying
            ORDER BY claim_payment_id, amount DESC, id
        ),
        -- A line of the first adjudication paid 0 on which a denying adjustment nets
        -- to non-zero.
        -- (Grouped once and joined: a correlated EXISTS over the materialized
        -- adjustments would rescan them for every zero-paid line.)
        denied_lines AS (
            SELECT DISTINCT sp.claim_payment_id
            FROM billing_servicepayment sp
            JOIN (
                SELECT la.service_payment_id
                FROM adjustments la
                WHERE la.denying AND la.service_payment_id IS NOT NULL
                GROUP BY la.service_payment_id, la.group_code, la.carc
                HAVING sum(la.amount) <> 0
            ) netted ON netted.service_payment_id = sp.id
            WHERE sp.organization_id = %(org)s
              AND {self.among("sp.claim_payment_id", ADJUDICATED)}
              AND sp.paid_amount = 0
        ),
        judged AS (
            SELECT ad.grp, ad.days,
                   (ad.status_code = %(denied_status)s
                    OR (ad.paid_amount = 0 AND d.claim_payment_id IS NOT NULL)) AS denied,
                   dl.claim_payment_id IS NOT NULL AS has_denied_line,
                   coalesce(cat.category, %(other)s) AS root_cause
            FROM adjudicated ad
            LEFT JOIN denying d ON d.claim_payment_id = ad.claim_payment_id
            LEFT JOIN denied_lines dl ON dl.claim_payment_id = ad.claim_payment_id
            LEFT JOIN unnest(%(carcs)s::text[], %(categories)s::text[]) AS cat(carc, category)
              ON cat.carc = d.carc
        ),
        -- One pass: counts per (group, root cause), then per group with the denied
        -- counts folded into a cause -> n map (a correlated lookup per group was
        -- quadratic in the number of groups).
        per_cause AS (
            SELECT grp, root_cause,
                   count(*) AS adjudicated,
                   count(*) FILTER (WHERE denied) AS denied,
                   count(*) FILTER (WHERE NOT denied AND NOT has_denied_line) AS clean
                   {per_claim_days}
            FROM judged GROUP BY grp, root_cause
        )
        SELECT grp,
               sum(adjudicated)::bigint AS claims_first_adjudicated,
               sum(denied)::bigint AS denied_claims,
               sum(clean)::bigint AS clean_claims,
               coalesce(jsonb_object_agg(root_cause, denied) FILTER (WHERE denied > 0), '{{}}')
                   AS root_causes{days_to_pay}
        FROM per_cause
        GROUP BY grp
        """


# A denial's root cause with the CARC behind it ("" for CLP02 = 4 alone).
ROOT_CAUSE = "coalesce(cat.category, %(other)s) AS root_cause"
ROOT_CAUSE_AND_CARC = (
    "coalesce(cat.category, %(other)s) || '|' || coalesce(d.carc, '') AS root_cause"
)


class AdjudicatedClaimQuery(FirstAdjudicationQuery):
    """Grain rows of ``AdjudicatedClaimRollup`` (refresh only): per claim first
    adjudicated in the period, keyed by its grain key and claim id; ``root_causes``
    maps "cause|CARC" to 1 for a denial."""

    per_claim = True

    def group(self, attribution) -> str:
        return f"({super().group(attribution)} || c.id)"

    def sql(self) -> str:
        statement = super().sql()
        if ROOT_CAUSE not in statement:  # fail loudly, never silently
            raise RuntimeError("the first-adjudication SQL no longer names its root cause")
        return statement.replace(ROOT_CAUSE, ROOT_CAUSE_AND_CARC, 1)
