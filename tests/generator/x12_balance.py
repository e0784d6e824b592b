"""A small, independent 835 reader for the generator's tests.

Deliberately written from the X12 rules, not from the generator's code: separators come
from the ISA, amounts are parsed with ``Decimal``, and the three balancing rules of the
005010X221A1 guide are checked:

* per service line: SVC02 - sum(line CAS amounts) = SVC03
* per claim: CLP03 - sum(claim and line CAS amounts) = CLP04
* per transaction: BPR02 = sum(CLP04) - sum(PLB amounts), and SE01 = segment count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path


@dataclass
class Claim:
    claim_id: str
    status: str
    billed: Decimal
    paid: Decimal
    patient_responsibility: Decimal
    adjustments: list[tuple[str, str, Decimal]] = field(default_factory=list)  # claim level
    lines: list[dict] = field(default_factory=list)
    payer_code: str = ""
    payment_date: str = ""


@dataclass
class Transaction:
    payment: Decimal
    payment_date: str
    payer_code: str
    payer_ref: str
    payee_npi: str
    claims: list[Claim] = field(default_factory=list)
    provider_adjustments: list[tuple[str, Decimal]] = field(default_factory=list)
    segment_count: int = 0
    declared_segments: int = 0


def _segments(text: str) -> tuple[list[list[str]], str]:
    element = text[3]
    component = text[104]
    terminator = text[105]
    segments = []
    for raw in text.split(terminator):
        raw = raw.strip()
        if raw:
            segments.append(raw.split(element))
    return segments, component


def _adjustments(segment: list[str]) -> list[tuple[str, str, Decimal]]:
    group = segment[1]
    found = []
    for position in range(2, len(segment), 3):
        reason = segment[position]
        if not reason:
            continue
        found.append((group, reason, Decimal(segment[position + 1])))
    return found


def read_transactions(path: Path) -> list[Transaction]:
    segments, component = _segments(path.read_text(encoding="ascii"))
    transactions: list[Transaction] = []
    current: Transaction | None = None
    claim: Claim | None = None
    line: dict | None = None
    for segment in segments:
        tag = segment[0]
        if current is not None:
            current.segment_count += 1
        if tag == "ST":
            current = Transaction(Decimal(0), "", "", "", "")
            current.segment_count = 1
            claim = line = None
        elif tag == "BPR":
            current.payment = Decimal(segment[2])
            current.payment_date = segment[16]
        elif tag == "N1" and segment[1] == "PR":
            current.payer_code = segment[4] if len(segment) > 4 else ""
        elif tag == "REF" and segment[1] == "2U":
            current.payer_ref = segment[2]
        elif tag == "N1" and segment[1] == "PE":
            current.payee_npi = segment[4]
        elif tag == "CLP":
            claim = Claim(
                segment[1],
                segment[2],
                Decimal(segment[3]),
                Decimal(segment[4]),
                Decimal(segment[5] or "0"),
            )
            claim.payer_code = current.payer_code
            claim.payment_date = current.payment_date
            current.claims.append(claim)
            line = None
        elif tag == "CAS":
            if line is not None:
                line["adjustments"] += _adjustments(segment)
            elif claim is not None:
                claim.adjustments += _adjustments(segment)
        elif tag == "SVC":
            composite = segment[1].split(component)
            line = {
                "qualifier": composite[0],
                "cpt": composite[1],
                "modifiers": composite[2:],
                "billed": Decimal(segment[2]),
                "paid": Decimal(segment[3]),
                "units": segment[5] if len(segment) > 5 else "",
                "adjustments": [],
                "charge_id": "",
                "remarks": [],
                "dos": "",
            }
            claim.lines.append(line)
        elif tag == "DTM" and segment[1] == "472" and line is not None:
            line["dos"] = segment[2]
        elif tag == "REF" and segment[1] == "6R" and line is not None:
            line["charge_id"] = segment[2]
        elif tag == "LQ" and line is not None:
            line["remarks"].append(segment[2])
        elif tag == "PLB":
            for position in range(3, len(segment), 2):
                if segment[position]:
                    current.provider_adjustments.append(
                        (segment[position], Decimal(segment[position + 1]))
                    )
        elif tag == "SE":
            current.declared_segments = int(segment[1])
            transactions.append(current)
            current = None
    return transactions


def balance_problems(path: Path) -> list[str]:
    """Every balancing rule broken in the file, as readable messages (empty when clean)."""
    problems = []
    for transaction in read_transactions(path):
        if transaction.segment_count != transaction.declared_segments:
            problems.append(
                f"{path.name}: SE01 {transaction.declared_segments} != "
                f"{transaction.segment_count} segments"
            )
        paid = sum((claim.paid for claim in transaction.claims), Decimal(0))
        provider = sum((amount for _, amount in transaction.provider_adjustments), Decimal(0))
        if transaction.payment != paid - provider:
            problems.append(f"{path.name}: BPR02 {transaction.payment} != {paid} - {provider}")
        if transaction.payment < 0:
            problems.append(f"{path.name}: negative BPR02 {transaction.payment}")
        for claim in transaction.claims:
            adjusted = sum((amount for _, _, amount in claim.adjustments), Decimal(0))
            for line in claim.lines:
                line_adjusted = sum((amount for _, _, amount in line["adjustments"]), Decimal(0))
                if line["billed"] - line_adjusted != line["paid"]:
                    problems.append(
                        f"{path.name}: {claim.claim_id} {line['charge_id']} SVC "
                        f"{line['billed']} - {line_adjusted} != {line['paid']}"
                    )
                adjusted += line_adjusted
            if claim.billed - adjusted != claim.paid:
                problems.append(
                    f"{path.name}: {claim.claim_id} CLP {claim.billed} - {adjusted} != {claim.paid}"
                )
            patient = sum(
                (amount for group, _, amount in claim.adjustments if group == "PR"), Decimal(0)
            ) + sum(
                (a for line in claim.lines for group, _, a in line["adjustments"] if group == "PR"),
                Decimal(0),
            )
            if patient != claim.patient_responsibility:
                problems.append(
                    f"{path.name}: {claim.claim_id} CLP05 "
                    f"{claim.patient_responsibility} != {patient}"
                )
    return problems
