"""What one 835 posting did, for the import run page, the API and the logs.

Why a dataclass with ``as_dict``: the import task stores the report as JSON on
the import run and the benchmark prints it, so every field must serialise
without Django (money as strings with their written precision, dates as ISO).
The warning list is capped: a 1 GB file that does not balance anywhere would
otherwise carry millions of warnings in memory and in the run's JSON; the total
is still counted.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from billing.x12 import X12Warning

# The most warnings one report keeps (the rest are only counted).
MAX_REPORT_WARNINGS = 1_000


@dataclass(slots=True)
class DuplicatePayment:
    """A transaction that was not posted because the same payment is already stored.

    ``reason`` is ``"earlier import"`` (a remittance with the same payer, trace,
    amount and date from another file or layout) or ``"repeated in this file"``
    (clearinghouses resend the same ST..SE within one interchange).
    """

    payer_identifier: str
    trace_number: str
    total_paid: Decimal
    payment_date: date | None
    file_sequence: int
    reason: str
    claims: int = 0


@dataclass
class RemittanceReport:
    """Counts, duplicates, warnings, errors and timings of one ``post_835_file`` call.

    When ``errors`` is not empty nothing was stored (the posting is one
    transaction), and the ``*_posted``/``*_created`` counts are reset to zero.
    """

    filename: str = ""
    sha256: str = ""
    transactions_read: int = 0
    remittances_created: int = 0
    duplicates: list[DuplicatePayment] = field(default_factory=list)
    claim_payments_read: int = 0
    claim_payments_posted: int = 0
    claim_payments_matched: int = 0
    claim_payments_unmatched: int = 0
    service_payments_posted: int = 0
    service_payments_matched_by_ref: int = 0
    service_payments_matched_by_fallback: int = 0
    service_payments_unmatched: int = 0
    adjustments: int = 0
    provider_adjustments: int = 0
    denials_created: int = 0
    warnings: list[dict[str, Any]] = field(default_factory=list)
    warnings_total: int = 0
    errors: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def duplicates_skipped(self) -> int:
        return len(self.duplicates)

    def add_warnings(self, warnings: list[X12Warning], *, file_sequence: int | None) -> None:
        """Keep the first ``MAX_REPORT_WARNINGS`` warnings, count them all."""
        self.warnings_total += len(warnings)
        room = MAX_REPORT_WARNINGS - len(self.warnings)
        for warning in warnings[: max(room, 0)]:
            entry = warning_dict(warning)
            entry["transaction"] = file_sequence
            self.warnings.append(entry)

    def discard_postings(self) -> None:
        """Zero what was written: called when the transaction was rolled back."""
        self.remittances_created = 0
        self.claim_payments_posted = 0
        self.claim_payments_matched = 0
        self.claim_payments_unmatched = 0
        self.service_payments_posted = 0
        self.service_payments_matched_by_ref = 0
        self.service_payments_matched_by_fallback = 0
        self.service_payments_unmatched = 0
        self.adjustments = 0
        self.provider_adjustments = 0
        self.denials_created = 0

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["duplicates_skipped"] = self.duplicates_skipped
        data["ok"] = self.ok
        data["duplicates"] = [
            {
                **asdict(duplicate),
                "total_paid": str(duplicate.total_paid),
                "payment_date": (
                    duplicate.payment_date.isoformat() if duplicate.payment_date else None
                ),
            }
            for duplicate in self.duplicates
        ]
        return data


def warning_dict(warning: X12Warning) -> dict[str, Any]:
    """A parser warning as JSON, position included (stored on the remittance too)."""
    return {
        "code": warning.code,
        "message": warning.message,
        "segment_index": warning.segment_index,
        "line": warning.line,
    }
