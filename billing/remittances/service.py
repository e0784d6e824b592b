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

import contextlib
import queue
import threading
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
from billing.remittances.tenancy import lock_out_bundle_imports, require_tenant
from billing.x12 import Transaction, X12ParseError, stream_835
from ptrevops.handoff import quick_gil_handoff

REASON_EARLIER_IMPORT = "earlier import"
REASON_REPEATED = "repeated in this file"

PaymentKey = tuple[str, str, Decimal, date | None]


class _Rollback(Exception):
    """Raised inside the savepoint to undo it after a parse error."""


class _Stopped(Exception):
    """Raised in the parsing thread when the posting gave up (database error)."""


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


@dataclass
class _Refill:
    """The parsing thread ran out of ids: the database thread fetches more."""

    pool: staging.IdPool
    done: threading.Event


@dataclass
class _End:
    warnings: list


# Batches handed from the parsing thread to the database thread and not yet
# flushed: one waiting while one is flushed and the next is built, so memory is
# bounded by about three batches.
QUEUED_BATCHES = 1
# The first batch is small so the server starts while the rest is parsed; each
# next one is RAMP times bigger, up to ``claims_per_batch``.
FIRST_BATCH_CLAIMS = 500
RAMP = 4
_POLL_SECONDS = 0.5


