"""One batch from the staging tables into the real tables, set-based.

Order of a flush, each step one statement with ``organization_id`` bound:

1. ``COPY`` the batch into the staging tables (``staging.py``);
2. insert the remittances that are not already stored (same payer identifier,
   trace, amount and date) and learn which were duplicates from ``RETURNING``;
   drop the staged rows of those duplicates;
3. resolve CLP01 → claim in the staging table (``matching.py``), so each real
   row is written once, complete;
4. ``INSERT … SELECT`` claim payments, service payments (matched to charge lines
   in the same statement, ``matching.py``), adjustments, PLB entries; set the
   late warnings;
5. derive the denials of this batch's matched claim payments (``denials.py``).

Duplicates are checked before inserting rather than caught as IntegrityError:
a failed statement would abort the whole posting transaction. ``ON CONFLICT DO
NOTHING`` is only the safety net for a concurrent import of the same file.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from billing.remittances import denials, matching, staging
from billing.remittances.batch import Batch

INSERT_REMITTANCES = """
    INSERT INTO billing_remittance (
        id, organization_id, payer_id, payer_identifier, payer_name, trace_number,
        payment_date, total_paid, credit_debit, payment_method, payee_name, payee_npi,
        source_file, source_sha256, file_sequence, import_run_id, warnings, imported_at)
    SELECT s.id, %(org)s, s.payer_id, s.payer_identifier, s.payer_name, s.trace_number,
           s.payment_date, s.total_paid, s.credit_debit, s.payment_method, s.payee_name,
           s.payee_npi, %(source_file)s, %(source_sha256)s, s.file_sequence, %(import_run_id)s,
           s.warnings, now()
    FROM remit_stage_remittance s
    WHERE NOT EXISTS (
        SELECT 1 FROM billing_remittance r
        WHERE r.organization_id = %(org)s
          AND r.payer_identifier = ANY(s.identifier_candidates || s.payer_identifier)
          AND r.trace_number = s.trace_number
          AND r.total_paid = s.total_paid
          AND r.payment_date IS NOT DISTINCT FROM s.payment_date)
    ORDER BY s.file_sequence
    ON CONFLICT DO NOTHING
    RETURNING id
"""

DISCARD_DUPLICATES = [
    "DELETE FROM remit_stage_claim WHERE remittance_id = ANY(%(ids)s)",
    "DELETE FROM remit_stage_service WHERE remittance_id = ANY(%(ids)s)",
    "DELETE FROM remit_stage_adjustment WHERE remittance_id = ANY(%(ids)s)",
    "DELETE FROM remit_stage_plb WHERE remittance_id = ANY(%(ids)s)",
    "DELETE FROM remit_stage_warning WHERE id = ANY(%(ids)s)",
]

# analytics.rollups.triggers.CHILD_MARKS_SETTING (billing must not import analytics).
CHILD_MARKS_SETTING = "ptrevops.rollup_days_marked_by_claim_payments"

INSERT_CLAIM_PAYMENTS = """
    INSERT INTO billing_claimpayment (
        id, organization_id, remittance_id, claim_id, patient_control_number, status_code,
        charge_amount, paid_amount, patient_responsibility, payer_claim_control_number,
        sequence, remark_codes)
    SELECT id, %(org)s, remittance_id, claim_id, patient_control_number, status_code,
           charge_amount, paid_amount, patient_responsibility, payer_claim_control_number,
           sequence, remark_codes
    FROM remit_stage_claim
"""

# Matched to charge lines in the same statement (no UPDATE of the staged rows first);
# returns (claim payments matched, service payments, matched by REF*6R, by fallback).
INSERT_SERVICE_PAYMENTS = f"""
    WITH matched AS MATERIALIZED ({matching.STAGED_SERVICE_MATCHES}),
    posted AS (
        INSERT INTO billing_servicepayment (
            id, organization_id, claim_payment_id, charge_line_id, cpt_code, modifiers,
            charge_amount, paid_amount, units, line_item_control_number, service_date,
            allowed_amount, remark_codes)
        SELECT s.id, %(org)s, s.claim_payment_id, m.line_id, s.cpt_code, s.modifiers,
               s.charge_amount, s.paid_amount, s.units, s.line_item_control_number,
               s.service_date, s.allowed_amount, s.remark_codes
        FROM remit_stage_service s
        LEFT JOIN matched m ON m.service_id = s.id
        RETURNING 1
    )
    SELECT (SELECT count(claim_id) FROM remit_stage_claim),
           (SELECT count(*) FROM posted),
           count(*) FILTER (WHERE m.how = 'ref'),
           count(*) FILTER (WHERE m.how = 'fallback')
    FROM matched m
"""

INSERT_ADJUSTMENTS = """
    INSERT INTO billing_adjustment (
        organization_id, claim_payment_id, service_payment_id, group_code, reason_code,
        amount, quantity)
    SELECT %(org)s, claim_payment_id, service_payment_id, group_code, reason_code,
           amount, quantity
    FROM remit_stage_adjustment
