"""Service lines → charge lines, and payments that arrived before their claims.

One rule, used at posting (on the staging tables) and later (on the stored
payments), so a payment matched late ends exactly where it would have ended had
the claim been there first:

1. REF*6R equals ``ChargeLine.external_id`` (the line item control number we
   sent), within the organization, on the claim's visit;
2. otherwise CPT + modifiers (as a set, case-insensitive) + units among the
   charge lines of the claim's visit (a claim bills one visit, and exports often
   leave ``ChargeLine.claim`` blank), pairing the n-th such SVC of the CLP with
   the n-th such line not already taken by a REF*6R match of the same CLP — the
   set-based form of "first not-yet-matched line". Another CLP (a reversal, a
   correction) may match the same line again: that is how it is reversed.

Everything is one SQL statement per step with ``organization_id`` bound in
every join, never a Python loop over rows.
"""

from __future__ import annotations

from django.db import connection, transaction

from billing.remittances import denials
from billing.remittances.tenancy import lock_out_bundle_imports, require_tenant


def modifier_set_sql(column: str) -> str:
    """A modifiers array as a sorted, de-duplicated, upper-case set (for equality)."""
    return (
        f'ARRAY(SELECT DISTINCT upper(btrim(m)) COLLATE "C" FROM unnest({column}) AS m'
        " WHERE btrim(m) <> '' ORDER BY 1)"
    )


def line_match_sql(source: str) -> str:
    """SELECT (service_id, line_id, how) for the services of ``source``.

    ``source`` yields service_id, claim_payment_id, visit_id (of the matched
    claim), lin (REF*6R), cpt, modifiers, units; ``how`` is ``ref`` or ``fallback``.

    The charge lines are read by a LATERAL probe of the ``(organization_id,
    visit_id)`` index per visit of ``source`` (``visit_lines``), and both rules match
    in memory against them: joined as a set, the planner (no statistics on rows
    written in the same transaction) hashed or sorted every charge line of the
    organization for each batch, so a posting grew with the organization's size.
    One probe per visit rather than one of the ``(organization_id, external_id)``
    index per service: −5–10 % of the statement's CPU (a visit's lines sit together).
    The modifier sets are only computed for the services left to the fallback.
    """
    charge_modset = modifier_set_sql("cl.modifiers")
    service_modset = modifier_set_sql("s.modifiers")
    return f"""
        WITH src AS MATERIALIZED ({source}),
        visit_lines AS MATERIALIZED (
            SELECT v.visit_id, cl.id AS line_id, cl.external_id, cl.cpt_code,
                   cl.modifiers, cl.units
            FROM (SELECT DISTINCT visit_id FROM src) v
            CROSS JOIN LATERAL (
                -- A probe of (organization, visit) per visit; OFFSET 0 keeps the
                -- planner from flattening it into a join that read every charge
                -- line of the organization.
                SELECT cl.id, cl.external_id, cl.cpt_code, cl.modifiers, cl.units
                FROM billing_chargeline cl
                WHERE cl.organization_id = %(org)s AND cl.visit_id = v.visit_id
                OFFSET 0) cl
        ),
        by_ref AS MATERIALIZED (
            -- At most one line per service: (organization, external_id) is unique.
            SELECT s.service_id, s.claim_payment_id, l.line_id
            FROM src s
            JOIN visit_lines l ON l.visit_id = s.visit_id AND l.external_id = s.lin
            WHERE s.lin <> ''
        ),
        pending AS (
            SELECT q.*, row_number() OVER (
                       PARTITION BY q.claim_payment_id, q.cpt, q.modset, q.units
                       ORDER BY q.service_id) AS rn
            FROM (
                SELECT s.service_id, s.claim_payment_id, s.visit_id, s.cpt,
                       {service_modset} AS modset, s.units
                FROM src s
                WHERE NOT EXISTS (SELECT 1 FROM by_ref b WHERE b.service_id = s.service_id)
            ) q
        ),
        lines AS (
            SELECT p.claim_payment_id, cl.line_id, upper(btrim(cl.cpt_code)) AS cpt,
                   {charge_modset} AS modset, cl.units
            FROM (SELECT DISTINCT claim_payment_id, visit_id FROM pending) p
            JOIN visit_lines cl ON cl.visit_id = p.visit_id
            WHERE NOT EXISTS (
                SELECT 1 FROM by_ref b
                WHERE b.claim_payment_id = p.claim_payment_id AND b.line_id = cl.line_id)
        ),
        candidates AS (
            SELECT l.*, row_number() OVER (
                       PARTITION BY l.claim_payment_id, l.cpt, l.modset, l.units
                       ORDER BY l.line_id) AS rn
            FROM lines l
        )
        SELECT service_id, line_id, 'ref' AS how FROM by_ref
        UNION ALL
        SELECT p.service_id, c.line_id, 'fallback' AS how
        FROM pending p
        JOIN candidates c
          ON c.claim_payment_id = p.claim_payment_id AND c.cpt = p.cpt
         AND c.modset = p.modset AND c.units = p.units AND c.rn = p.rn
    """