class _Poster:
    """State of one posting: the batch, the duplicate bookkeeping and the report.

    Two threads: the *parser* (``produce``, a worker thread) reads the file and
    builds batches of COPY text; the *poster* (``run``, the calling thread, which
    owns the database connection and the transaction) flushes them. While a batch
    is being written by the server, the parser builds the next one (psycopg
    releases the GIL while it waits), so parsing and SQL overlap on two cores.

    The parser touches no database: payers are loaded before it starts, ids come
    from pools the poster fills (``_Refill`` when one runs dry), and whatever it
    learns for the report is recorded on the batch (``events``) and applied by the
    poster in file order just before that batch's flush — the same order, and so
    the same report, as reading and flushing one after the other. A payment is
    found to be a duplicate of an earlier import only when the batch holding its
    header is flushed; the parser may meanwhile have put more of its claims (or
    its PLB) into the next batch, which that batch's flush drops
    (``posting.flush(known_duplicates=...)``).
    """

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
        self.claims_per_batch = claims_per_batch
        self.remittance_ids = staging.IdPool(cursor, "billing_remittance", 256)
        self.claim_ids = staging.IdPool(cursor, "billing_claimpayment", claims_per_batch)
        self.service_ids = staging.IdPool(cursor, "billing_servicepayment", 4 * claims_per_batch)
        self.pools = (self.remittance_ids, self.claim_ids, self.service_ids)
        self.batch = Batch(
            claim_ids=self.claim_ids,
            service_ids=self.service_ids,
            claims_per_batch=min(claims_per_batch, FIRST_BATCH_CLAIMS),
        )
        # Parser side.
        self.seen: set[PaymentKey] = set()
        self.current: _Current | None = None
        self.file_sequence = 0
        # Poster side.
        self.duplicate_ids: set[int] = set()
        self.queue: queue.Queue = queue.Queue(maxsize=QUEUED_BATCHES)
        self.stop = threading.Event()

    # -- the poster (calling thread) --------------------------------------------

    def run(self, reader) -> None:
        """Parse in a worker thread, flush here; re-raise the parser's errors."""
        self._top_up()
        for pool in self.pools:
            pool.request = self._request
        # A dozen statements per batch, each waiting for the GIL when it returned:
        # 50,000 claims took 3.9 s with the default interval, 3.5 s without the wait.
        with quick_gil_handoff():
            worker = threading.Thread(target=self.produce, args=(reader,), name="835-parser")
            worker.start()
            try:
                self._flush_all()
            finally:
                self.stop.set()
                worker.join()
                for pool in self.pools:
                    pool.request = None

    def _flush_all(self) -> None:
        while True:
            item = self.queue.get()
            if isinstance(item, Batch):
                self.flush(item)
                self._top_up()
            elif isinstance(item, _Refill):
                item.pool.refill()
                item.done.set()
            elif isinstance(item, _End):
                self.report.add_warnings(item.warnings, file_sequence=None)
                return
            else:
                raise item

    def _top_up(self) -> None:
        """Ids for the next batches, fetched between flushes so the parser, up to
        two batches ahead of the one being flushed, does not wait for them."""
        self.claim_ids.top_up(3 * self.claims_per_batch)
        self.service_ids.top_up(12 * self.claims_per_batch)
        self.remittance_ids.top_up(256)

    def flush(self, batch: Batch) -> None:
        self.apply(batch)
        if batch.empty:
            return
        result = posting.flush(
            self.cursor, self.raw_cursor, self.context, batch, self.duplicate_ids
        )
        for remittance_id in sorted(result.duplicate_ids):
            self.report.duplicates.append(batch.pending[remittance_id])
        self.duplicate_ids |= result.duplicate_ids
        self._count(result)
        if self.progress is not None:
            self.progress(self.report)

    def apply(self, batch: Batch) -> None:
        """What the parser read for this batch, as if it had just been read."""
        report = self.report
        report.transactions_read += batch.transactions_read
        report.claim_payments_read += batch.claims_read
        for event in batch.events:
            if event[0] == "repeated":
                report.duplicates.append(event[1])
            else:
                _, remittance_id, warnings, file_sequence = event
                if remittance_id not in self.duplicate_ids:
                    report.add_warnings(warnings, file_sequence=file_sequence)

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

    # -- the parser (worker thread) ---------------------------------------------

    def produce(self, reader) -> None:
        """Consume ``stream_835``: ``(transaction, claim)`` per claim, then
        ``(transaction, None)`` at its SE (the transaction object is shared)."""
        try:
            current_txn = None
            for txn, claim in reader:
                if txn is not current_txn:
                    current_txn = txn
                    self.start(txn)
                if claim is None:
                    self.finish(txn)
                    continue
                batch = self.batch
                batch.claims_read += 1
                current = self.current
                current.claims += 1
                if current.remittance_id is None:
                    continue
                batch.add_claim(current.remittance_id, claim, current.claims)
                if batch.full:
                    self._hand_off()
            self._hand_off()
            self._put(_End(reader.warnings))
        except _Stopped:
            pass
        except BaseException as exc:  # handed to the poster, which re-raises it
            with contextlib.suppress(_Stopped):
                self._put(exc)

    def start(self, txn: Transaction) -> None:
        batch = self.batch
        batch.transactions_read += 1
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
            batch.events.append(("repeated", entry))
            self.current = _Current(txn, None, self.file_sequence, entry)
            return
        self.seen.add(key)
        remittance_id = self.remittance_ids.take()
        entry.reason = REASON_EARLIER_IMPORT
        batch.pending[remittance_id] = entry
        batch.add_remittance(remittance_id, txn, payer, self.file_sequence)
        self.current = _Current(txn, remittance_id, self.file_sequence, entry)

    def finish(self, txn: Transaction) -> None:
        current = self.current
        current.entry.claims = txn.claim_count
        remittance_id = current.remittance_id
        if remittance_id is None:
            return
        # Kept unless the payment is a duplicate by the time this batch is flushed.
        self.batch.events.append(
            ("warnings", remittance_id, list(txn.warnings), current.file_sequence)
        )
        self.batch.finish_remittance(remittance_id, txn)

    def _hand_off(self) -> None:
        batch = self.batch
        self.batch = batch.next()
        self.batch.claims_per_batch = min(batch.claims_per_batch * RAMP, self.claims_per_batch)
        batch.seal()
        self._put(batch)

    def _put(self, item) -> None:
        while not self.stop.is_set():
            try:
                self.queue.put(item, timeout=_POLL_SECONDS)
                return
            except queue.Full:
                continue
        raise _Stopped

    def _request(self, pool: staging.IdPool) -> None:
        """``IdPool.request`` in the parser: ask the poster for ids and wait."""
        done = threading.Event()
        self._put(_Refill(pool, done))
        while not done.wait(_POLL_SECONDS):
            if self.stop.is_set():
                raise _Stopped


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
            lock_out_bundle_imports(cursor, organization_id)
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
