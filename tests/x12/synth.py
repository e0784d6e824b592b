"""Deterministic synthetic 835s for speed, memory and separator tests.

Why generated: the public samples are tiny, and a speed check needs tens of
thousands of typical physical-therapy claims (1 CLP with patient and rendering
provider, 2–4 timed-code SVC lines, each with a date, CAS, a line item control
number and an allowed amount). The files balance by construction, so any
warning is a parser bug. ``synthetic_835`` yields the file claim by claim and
``GeneratedFile`` wraps it as a read-only binary file, so a file of any size
can be parsed without ever existing in memory.
"""

from __future__ import annotations

import io
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

PT_CODES = ["97110", "97112", "97140", "97530", "97116", "97161", "97162", "97035", "G0283"]
MODIFIERS = [[], ["GP"], ["GP", "59"], ["GP", "KX"], ["GP", "CQ"]]


@dataclass
class Expected:
    """What a correct parser must find in the generated file."""

    claims: int = 0
    services: int = 0
    transactions: int = 0
    total_paid: Decimal = Decimal(0)
    patient_control_numbers: list[str] = field(default_factory=list)


def _claim(rng: random.Random, number: int, seg, component: str) -> tuple[list[str], Decimal, int]:
    """One claim's segments, its paid amount and its number of service lines."""
    lines: list[str] = []
    charge_total = paid_total = patient_total = Decimal(0)
    count = rng.randint(2, 4)
    for line_no in range(count):
        units = rng.randint(1, 4)
        charge = Decimal(rng.randint(40, 90) * units)
        allowed = (charge * Decimal("0.6")).quantize(Decimal("0.01"))
        copay = Decimal(rng.choice([0, 0, 10, 20]))
        paid = allowed - copay
        code = component.join(["HC", rng.choice(PT_CODES), *rng.choice(MODIFIERS)])
        lines.append(seg("SVC", code, str(charge), str(paid), "", str(units)))
        lines.append(seg("DTM", "472", "20260105"))
        lines.append(seg("CAS", "CO", "45", str(charge - allowed)))
        if copay:
            lines.append(seg("CAS", "PR", "3", str(copay)))
        lines.append(seg("REF", "6R", f"L{number:07d}{line_no}"))
        lines.append(seg("AMT", "B6", str(allowed)))
        charge_total += charge
        paid_total += paid
        patient_total += copay
    head = [
        seg("CLP", f"C{number:08d}", "1", str(charge_total), str(paid_total), str(patient_total),
            "12", f"PCN{number:010d}", "11", "1"),
        seg("NM1", "QC", "1", "DOE", "JANE", "Q", "", "", "MI", f"M{number:09d}"),
        seg("NM1", "82", "1", "SMITH", "PAT", "", "", "", "XX", "1234567893"),
        seg("DTM", "232", "20260105"),
        seg("DTM", "233", "20260105"),
    ]  # fmt: skip
    return head + lines, paid_total, count


def synthetic_835(
    claims: int,
    *,
    claims_per_transaction: int = 500,
    element: str = "*",
    component: str = ":",
    repetition: str = "^",
    terminator: str = "~",
    newline: str = "\n",
    seed: int = 835,
    control_number: str = "000000123",
    expected: Expected | None = None,
) -> Iterator[bytes]:
    """Yield an 835 interchange with ``claims`` balanced claims, claim by claim."""
    # Without an Expected to fill, keep nothing: memory tests stream large files.
    expected = expected if expected is not None else Expected(patient_control_numbers=None)
    end = terminator + newline

    def seg(*elements: str) -> str:
        return element.join(elements) + end

    yield (
        seg("ISA", "00", " " * 10, "00", " " * 10, "ZZ", "PAYERSENDER    ", "ZZ",
            "PTCLINICRCV    ", "260115", "0930", repetition, "00501", control_number, "0",
            "P", component)
        + seg("GS", "HP", "PAYERSENDER", "PTCLINICRCV", "20260115", "0930", "77", "X",
              "005010X221A1")
    ).encode()  # fmt: skip
    rng = random.Random(seed)
    transactions = (claims + claims_per_transaction - 1) // claims_per_transaction
    first = 1
    for t in range(1, transactions + 1):
        count = min(claims_per_transaction, claims - first + 1)
        # BPR02 comes before the claims: add them up in a first pass with the
        # same random state, then generate them again to hand them out.
        state = rng.getstate()
        total = sum((_claim(rng, n, seg, component)[1] for n in range(first, first + count)),
                    Decimal(0))  # fmt: skip
        rng.setstate(state)
        header = [
            seg("ST", "835", f"{t:04d}"),
            seg("BPR", "I", str(total), "C", "ACH", "CCP", "01", "011000015", "DA", "1234",
                "1512345678", "", "01", "021000021", "DA", "5678", "20260115"),
            seg("TRN", "1", f"EFT{t:09d}", "1512345678"),
            seg("DTM", "405", "20260114"),
            seg("N1", "PR", "ACME HEALTH PLAN", "XV", "ACME01"),
            seg("REF", "2U", "ACME01"),
            seg("N1", "PE", "SUNRISE PHYSICAL THERAPY", "XX", "1234567893"),
            seg("REF", "TJ", "123456789"),
            seg("LX", "1"),
        ]  # fmt: skip
        segments = len(header)
        yield "".join(header).encode()
        for number in range(first, first + count):
            claim, _, services = _claim(rng, number, seg, component)
            segments += len(claim)
            expected.claims += 1
            expected.services += services
            if expected.patient_control_numbers is not None:
                expected.patient_control_numbers.append(f"C{number:08d}")
            yield "".join(claim).encode()
        yield seg("SE", str(segments + 1), f"{t:04d}").encode()
        expected.transactions += 1
        expected.total_paid += total
        first += count
    yield (seg("GE", str(transactions), "77") + seg("IEA", "1", control_number)).encode()


def synthetic_bytes(claims: int, **kwargs) -> bytes:
    """The whole synthetic file as bytes (for small and medium sizes)."""
    return b"".join(synthetic_835(claims, **kwargs))


class GeneratedFile(io.RawIOBase):
    """A read-only binary file whose bytes are produced on demand.

    Records the size of every ``read`` so tests can check that the parser
    reads in chunks and never asks for the whole file.
    """

    def __init__(self, pieces: Iterator[bytes]) -> None:
        super().__init__()
        self._pieces = pieces
        self._buffer = b""
        self.read_sizes: list[int] = []

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        self.read_sizes.append(size)
        while size < 0 or len(self._buffer) < size:
            piece = next(self._pieces, None)
            if piece is None:
                break
            self._buffer += piece
        if size < 0:
            data, self._buffer = self._buffer, b""
        else:
            data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data
