"""X12 005010X221A1 (835) text: claim loops, per-clinic transactions, and the interchange.

Layout of one payment run of one payer (one file):

    ISA / GS                      envelope, one per file
      ST ... SE                   one transaction per payee clinic (its own payment)
        BPR TRN DTM*405           payment: BPR02 = sum(CLP04) - sum(PLB amounts)
        N1*PR (XV payer_code) N3 N4 REF*2U PER*BL
        N1*PE (XX clinic NPI) N3 N4 REF*TJ
        LX*1
          CLP [CAS] NM1*QC NM1*82 [MOA] [REF*F8] DTM*050
            SVC DTM*472 [CAS] REF*6R [AMT*B6] [LQ*HE]
        PLB                       provider-level adjustments (interest L6 < 0, WO > 0, FB)
    GE / IEA

Separators are ``* : ^ ~`` and every segment ends with ``~`` and a newline (the common
"wrapped" layout). Amounts are integer cents written with two decimals.

A clinic's worker cannot write whole files (a file holds every clinic the payer paid that
day), so it writes each transaction's body (BPR..PLB) into one part file in (payment day,
payer) order and keeps an index; ``write_remittance_files`` wraps the bodies in
ST/SE and ISA/GS/GE/IEA and writes the files in a fixed order, so the bytes do not depend
on the number of worker processes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ptrevops.generator.adjudication import ClaimRemit
from ptrevops.generator.catalog.payers import PayerPlan
from ptrevops.generator.clock import CLOCK_HHMM, iso_date
from ptrevops.generator.money import _SMALL_AMOUNTS, format_cents

SEGMENT_END = "~\n"
PLB_PAIRS_PER_SEGMENT = 6
CAS_TRIPLES_PER_SEGMENT = 6


def adjustment_segments(adjustments: list[tuple[str, str, int]]) -> list[str]:
    """CAS segments, zero amounts left out; adjustments of a group must be adjacent.

    One segment per group code (a new one after six reasons), which is how payers write
    them; the adjudication code appends each group's adjustments together.
    """
    segments: list[str] = []
    group = ""
    items: list[str] = []
    small = _SMALL_AMOUNTS
    for code, reason, amount in adjustments:
        if not amount:
            continue
        text = small[amount] if 0 <= amount < 100_000 else format_cents(amount)
        if code != group or len(items) == CAS_TRIPLES_PER_SEGMENT:
            if items:
                segments.append(f"CAS*{group}*" + "**".join(items))
            group = code
            items = [f"{reason}*{text}"]
        else:
            items.append(f"{reason}*{text}")
    if items:
        segments.append(f"CAS*{group}*" + "**".join(items))
    return segments


def claim_loop(
    remit: ClaimRemit,
    filing_indicator: str,
    patient: tuple[str, str, str],
    rendering: tuple[str, str, str],
    received: str,
    service_date: str,
) -> tuple[str, int]:
    """The 2100/2110 loops of one claim: (text, number of segments)."""
    segments = [
        f"CLP*{remit.claim_id}*{remit.status}*{format_cents(remit.billed)}*"
        f"{format_cents(remit.paid)}*{format_cents(remit.patient_responsibility)}*"
        f"{filing_indicator}*{remit.icn}*11*{remit.frequency}"
    ]
    if remit.claim_adjustments:
        segments += adjustment_segments(remit.claim_adjustments)
    segments.append(f"NM1*QC*1*{patient[0]}*{patient[1]}****MI*{patient[2]}")
    segments.append(f"NM1*82*1*{rendering[0]}*{rendering[1]}****XX*{rendering[2]}")
    if remit.remark and not remit.with_lines:
        segments.append(f"MOA***{remit.remark}")
    if remit.original_icn:
        segments.append(f"REF*F8*{remit.original_icn}")
    segments.append(f"DTM*050*{received}")
    append = segments.append
    extend = segments.extend
    service_date_segment = f"DTM*472*{service_date}"
    small = _SMALL_AMOUNTS
    for line in remit.lines:
        billed = line.billed
        paid = line.paid
        billed_text = small[billed] if 0 <= billed < 100_000 else format_cents(billed)
        paid_text = small[paid] if 0 <= paid < 100_000 else format_cents(paid)
        if line.units_paid != line.units:
            append(
                f"SVC*{line.procedure}*{billed_text}*{paid_text}**{line.units_paid}**{line.units}"
            )
        else:
            append(f"SVC*{line.procedure}*{billed_text}*{paid_text}**{line.units}")
        append(service_date_segment)
        extend(adjustment_segments(line.adjustments))
        append(f"REF*6R*{line.charge_id}")
        if line.allowed:
            append(f"AMT*B6*{format_cents(line.allowed)}")
        if line.remark:
            append(f"LQ*HE*{line.remark}")
    return SEGMENT_END.join(segments) + SEGMENT_END, len(segments)


@dataclass(frozen=True)
class PayeeIdentity:
    """What a transaction says about the clinic being paid."""

    name: str  # X12-safe
    npi: str
    tax_id: str
    street: str
    city: str
    state: str
    zip_code: str
    bank_routing: str
    bank_account: str


class _PendingTransaction:
    __slots__ = ("claims", "segments", "paid", "adjustments")

    def __init__(self) -> None:
        self.claims: list[str] = []
        self.segments = 0
        self.paid = 0
        self.adjustments: list[tuple[str, str, int]] = []  # (reason code, reference, cents)


class RemittanceParts:
    """One clinic's 835 transaction bodies, written in (payment day, payer) order."""

    def __init__(
        self, path: Path, payee: PayeeIdentity, payers: list[PayerPlan], clinic_number: int
    ):
        self.file = open(path, "w", encoding="ascii", newline="")  # noqa: SIM115
        self.payee = payee
        self.payers = payers
        self.clinic_number = clinic_number
        self.pending: dict[tuple[int, int], _PendingTransaction] = {}
        # (payment day, payer index, byte offset, byte length, body segment count)
        self.index: list[tuple[int, int, int, int, int]] = []
        self.offset = 0
        self.owed_to_payer: dict[int, int] = {}  # negative balances carried forward (FB)
        self.check_numbers = 0
        self.claim_payments = 0

    def add_claim(self, day: int, payer_index: int, text: str, segments: int, paid: int) -> None:
        key = (day, payer_index)
        pending = self.pending.get(key)
        if pending is None:
            pending = self.pending[key] = _PendingTransaction()
        pending.claims.append(text)
        pending.segments += segments
        pending.paid += paid

    def add_provider_adjustment(
        self, day: int, payer_index: int, reason: str, reference: str, amount: int
    ) -> None:
        key = (day, payer_index)
        pending = self.pending.get(key)
        if pending is None:
            pending = self.pending[key] = _PendingTransaction()
        pending.adjustments.append((reason, reference, amount))

    def flush_before(self, day: int) -> None:
        """Write every transaction paid before ``day``: nothing can be added to them now."""
        ready = sorted(key for key in self.pending if key[0] < day)
        for key in ready:
            self._write(key, self.pending.pop(key))

    def close(self, last_day: int) -> list[tuple[int, int, int, int, int]]:
        """Write what is paid by ``last_day``; later payments do not exist yet at export."""
        self.flush_before(last_day + 1)
        self.pending.clear()
        self.file.close()
        return self.index

    def _write(self, key: tuple[int, int], pending: _PendingTransaction) -> None:
        day, payer_index = key
        payer = self.payers[payer_index]
        payee = self.payee
        adjustments = list(pending.adjustments)
        carried = self.owed_to_payer.pop(payer_index, 0)
        if carried:
            adjustments.append(("FB", f"BAL{self.clinic_number:03d}{payer_index:03d}", carried))
        total = pending.paid - sum(amount for _, _, amount in adjustments)
        if total < 0:
            # The payer cannot send a negative payment: it forwards the balance (FB).
            adjustments.append(("FB", f"BAL{self.clinic_number:03d}{payer_index:03d}", total))
            self.owed_to_payer[payer_index] = -total
            total = 0
        date_text = iso_date(day).replace("-", "")
        production = iso_date(day - 1).replace("-", "")
        amount = format_cents(total)
        if total == 0:
            payment = f"BPR*H*{amount}*C*NON************{date_text}"
            trace = f"{date_text}{self.clinic_number:03d}{payer_index:03d}"
        elif payer.pays_by_check:
            self.check_numbers += 1
            payment = f"BPR*I*{amount}*C*CHK************{date_text}"
            trace = f"{self.clinic_number:03d}{payer_index:02d}{self.check_numbers:06d}"
        else:
            payment = (
                f"BPR*I*{amount}*C*ACH*CCP*01*{payer.tax_id[1:]}*DA*{payer.payer_code}0001*"
                f"{payer.tax_id}**01*{payee.bank_routing}*DA*{payee.bank_account}*{date_text}"
            )
            trace = f"{date_text}{self.clinic_number:03d}{payer_index:03d}"
        street, city, state, zip_code = payer.address
        segments = [
            payment,
            f"TRN*1*{trace}*{payer.tax_id}",
            f"DTM*405*{production}",
            f"N1*PR*{payer.name.upper()}*XV*{payer.payer_code}",
            f"N3*{street.upper()}",
            f"N4*{city.upper()}*{state}*{zip_code}",
            f"REF*2U*{payer.payer_code}",
            f"PER*BL*EDI SUPPORT*TE*{payer.phone}",
            f"N1*PE*{payee.name}*XX*{payee.npi}",
            f"N3*{payee.street}",
            f"N4*{payee.city}*{payee.state}*{payee.zip_code}",
            f"REF*TJ*{payee.tax_id}",
        ]
        if pending.claims:
            segments.append("LX*1")
        head = SEGMENT_END.join(segments) + SEGMENT_END
        count = len(segments) + pending.segments
        tail = ""
        if adjustments:
            fiscal_period = date_text[:4] + "1231"
            plb = []
            for start in range(0, len(adjustments), PLB_PAIRS_PER_SEGMENT):
                pairs = "*".join(
                    f"{reason}:{reference}*{format_cents(value)}"
                    for reason, reference, value in adjustments[
                        start : start + PLB_PAIRS_PER_SEGMENT
                    ]
                )
                plb.append(f"PLB*{payee.npi}*{fiscal_period}*{pairs}")
            tail = SEGMENT_END.join(plb) + SEGMENT_END
            count += len(plb)
        body = head + "".join(pending.claims) + tail
        self.file.write(body)
        length = len(body)
        self.index.append((day, payer_index, self.offset, length, count))
        self.offset += length
        self.claim_payments += len(pending.claims)


