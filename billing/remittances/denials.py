"""Denials derived from posted claim payments (spec/metrics.md, "denied claim/line").

* claim level (``service_payment`` empty): CLP02 = 4, or paid 0 with a denying
  adjustment at claim or line level;
* line level: a service paid 0 with a denying line adjustment.

A *denying* adjustment is a CO, OA or PI adjustment with a non-zero amount whose
CARC is neither 45 nor in a contractual or patient-responsibility category of
carc-categories.csv (59 multiple-procedure and 253 sequestration reduce a paid
claim; PR-1/2/3 are the patient's share): so a claim paid 0 only because of the
deductible is not a denial. The denial carries the denying adjustment with the
largest amount (on a CLP02 = 4 claim without one, its largest adjustment, or the
claim charge when it has none), its root cause from
``billing.rules.codes.carc_root_cause`` (a category that is not a denial root
cause becomes ``other``) and that adjustment's amount.

``appeal_deadline`` = payment date + ``APPEAL_WINDOW_DAYS``: 90 days is a
conservative default (commercial payers commonly allow 90–180 days, Medicare
redetermination 120); per-payer windows would need a Payer field.

Denials exist only for payments matched to a claim (``Denial.claim`` is
required); ``match_unmatched_payments`` derives them once the claim arrives.
Idempotent: the model's unique (claim_payment, service_payment) constraint and
``ON CONFLICT DO NOTHING``, so re-deriving never duplicates a biller's queue.
"""

from __future__ import annotations

from billing.choices import CLAIM_STATUS_DENIED, RootCause
from billing.rules.codes import CARC_CATEGORIES, carc_root_cause

APPEAL_WINDOW_DAYS = 90
DENYING_GROUPS = ("CO", "OA", "PI")
# Categories of carc-categories.csv that are not denials.
NOT_DENIAL_CATEGORIES = frozenset({"contractual", "patient_responsibility"})

ROOT_CAUSES = frozenset(RootCause.values)


def _not_denial_carcs() -> list[str]:
    carcs = {"45"}
    carcs.update(
        carc for carc, row in CARC_CATEGORIES.items() if row.category in NOT_DENIAL_CATEGORIES
    )
    return sorted(carcs)


def _root_cause_table() -> tuple[list[str], list[str]]:
    """(carcs, root causes) for every listed CARC that maps to a denial root cause."""
    pairs = [(carc, carc_root_cause(carc)) for carc in sorted(CARC_CATEGORIES)]
    pairs = [(carc, cause) for carc, cause in pairs if cause in ROOT_CAUSES]
    return [carc for carc, _ in pairs], [cause for _, cause in pairs]


# CARCs as written may carry leading zeros ("045") or lower case ("b7"); the same
# normalisation as carc_root_cause.
NORMALISED_CARC = (
    "CASE WHEN btrim(a.reason_code) ~ '^[0-9]+$' THEN ltrim(btrim(a.reason_code), '0')"
    " ELSE upper(btrim(a.reason_code)) END"
)


def derive_sql(scope: str) -> str:
    """INSERT the denials of the claim payments whose ids ``scope`` selects.

    The scope (a few candidate ids per batch) drives the joins: filtering the
    organization's claim payments by ``IN (scope)`` let the planner scan every
    claim payment of the organization per batch, quadratic in the file size
    (86 s of a 100,000-claim posting).
    """
    return f"""
        WITH candidates AS MATERIALIZED (SELECT DISTINCT id FROM ({scope}) k),
        scope AS MATERIALIZED (
            SELECT cp.id, cp.claim_id, cp.status_code, cp.paid_amount, cp.charge_amount,
                   r.payment_date
            FROM candidates k
            JOIN billing_claimpayment cp ON cp.id = k.id AND cp.organization_id = %(org)s
            JOIN billing_remittance r ON r.id = cp.remittance_id AND r.organization_id = %(org)s
            WHERE cp.claim_id IS NOT NULL
        ),
        adj AS MATERIALIZED (
            SELECT a.id, a.claim_payment_id, a.service_payment_id, a.group_code,
                   a.reason_code, a.amount, {NORMALISED_CARC} AS carc,
                   (a.group_code = ANY(%(denying_groups)s) AND a.amount <> 0
                    AND NOT ({NORMALISED_CARC} = ANY(%(not_denial_carcs)s))) AS denying
            FROM billing_adjustment a
            WHERE a.organization_id = %(org)s AND a.claim_payment_id IN (SELECT id FROM scope)
        ),
        claim_denials AS (
            SELECT DISTINCT ON (s.id)
                   s.id AS claim_payment_id, s.claim_id, NULL::bigint AS service_payment_id,
                   coalesce(a.group_code, '') AS group_code,
                   coalesce(a.reason_code, '') AS reason_code, a.carc,
                   coalesce(a.amount, s.charge_amount) AS amount, s.payment_date
            FROM scope s
            LEFT JOIN adj a ON a.claim_payment_id = s.id
            WHERE s.status_code = %(denied_status)s
               OR (s.paid_amount = 0 AND EXISTS (
                       SELECT 1 FROM adj d WHERE d.claim_payment_id = s.id AND d.denying))
            ORDER BY s.id, a.denying DESC NULLS LAST, a.amount DESC NULLS LAST, a.id
        ),
        line_denials AS (
            SELECT DISTINCT ON (sp.id)
                   s.id AS claim_payment_id, s.claim_id, sp.id AS service_payment_id,
                   a.group_code, a.reason_code, a.carc, a.amount, s.payment_date
            FROM scope s
            JOIN billing_servicepayment sp
              ON sp.claim_payment_id = s.id AND sp.organization_id = %(org)s
            JOIN adj a ON a.service_payment_id = sp.id AND a.denying
            WHERE sp.paid_amount = 0
            ORDER BY sp.id, a.amount DESC, a.id
        ),
        found AS (
            SELECT * FROM claim_denials UNION ALL SELECT * FROM line_denials
        )
        INSERT INTO billing_denial (
            organization_id, claim_id, claim_payment_id, service_payment_id, group_code,
            reason_code, root_cause, amount, status, notes, appeal_deadline,
            created_at, updated_at)
        SELECT %(org)s, f.claim_id, f.claim_payment_id, f.service_payment_id, f.group_code,
               f.reason_code, coalesce(rc.root_cause, 'other'), f.amount, 'open', '',
               f.payment_date + %(appeal_days)s::integer, now(), now()
        FROM found f
        LEFT JOIN unnest(%(carcs)s::text[], %(root_causes)s::text[]) AS rc(carc, root_cause)
          ON rc.carc = f.carc
        ON CONFLICT ON CONSTRAINT denial_unique_per_payment DO NOTHING
    """


_CARCS, _ROOT_CAUSES = _root_cause_table()
_PARAMS = {
    "denying_groups": list(DENYING_GROUPS),
    "not_denial_carcs": _not_denial_carcs(),
    "denied_status": CLAIM_STATUS_DENIED,
    "appeal_days": APPEAL_WINDOW_DAYS,
    "carcs": _CARCS,
    "root_causes": _ROOT_CAUSES,
}


def derive(cursor, organization_id: int, scope: str) -> int:
    """Create the missing denials of the claim payments selected by ``scope``.

    ``scope`` is a SELECT of claim payment ids (a staging or temp table); returns
    how many denials were created.
    """
    cursor.execute(derive_sql(scope), {"org": organization_id, **_PARAMS})
    return cursor.rowcount
