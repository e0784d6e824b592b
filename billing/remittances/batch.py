"""Parser objects → staging rows, a bounded batch at a time.

Why COPY text lines built with f-strings: this is the hot loop of the import
(every CLP, SVC and CAS of the file passes through it), so it does nothing but
attribute reads, slicing to the column widths, escaping and ``list.append``.
Fields follow the column order of ``staging.STAGE_TABLES``.

What is stored for a service line is the *billed* procedure: when the payer
adjudicated a different code (SVC06/SVC07), the billed code, modifiers and units
are the original ones. That is what identifies the charge line, and storing it
lets ``match_unmatched_payments`` use exactly the same rule later.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from billing.remittances.copytext import NULL, esc, line, opt, text_array
from billing.remittances.payers import ResolvedPayer
from billing.remittances.report import warning_dict
from billing.remittances.staging import IdPool
from billing.x12 import ClaimPayment, Transaction, X12Warning

# Default bounds of one batch: enough rows for COPY and the set-based statements
# to amortise their round trips, few enough to keep memory flat.
CLAIMS_PER_BATCH = 5_000
ROWS_PER_BATCH = 60_000
# Warnings kept on one remittance row (the report counts them all).
MAX_REMITTANCE_WARNINGS = 200


def warnings_json(warnings: list[X12Warning]) -> str:
    kept = [warning_dict(w) for w in warnings[:MAX_REMITTANCE_WARNINGS]]
    if len(warnings) > MAX_REMITTANCE_WARNINGS:
        kept.append(
            {
                "code": "truncated",
                "message": f"{len(warnings) - MAX_REMITTANCE_WARNINGS} more warnings not stored",
                "segment_index": None,
                "line": None,
            }
        )
    return json.dumps(kept)


@dataclass
class Batch:
    """Rows waiting for the next flush, plus what the flush needs to report on them."""

    claim_ids: IdPool
    service_ids: IdPool
    claims_per_batch: int = CLAIMS_PER_BATCH
    rows_per_batch: int = ROWS_PER_BATCH
    # Header rows are lists so a transaction's final warnings can still be set
    # when it ends before the flush.
    remittances: dict[int, list] = field(default_factory=dict)
    # COPY text lines (``copytext.py``), in ``staging.STAGE_TABLES`` column order.
    claims: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    adjustments: list[str] = field(default_factory=list)
    provider_adjustments: list[str] = field(default_factory=list)
    late_warnings: list[str] = field(default_factory=list)
    rows: int = 0
    # Remittance ids the claim, PLB and late-warning rows belong to: the flush drops
    # the rows of those found to be duplicates by an earlier flush (the batch may
    # have been built while that flush ran; see ``service.py``).
    referenced: set[int] = field(default_factory=set)
    # What the parsing thread read for this batch, applied to the report in order
    # by the database thread before the flush (``service._Poster.apply``).
    pending: dict[int, Any] = field(default_factory=dict)
    events: list[tuple] = field(default_factory=list)
    claims_read: int = 0
    transactions_read: int = 0
    # staging table -> COPY data, set by ``seal`` once the batch is complete.
    copy_data: dict[str, bytes] | None = None

    @property
    def full(self) -> bool:
        return len(self.claims) >= self.claims_per_batch or self.rows >= self.rows_per_batch

    @property
    def empty(self) -> bool:
        return not (
            self.remittances or self.claims or self.provider_adjustments or self.late_warnings
        )

    def seal(self) -> dict[str, bytes]:
        """The batch's COPY data per staging table (non-empty ones, in load order).

        Done by the parsing thread when it hands the batch over, so the thread
        that talks to the database only sends bytes.
        """
        parts = [
            ("remit_stage_remittance", [line(row) for row in self.remittances.values()]),
            ("remit_stage_claim", self.claims),
            ("remit_stage_service", self.services),
            ("remit_stage_adjustment", self.adjustments),
            ("remit_stage_plb", self.provider_adjustments),
            ("remit_stage_warning", self.late_warnings),
        ]
        self.copy_data = {table: "".join(lines).encode() for table, lines in parts if lines}
        return self.copy_data

    def next(self) -> Batch:
        """An empty batch with the same id pools and bounds."""
        return Batch(
            claim_ids=self.claim_ids,
            service_ids=self.service_ids,
            claims_per_batch=self.claims_per_batch,
            rows_per_batch=self.rows_per_batch,
        )

    def add_remittance(
        self, remittance_id: int, txn: Transaction, payer: ResolvedPayer, file_sequence: int
    ) -> None:
        payee = txn.payee
        self.remittances[remittance_id] = [
            remittance_id,
            payer.payer_id,
            payer.identifier[:80],
            payer.candidates,
            txn.payer.name[:200],
            txn.trace_number[:80],
            txn.payment_date,
            txn.total_paid,
            txn.credit_debit[:1],
            txn.payment_method[:3],
            payee.name[:200],
            (payee.npi or "")[:10],
            file_sequence,
            "[]",
        ]
        self.rows += 1

    def finish_remittance(self, remittance_id: int, txn: Transaction) -> None:
        """The transaction's SE was read: its PLB entries and final warnings."""
        self.referenced.add(remittance_id)
        for plb in txn.provider_adjustments:
            self.provider_adjustments.append(
                line(
                    (
                        remittance_id,
                        plb.provider_id[:80],
                        plb.fiscal_period_date,
                        plb.code[:4],
                        plb.reference[:80],
                        plb.amount,
                    )
                )
            )
        self.rows += len(txn.provider_adjustments)
        if not txn.warnings:
            return
        payload = warnings_json(txn.warnings)
        header = self.remittances.get(remittance_id)
        if header is not None:
            header[-1] = payload
        else:
            self.late_warnings.append(line((remittance_id, payload)))
            self.rows += 1

    def add_claim(self, remittance_id: int, claim: ClaimPayment, sequence: int) -> None:
        claim_id = self.claim_ids.take()
        self.referenced.add(remittance_id)
        self.claims.append(
            f"{claim_id}\t{remittance_id}\t{esc(claim.patient_control_number[:64])}"
            f"\t{esc(claim.status_code[:2])}\t{claim.charge!s}\t{claim.paid!s}"
            f"\t{opt(claim.patient_responsibility)}"
            f"\t{esc(claim.payer_claim_control_number[:64])}\t{sequence}"
            f"\t{text_array([r[:8] for r in claim.remark_codes])}\n"
        )
        adjustments = self.adjustments
        rows = 1
        prefix = f"{remittance_id}\t{claim_id}\t"
        claim_prefix = prefix + NULL
        for adjustment in claim.adjustments:
            adjustments.append(
                f"{claim_prefix}\t{esc(adjustment.group[:2])}\t{esc(adjustment.carc[:5])}"
                f"\t{adjustment.amount!s}\t{opt(adjustment.quantity)}\n"
            )
            rows += 1
        take_service_id = self.service_ids.take
        services = self.services
        claim_date = claim.statement_from
        for svc in claim.services:
            service_id = take_service_id()
            if svc.original_procedure_code:
                code, modifiers = svc.original_procedure_code, svc.original_modifiers
                units = svc.original_units if svc.original_units is not None else svc.units
            else:
                code, modifiers, units = svc.procedure_code, svc.modifiers, svc.units
            service_date = svc.service_date_from or claim_date
            services.append(
                f"{service_id}\t{prefix}{esc(code[:8])}"
                f"\t{text_array([m[:2] for m in modifiers])}\t{svc.charge!s}\t{svc.paid!s}"
                f"\t{units!s}\t{esc(svc.line_item_control_number[:64])}"
                f"\t{NULL if service_date is None else service_date!s}"
                f"\t{opt(svc.allowed_amount)}\t{text_array([r[:8] for r in svc.remark_codes])}\n"
            )
            rows += 1
            line_prefix = f"{prefix}{service_id}"
            for adjustment in svc.adjustments:
                adjustments.append(
                    f"{line_prefix}\t{esc(adjustment.group[:2])}\t{esc(adjustment.carc[:5])}"
                    f"\t{adjustment.amount!s}\t{opt(adjustment.quantity)}\n"
                )
                rows += 1
        self.rows += rows