def interchange_header(
    payer: PayerPlan, receiver_id: str, day: int, control_number: int
) -> tuple[str, str]:
    """ISA and GS for one file (the payer produced it the night before the payment date)."""
    production = iso_date(day - 1)
    yymmdd = production[2:4] + production[5:7] + production[8:10]
    ccyymmdd = production.replace("-", "")
    time = CLOCK_HHMM[120 + (payer.index * 7) % 180]
    isa = (
        f"ISA*00*          *00*          *ZZ*{payer.payer_code:<15}*ZZ*{receiver_id:<15}*"
        f"{yymmdd}*{time}*^*00501*{control_number:09d}*0*P*:"
    )
    gs = f"GS*HP*{payer.payer_code}*{receiver_id}*{ccyymmdd}*{time}*{control_number}*X*005010X221A1"
    return isa + SEGMENT_END, gs + SEGMENT_END


def plan_remittance_files(
    indexes: list[list[tuple[int, int, int, int, int]]],
) -> list[tuple[tuple[int, int], int, list[tuple[int, int, int, int]]]]:
    """Every output file: ((payment day, payer index), control number, transactions).

    Files are numbered in (payment day, payer) order and list their transactions in
    clinic order, so the interchange control numbers do not depend on how the writing is
    split between processes.
    """
    by_key: dict[tuple[int, int], list[tuple[int, int, int, int]]] = {}
    for clinic_position, index in enumerate(indexes):
        for day, payer_index, offset, length, segments in index:
            by_key.setdefault((day, payer_index), []).append(
                (clinic_position, offset, length, segments)
            )
    return [
        (key, control_number, by_key[key])
        for control_number, key in enumerate(sorted(by_key), start=1)
    ]


