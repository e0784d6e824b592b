"""``post_835_file``: stream an 835 from the parser into the database in one transaction.

The loop reads the parser's stream mode (each claim as soon as it is complete,
paired with its transaction, then the transaction at its SE), so memory is bounded
by one batch whatever the file or transaction size. Each header is checked
against the payments already seen in this file (clearinghouses repeat ST..SE
loops) and resolved to a payer; claims of a duplicate are skipped. A batch is
flushed (``posting.flush``) when full and at the end.

Everything runs in one savepoint: an ``X12ParseError`` in the middle of the
file rolls back what earlier batches wrote and is reported, not raised, so the
import run can record where the file is broken. Database errors propagate.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import BinaryIO

from django.db import connection, transaction

from billing.remittances import posting, staging
from billing.remittances.batch import CLAIMS_PER_BATCH, Batch
from billing.remittances.payers import PayerDirectory
from billing.remittances.report import DuplicatePayment, RemittanceReport
from billing.remittances.tenancy import require_tenant
from billing.x12 import Transaction, X12ParseError, stream_835

REASON_EARLIER_IMPORT = "earlier import"
REASON_REPEATED = "repeated in this file"

PaymentKey = tuple[str, str, Decimal, date | None]


class _Rollback(Exception):
    """Raised inside the savepoint to undo it after a parse error."""


@dataclass
class _Current:
    """The transaction being read: its remittance id, or None when it is skipped."""

    txn: Transaction
    remittance_id: int | None
    file_sequence: int
    # Reported if the payment turns out to be a duplicate (its claim count is
    # filled when the transaction ends, whichever comes first).
    entry: DuplicatePayment
    claims: int = 0


class _Poster:
    """State of one posting: the batch, the duplicate bookkeeping and the report."""

    def __init__(
        self,
        cursor,
        context: posting.FileContext,
        report: RemittanceReport,
        progress: Callable[[RemittanceReport], None] | None,
        claims_per_batch: int,
    ) -> None:
        self.cursor = cursor
        self.raw_cursor = connection.connection.cursor()
        self.context = context
        self.report = report
        self.progress = progress
        self.payers = PayerDirectory(context.organization_id)
        self.remittance_ids = staging.IdPool(cursor, "billing_remittance", 64)
        self.batch = Batch(
            claim_ids=staging.IdPool(cursor, "billing_claimpayment", claims_per_batch),
            service_ids=staging.IdPool(cursor, "billing_servicepayment", 4 * claims_per_batch),
            claims_per_batch=claims_per_batch,
        )
        self.seen: set[PaymentKey] = set()
        # Remittances staged in the current batch: their duplicate entry, should
        # the database already hold the same payment.
        self.pending: dict[int, DuplicatePayment] = {}
        self.duplicate_ids: set[int] = set()
        self.current: _Current | None = None
        self.file_sequence = 0

    def run(self, reader) -> None:
        """Consume ``stream_835``: ``(transaction, claim)`` per claim, then
        ``(transaction, None)`` at its SE (the transaction object is shared)."""
        report = self.report
        batch = self.batch
        current_txn = None
        for txn, claim in reader:
            if txn is not current_txn:
                current_txn = txn
                self.start(txn)
            if claim is None:
                self.finish(txn)
                continue
            report.claim_payments_read += 1
            current = self.current
            current.claims += 1
            remittance_id = current.remittance_id
            if remittance_id is None or remittance_id in self.duplicate_ids:
                continue
            batch.add_claim(remittance_id, claim, current.claims)
            if batch.full:
                self.flush()
        self.flush()
        report.add_warnings(reader.warnings, file_sequence=None)

    def start(self, txn: Transaction) -> None:
        self.report.transactions_read += 1
        self.file_sequence += 1
        payer = self.payers.resolve(txn)
        key = (payer.identifier, txn.trace_number, txn.total_paid, txn.payment_date)
        entry = DuplicatePayment(
            payer_identifier=payer.identifier,
            trace_number=txn.trace_number,
            total_paid=txn.total_paid,
            payment_date=txn.payment_date,
            file_sequence=self.file_sequence,
            reason=REASON_REPEATED,
        )
        if key in self.seen:
            self.report.duplicates.append(entry)
            self.current = _Current(txn, None, self.file_sequence, entry)
            return
        self.seen.add(key)
        remittance_id = self.remittance_ids.take()
        entry.reason = REASON_EARLIER_IMPORT
        self.pending[remittance_id] = entry
        self.batch.add_remittance(remittance_id, txn, payer, self.file_sequence)
        self.current = _Current(txn, remittance_id, self.file_sequence, entry)

    def finish(self, txn: Transaction) -> None:
        current = self.current
        current.entry.claims = txn.claim_count
        remittance_id = current.remittance_id
        if remittance_id is None or remittance_id in self.duplicate_ids:
            return
        self.report.add_warnings(txn.warnings, file_sequence=current.file_sequence)
        self.batch.finish_remittance(remittance_id, txn)

    def flush(self) -> None:
        if self.batch.empty:
            return
        result = posting.flush(self.cursor, self.raw_cursor, self.context, self.batch)
        self.batch.reset()
        for remittance_id in sorted(result.duplicate_ids):
            self.report.duplicates.append(self.pending[remittance_id])
        self.duplicate_ids |= result.duplicate_ids
        self.pending = {}
        self._count(result)
        if self.progress is not None:
            self.progress(self.report)

    def _count(self, result: posting.FlushResult) -> None:
        report = self.report
        report.remittances_created += len(result.inserted_ids)
        report.claim_payments_posted += result.claim_payments
        report.claim_payments_matched += result.claim_payments_matched
        report.claim_payments_unmatched += result.claim_payments - result.claim_payments_matched
        report.service_payments_posted += result.service_payments
        report.service_payments_matched_by_ref += result.matched_by_ref
        report.service_payments_matched_by_fallback += result.matched_by_fallback
        report.service_payments_unmatched += (
            result.service_payments - result.matched_by_ref - result.matched_by_fallback
        )
        report.adjustments += result.adjustments
        report.provider_adjustments += result.provider_adjustments
        report.denials_created += result.denials
        timings = report.timings
        timings["copy"] = timings.get("copy", 0.0) + result.copy_seconds
        timings["sql"] = timings.get("sql", 0.0) + result.sql_seconds
        timings["denials"] = timings.get("denials", 0.0) + result.denial_seconds


def post_835_file(
    *,
    organization_id: int,
    fileobj: BinaryIO,
    filename: str,
    sha256: str = "",
    import_run_id: int | None = None,
    progress: Callable[[RemittanceReport], None] | None = None,
    claims_per_batch: int = CLAIMS_PER_BATCH,
) -> RemittanceReport:
    """Post every remittance of an 835 file to the organization, in one transaction.

    Must run inside ``tenant_context(organization_id)``. ``progress``, when given,
    is called with the report after every batch. Returns the report; when the
    file cannot be parsed, ``report.errors`` says where and nothing is stored.
    """
    require_tenant(organization_id)
    report = RemittanceReport(filename=filename, sha256=sha256)
    context = posting.FileContext(organization_id, filename[:255], sha256[:64], import_run_id)
    started = time.perf_counter()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            staging.prepare(cursor)
            poster = _Poster(cursor, context, report, progress, claims_per_batch)
            try:
                poster.run(stream_835(fileobj))
            except X12ParseError as exc:
                report.errors.append(str(exc))
                raise _Rollback from exc
    except _Rollback:
        report.discard_postings()
    total = time.perf_counter() - started
    timings = report.timings
    database = timings.get("copy", 0.0) + timings.get("sql", 0.0) + timings.get("denials", 0.0)
    timings["parse_and_stage"] = max(total - database, 0.0)
    timings["total"] = total
    return report