"""

INSERT_PROVIDER_ADJUSTMENTS = """
    INSERT INTO billing_provideradjustment (
        organization_id, remittance_id, provider_identifier, fiscal_period_date,
        reason_code, reference, amount)
    SELECT %(org)s, remittance_id, provider_identifier, fiscal_period_date, reason_code,
           reference, amount
    FROM remit_stage_plb
"""

UPDATE_LATE_WARNINGS = """
    UPDATE billing_remittance r SET warnings = s.warnings
    FROM remit_stage_warning s
    WHERE r.organization_id = %(org)s AND r.id = s.id
"""

CLAIMS_MATCHED = "SELECT count(claim_id) FROM remit_stage_claim"

# Only these claim payments can yield a denial: matched, and denied or paid 0
# somewhere (a line paid 0 is enough for a line-level denial).
DENIAL_CANDIDATES = """
    SELECT c.id FROM remit_stage_claim c
    WHERE c.claim_id IS NOT NULL
      AND (c.status_code = '4' OR c.paid_amount = 0 OR EXISTS (
              SELECT 1 FROM remit_stage_service s
              WHERE s.claim_payment_id = c.id AND s.paid_amount = 0))
"""


@dataclass
class FlushResult:
    """What one flush wrote; ``duplicate_ids`` are staged remittances not inserted."""

    inserted_ids: set[int] = field(default_factory=set)
    duplicate_ids: set[int] = field(default_factory=set)
    claim_payments: int = 0
    claim_payments_matched: int = 0
    service_payments: int = 0
    matched_by_ref: int = 0
    matched_by_fallback: int = 0
    adjustments: int = 0
    provider_adjustments: int = 0
    denials: int = 0
    copy_seconds: float = 0.0
    sql_seconds: float = 0.0
    denial_seconds: float = 0.0


@dataclass(frozen=True)
class FileContext:
    organization_id: int
    source_file: str
    source_sha256: str
    import_run_id: int | None


def flush(
    cursor, raw_cursor, context: FileContext, batch: Batch, known_duplicates: set[int] = frozenset()
) -> FlushResult:
    """Write ``batch`` to the real tables and empty the staging tables again.

    ``known_duplicates``: remittance ids an earlier flush found to be duplicates;
    rows of this batch that belong to them are dropped with this batch's own.
    """
    result = FlushResult()
    params = {
        "org": context.organization_id,
        "source_file": context.source_file,
        "source_sha256": context.source_sha256,
        "import_run_id": context.import_run_id,
    }
    started = time.perf_counter()
    _copy(raw_cursor, batch)
    copied = time.perf_counter()
    result.copy_seconds = copied - started

    if batch.remittances:
        cursor.execute(INSERT_REMITTANCES, params)
        result.inserted_ids = {row[0] for row in cursor.fetchall()}
        result.duplicate_ids = set(batch.remittances) - result.inserted_ids
    discard = result.duplicate_ids | (batch.referenced & known_duplicates)
    if discard:
        ids = {"ids": sorted(discard)}
        for statement in DISCARD_DUPLICATES:
            cursor.execute(statement, ids)

    if batch.claims:
        cursor.execute(matching.RESOLVE_STAGED_CLAIMS, params)
        cursor.execute(INSERT_CLAIM_PAYMENTS, params)
        result.claim_payments = cursor.rowcount
        # The claim payments' insert trigger has marked the rollup days these lines
        # and CAS touch (their claims' visits and adjudications): their own insert
        # triggers skip the same joins (analytics.rollups.triggers).
        cursor.execute(f"SELECT set_config('{CHILD_MARKS_SETTING}', 'on', true)")
        if batch.services:
            cursor.execute(INSERT_SERVICE_PAYMENTS, params)
            (
                result.claim_payments_matched,
                result.service_payments,
                result.matched_by_ref,
                result.matched_by_fallback,
            ) = cursor.fetchone()
        else:
            cursor.execute(CLAIMS_MATCHED)
            result.claim_payments_matched = cursor.fetchone()[0]
        if batch.adjustments:
            cursor.execute(INSERT_ADJUSTMENTS, params)
            result.adjustments = cursor.rowcount
        cursor.execute(f"SELECT set_config('{CHILD_MARKS_SETTING}', 'off', true)")
    if batch.provider_adjustments:
        cursor.execute(INSERT_PROVIDER_ADJUSTMENTS, params)
        result.provider_adjustments = cursor.rowcount
    if batch.late_warnings:
        cursor.execute(UPDATE_LATE_WARNINGS, params)
    written = time.perf_counter()
    result.sql_seconds = written - copied

    if result.claim_payments_matched:
        result.denials = denials.derive(cursor, context.organization_id, DENIAL_CANDIDATES)
    staging.clear(cursor)
    result.denial_seconds = time.perf_counter() - written
    return result


def _copy(raw_cursor, batch: Batch) -> list[str]:
    """COPY every non-empty part of the batch; returns the staging tables written."""
    data = batch.copy_data if batch.copy_data is not None else batch.seal()
    for table, payload in data.items():
        staging.copy_text(raw_cursor, table, payload)
    return list(data)