STAGED_SERVICES = """
    SELECT s.id AS service_id, s.claim_payment_id, c.visit_id,
           s.line_item_control_number AS lin, upper(btrim(s.cpt_code)) AS cpt,
           s.modifiers, s.units
    FROM remit_stage_service s
    JOIN remit_stage_claim c ON c.id = s.claim_payment_id
    WHERE c.visit_id IS NOT NULL
"""

# (service_id, line_id, how) of the staged services: the posting joins it into its
# INSERT of the service payments (``posting.INSERT_SERVICE_PAYMENTS``).
STAGED_SERVICE_MATCHES = line_match_sql(STAGED_SERVICES)

RESOLVE_STAGED_CLAIMS = """
    UPDATE remit_stage_claim s SET claim_id = c.id, visit_id = c.visit_id
    FROM billing_claim c
    WHERE c.organization_id = %(org)s AND c.external_id = s.patient_control_number
"""

NEWLY_MATCHED_TABLE = "remit_newly_matched"

LINK_UNMATCHED_CLAIMS = f"""
    WITH linked AS (
        UPDATE billing_claimpayment cp SET claim_id = c.id
        FROM billing_claim c
        WHERE cp.organization_id = %(org)s AND cp.claim_id IS NULL
          AND c.organization_id = %(org)s AND c.external_id = cp.patient_control_number
        RETURNING cp.id
    )
    INSERT INTO {NEWLY_MATCHED_TABLE} (id) SELECT id FROM linked
"""

STORED_UNMATCHED_SERVICES = f"""
    SELECT sp.id AS service_id, sp.claim_payment_id, c.visit_id,
           sp.line_item_control_number AS lin, upper(btrim(sp.cpt_code)) AS cpt,
           sp.modifiers, sp.units
    FROM billing_servicepayment sp
    JOIN billing_claimpayment cp ON cp.id = sp.claim_payment_id AND cp.organization_id = %(org)s
    JOIN billing_claim c ON c.id = cp.claim_id AND c.organization_id = %(org)s
    WHERE sp.organization_id = %(org)s AND sp.charge_line_id IS NULL
      AND sp.claim_payment_id IN (SELECT id FROM {NEWLY_MATCHED_TABLE})
"""

MATCH_STORED_SERVICES = f"""
    UPDATE billing_servicepayment sp SET charge_line_id = m.line_id
    FROM ({line_match_sql(STORED_UNMATCHED_SERVICES)}) m
    WHERE sp.organization_id = %(org)s AND sp.id = m.service_id
"""


def match_unmatched_payments(*, organization_id: int) -> int:
    """Link stored claim payments that had no claim to the claims that now exist.

    For the bundle importer to call after claims arrive (inside
    ``tenant_context(organization_id)``): matches CLP01 to ``Claim.external_id``,
    then those payments' service lines to charge lines by the posting rule, then
    derives their denials. Returns how many claim payments were linked.
    """
    require_tenant(organization_id)
    params = {"org": organization_id}
    with transaction.atomic(), connection.cursor() as cursor:
        lock_out_bundle_imports(cursor, organization_id)
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {NEWLY_MATCHED_TABLE} (id bigint) ON COMMIT DROP"
        )
        cursor.execute(f"TRUNCATE {NEWLY_MATCHED_TABLE}")
        cursor.execute(LINK_UNMATCHED_CLAIMS, params)
        linked = cursor.rowcount
        if linked:
            cursor.execute(f"ANALYZE {NEWLY_MATCHED_TABLE}")
            cursor.execute(MATCH_STORED_SERVICES, params)
            denials.derive(cursor, organization_id, f"SELECT id FROM {NEWLY_MATCHED_TABLE}")
        return linked
