"""The entry point: ``parse_835(fileobj)`` wires tokenizer → builder → caller.

Why a reader object rather than a bare generator: warnings that belong to no
single transaction (a wrong GE/IEA count, a missing envelope) are only known as
the file is read, and the caller needs somewhere to find them once iteration
ends — ``reader.warnings``. The reader is still a plain iterator, so
``for txn in parse_835(f)`` is all most callers write.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import BinaryIO

from billing.x12.builder import RemittanceBuilder
from billing.x12.errors import X12ParseError, X12Warning
from billing.x12.model import ClaimPayment, Transaction
from billing.x12.tokenizer import DEFAULT_CHUNK_SIZE, SegmentTokenizer

__all__ = ["Remittance835Reader", "parse_835", "stream_835"]


class Remittance835Reader:
    """Iterate over the 835 transactions of a binary file object.

    ``stream=False`` (default): yields each ``Transaction`` with its claims once
    its SE is read; memory is bounded by the largest transaction.

    ``stream=True``: yields ``(transaction, claim)`` for each claim as soon as
    it is finished, then ``(transaction, None)`` once the transaction's SE is
    read (PLB, counts and warnings filled; ``claims`` left empty). The header
    fields (BPR, TRN, payer, payee) are always set by the first claim; the
    transaction object is shared and completed as reading goes on, so treat
    ``(transaction, None)`` as its end. Memory stays flat however large a
    single transaction is.

    ``warnings`` holds the warnings that belong to the file rather than to one
    transaction (envelope trailers, and envelope problems the transactions also
    inherit); it is complete once iteration has finished. Errors raise
    ``X12ParseError`` from the iteration, after every item completed before
    the problem has been handed out (the importer still rolls the run back).
    """

    def __init__(
        self,
        fileobj: BinaryIO | bytes | bytearray | memoryview,
        *,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        stream: bool = False,
    ) -> None:
        if isinstance(fileobj, bytes | bytearray | memoryview):
            fileobj = io.BytesIO(bytes(fileobj))
        self._tokenizer = SegmentTokenizer(fileobj, chunk_size=chunk_size)
        self._builder = RemittanceBuilder(stream=stream, pending=self._tokenizer.warnings)
        self.warnings: list[X12Warning] = self._builder.warnings
        self._items: Iterator | None = None

    @property
    def segment_count(self) -> int:
        """Segments read so far (all of them once iteration has finished)."""
        return self._tokenizer.segment_count

    def __iter__(self) -> Remittance835Reader:
        return self

    def __next__(self) -> Transaction | tuple[Transaction, ClaimPayment | None]:
        if self._items is None:
            self._items = self._run()
        return next(self._items)

    def _run(self) -> Iterator:
        builder = self._builder
        tokenizer = self._tokenizer
        try:
            for _ in tokenizer.pump(builder.handlers, builder.unknown):
                if builder.out:
                    done, builder.out = builder.out, []
                    yield from done
            builder.finish(tokenizer.segment_count, tokenizer.last_line)
        except X12ParseError:
            # Hand out what was complete before the problem, then raise.
            done, builder.out = builder.out, []
            yield from done
            raise
        if builder.out:
            done, builder.out = builder.out, []
            yield from done


def parse_835(
    fileobj: BinaryIO | bytes | bytearray | memoryview,
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> Remittance835Reader:
    """Read an 835 (005010X221A1, also 004010X091A1) from a binary file object.

    Returns an iterator of ``Transaction`` (one per ST..SE, claims included);
    file-level warnings are on the returned reader's ``warnings``.
    """
    return Remittance835Reader(fileobj, chunk_size=chunk_size)


def stream_835(
    fileobj: BinaryIO | bytes | bytearray | memoryview,
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> Remittance835Reader:
    """Like ``parse_835`` but yields ``(transaction, claim)`` pairs as claims
    finish and ``(transaction, None)`` at each SE (see the reader)."""
    return Remittance835Reader(fileobj, chunk_size=chunk_size, stream=True)
