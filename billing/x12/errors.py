"""Errors and warnings raised or collected while reading an 835.

The import pipeline treats the two very differently: an ``X12ParseError`` means
the file cannot be trusted at all (a failed import run commits nothing), while an
``X12Warning`` describes a remittance that real payers do send — it does not
balance, its envelope is missing, its version is old — and that must still be
imported and shown to a biller. Both carry the position (segment index and line)
so the import run can say *where* in the file the problem is.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["X12ParseError", "X12Warning", "WarningCode"]


class X12ParseError(ValueError):
    """The input cannot be read as an 835: not X12, truncated, malformed numbers.

    ``segment_index`` is the 1-based ordinal of the offending segment in the file
    (counting every segment, envelope included), ``line`` the 1-based line it
    starts on and ``segment_id`` its id (``"CLP"``), each ``None`` when unknown
    (for example an empty file).
    """

    def __init__(
        self,
        message: str,
        segment_index: int | None = None,
        line: int | None = None,
        segment_id: str | None = None,
    ) -> None:
        self.message = message
        self.segment_index = segment_index
        self.line = line
        self.segment_id = segment_id
        super().__init__(message, segment_index, line, segment_id)

    def __str__(self) -> str:
        where = []
        if self.segment_id:
            where.append(self.segment_id)
        if self.segment_index is not None:
            where.append(f"segment {self.segment_index}")
        if self.line is not None:
            where.append(f"line {self.line}")
        return f"{self.message} ({', '.join(where)})" if where else self.message


@dataclass(frozen=True, slots=True)
class X12Warning:
    """Something a biller should know about a remittance that was still imported.

    ``code`` is one of the ``WarningCode`` constants (stable, for filtering and
    tests); ``message`` is human readable and, for balancing failures, names the
    amounts involved.
    """

    code: str
    message: str
    segment_index: int | None = None
    line: int | None = None

    def __str__(self) -> str:
        if self.segment_index is None:
            return f"[{self.code}] {self.message}"
        return f"[{self.code}] {self.message} (segment {self.segment_index}, line {self.line})"


class WarningCode:
    """The warning codes the parser emits, as constants to avoid typos."""

    # Envelope and version.
    MISSING_ENVELOPE = "missing-envelope"
    OLD_VERSION = "old-version"
    UNKNOWN_VERSION = "unknown-version"
    ISA_LENGTH = "isa-length"
    LEADING_TERMINATOR = "leading-terminator"
    SE_COUNT = "se-count"
    SE_CONTROL_NUMBER = "se-control-number"
    GE_COUNT = "ge-count"
    GE_CONTROL_NUMBER = "ge-control-number"
    IEA_COUNT = "iea-count"
    IEA_CONTROL_NUMBER = "iea-control-number"
    # Content that is skipped or defaulted rather than rejected.
    UNKNOWN_SEGMENT = "unknown-segment"
    MISSING_AMOUNT = "missing-amount"
    INVALID_CAS_GROUP = "invalid-cas-group"
    PLB_MISSING_AMOUNT = "plb-missing-amount"
    BAD_DATE = "bad-date"
    EXTRA_PAYEE = "extra-payee"
    # Balancing (see balancing.py).
    TRANSACTION_UNBALANCED = "transaction-unbalanced"
    CLAIM_UNBALANCED = "claim-unbalanced"
    CLAIM_LINES_UNBALANCED = "claim-lines-unbalanced"
    SERVICE_UNBALANCED = "service-unbalanced"