def write_remittance_files(
    out_dir: Path,
    payers: list[PayerPlan],
    receiver_id: str,
    part_paths: list[Path],
    files: list[tuple[tuple[int, int], int, list[tuple[int, int, int, int]]]],
) -> tuple[int, int, int]:
    """Write the planned files from the clinics' parts: (files, transactions, bytes)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    handles = [open(path, "rb") for path in part_paths]  # noqa: SIM115
    written = transactions = total_bytes = 0
    try:
        for (day, payer_index), control_number, entries in files:
            payer = payers[payer_index]
            isa, gs = interchange_header(payer, receiver_id, day, control_number)
            chunks = [isa.encode("ascii"), gs.encode("ascii")]
            for number, (clinic_position, offset, length, segments) in enumerate(entries, 1):
                handle = handles[clinic_position]
                handle.seek(offset)
                chunks.append(f"ST*835*{number:04d}{SEGMENT_END}".encode("ascii"))
                chunks.append(handle.read(length))
                chunks.append(f"SE*{segments + 2}*{number:04d}{SEGMENT_END}".encode("ascii"))
            chunks.append(f"GE*{len(entries)}*{control_number}{SEGMENT_END}".encode("ascii"))
            chunks.append(f"IEA*1*{control_number:09d}{SEGMENT_END}".encode("ascii"))
            data = b"".join(chunks)
            name = f"{iso_date(day).replace('-', '')}_{payer.payer_code}.835"
            (out_dir / name).write_bytes(data)
            written += 1
            transactions += len(entries)
            total_bytes += len(data)
    finally:
        for handle in handles:
            handle.close()
    return written, transactions, total_bytes
