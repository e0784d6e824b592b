"""Turn 835 segments into ``Transaction``/``ClaimPayment``/``ServicePayment``.

Why a flat state machine instead of a loop-tree parser (as pyx12 builds): the
835's loops are shallow and strictly ordered — header, payer/payee (N1),
claims (CLP) each with service lines (SVC), then PLB — so "the current
transaction / party / claim / service line" is all the context a segment
needs. Each segment id maps to one small handler through a dict, and
REF/DTM/CAS/AMT go to the innermost open object. That keeps the per-segment
cost to a dict lookup and a method call, which is what lets a pure-Python
parser post far more claims per second than a schema-validating one.

What is an error and what is a warning follows the product rule: anything that
makes the money unreadable or the structure ambiguous (a bad amount, a CLP
before the BPR, a transaction that never ends) raises ``X12ParseError``;
anything a real payer sends and a biller can live with (no envelope, old or
placeholder version, wrong counts, a CAS with a made-up group code, a bad date,
unbalanced amounts) becomes an ``X12Warning``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from billing.x12 import balancing
from billing.x12.errors import WarningCode, X12ParseError, X12Warning
from billing.x12.model import (
    Adjustment,
    ClaimPayment,
    Entity,
    Party,
    ProviderAdjustment,
    ServicePayment,
    Transaction,
)
from billing.x12.tokenizer import Segment
from billing.x12.values import parse_amount, parse_date, parse_date_range

__all__ = ["RemittanceBuilder", "VERSION_4010", "VERSION_5010"]

VERSION_5010 = frozenset({"005010X221A1", "005010X221"})
VERSION_4010 = frozenset({"004010X091A1", "004010X091"})

CAS_GROUPS = frozenset({"CO", "CR", "OA", "PI", "PR"})
# 835 segments the product has no use for; accepted silently inside a transaction.
IGNORED_SEGMENTS = frozenset({"CUR", "N2", "N3", "N4", "NTE", "PER", "QTY", "RDM", "TS2", "TS3"})
_SEGMENT_ID = re.compile(r"[A-Z][A-Z0-9]{1,2}\Z")
_ONE = Decimal(1)
_ZERO = Decimal(0)
# The amount and date caches are emptied when they reach this many entries, so
# memory stays flat on any file (a few hundred KB at most) while the amounts
# that repeat — copays, fee-schedule rates, zero — stay cached.
_CACHE_LIMIT = 4096


@dataclass(slots=True)
class _Interchange:
    """An open ISA (or the implicit one of a file without an envelope)."""

    control_number: str
    sender_id: str
    receiver_id: str
    segment_index: int
    line: int
    enveloped: bool
    warnings: list[X12Warning] = field(default_factory=list)
    group_count: int = 0


@dataclass(slots=True)
class _Group:
    """An open GS (or the implicit one of a file without an envelope)."""

    control_number: str
    version: str
    sender_id: str
    receiver_id: str
    enveloped: bool
    transaction_count: int = 0


class RemittanceBuilder:
    """Feed it segments (``handlers`` / ``feed``); collect finished items from ``out``.

    With ``stream=False`` each finished ``Transaction`` (claims included) is
    appended to ``out``. With ``stream=True`` each claim is appended as
    ``(transaction, claim)`` as soon as it is finished, and the transaction as
    ``(transaction, None)`` once its SE is read; its ``claims`` list stays
    empty, so memory stays flat on a transaction of any size. ``warnings``
    collects warnings that belong to no transaction (envelope trailers) plus
    the envelope warnings the transactions inherit.
    """

    def __init__(self, *, stream: bool = False, pending: list[X12Warning] | None = None) -> None:
        self.stream = stream
        self.out: list = []
        self.warnings: list[X12Warning] = []
        # Separator warnings from the tokenizer, tagged with the interchange's
        # first segment index; picked up when that interchange opens.
        self._pending = pending if pending is not None else []
        self._isa: _Interchange | None = None
        self._gs: _Group | None = None
        self._txn: Transaction | None = None
        self._party: Party | None = None
        self._claim: ClaimPayment | None = None
        self._svc: ServicePayment | None = None
        self._bpr_seen = False
        self._component: str | None = None
        self._amounts: dict[str, Decimal] = {}
        self._dates: dict[str, date] = {}
        # Segment id -> handler(elements, index, line); ``unknown`` for the rest.
        self.handlers = {
            "ISA": self._isa_segment,
            "GS": self._gs_segment,
            "ST": self._st,
            "BPR": self._bpr,
            "TRN": self._trn,
            "REF": self._ref,
            "DTM": self._dtm,
            "N1": self._n1,
            "LX": self._lx,
            "CLP": self._clp,
            "CAS": self._cas,
            "NM1": self._nm1,
            "MIA": self._mia,
            "MOA": self._moa,
            "SVC": self._svc_segment,
            "LQ": self._lq,
            "AMT": self._amt,
            "PLB": self._plb,
            "SE": self._se,
            "GE": self._ge,
            "IEA": self._iea,
        }
        for segment_id in IGNORED_SEGMENTS:
            self.handlers[segment_id] = self._ignored

    # -- driving ---------------------------------------------------------------------

    def feed(self, batch: list[Segment]) -> None:
        """Apply a batch of ``(index, line, elements)`` segments in file order."""
        get = self.handlers.get
        for idx, line, elements in batch:
            handler = get(elements[0])
            if handler is None:
                self.unknown(elements, idx, line)
            else:
                handler(elements, idx, line)

    def finish(self, last_index: int, last_line: int) -> None:
        """End of file: anything still open means the file was cut short."""
        idx, line = last_index, last_line
        if self._txn is not None:
            txn = self._txn
            raise X12ParseError(
                f"file ends inside transaction ST*835*{txn.st_control_number} started at "
                f"segment {txn.segment_index} (line {txn.line}): missing SE, truncated file",
                idx,
                line,
            )
        if self._gs is not None and self._gs.enveloped:
            raise X12ParseError(
                f"file ends inside functional group {self._gs.control_number!r}: missing GE, "
                "truncated file",
                idx,
                line,
            )
        if self._isa is not None and self._isa.enveloped:
            raise X12ParseError(
                f"file ends inside interchange {self._isa.control_number!r}: missing IEA, "
                "truncated file",
                idx,
                line,
            )
        if idx == 0:
            raise X12ParseError("empty file: no X12 segments")

    # -- helpers ----------------------------------------------------------------------

    def _amount(
        self, value: str, idx: int, line: int, elements: list[str], position: int, required: bool
    ) -> Decimal | None:
        """Slow path behind the amount cache: validate, convert, remember.

        An empty required amount is a warning and zero; an optional one is
        ``None``; anything that is not a plain number is an error.
        """
        if not value:
            if required:
                # Seen in real files (a bare "CLP*id*22" reversal): read as zero,
                # and say so, rather than reject the whole remittance.
                self._warn(
                    WarningCode.MISSING_AMOUNT,
                    f"{elements[0]}{position:02d} is empty but an amount is required; read as 0",
                    idx,
                    line,
                )
                return _ZERO
            return None
        try:
            amount = parse_amount(value)
        except ValueError:
            raise X12ParseError(
                f"{elements[0]}{position:02d} {value!r} is not a number", idx, line, elements[0]
            ) from None
        cache = self._amounts
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        cache[value] = amount
        return amount

    def _date(self, value: str, idx: int, line: int, segment_id: str) -> date | None:
        """A date from the cache, or parsed; a bad one is a warning and ``None``."""
        cached = self._dates.get(value)
        if cached is not None:
            return cached
        if not value:
            return None
        try:
            parsed = parse_date(value)
        except ValueError:
            self._warn(
                WarningCode.BAD_DATE, f"{segment_id} date {value!r} is not a valid date", idx, line
            )
            return None
        if len(self._dates) >= _CACHE_LIMIT:
            self._dates.clear()
        self._dates[value] = parsed
        return parsed

    def _warn(self, code: str, message: str, idx: int | None, line: int | None) -> None:
        warning = X12Warning(code, message, idx, line)
        if self._txn is not None:
            self._txn.warnings.append(warning)
        else:
            self.warnings.append(warning)

    def _components(self, value: str) -> list[str]:
        """Split a composite; learn the separator from it when there was no ISA.

        Composite codes in an 835 (SVC01 product qualifier, PLB03 adjustment
        reason) are two characters, so the third character of the first
        composite seen is the component separator.
        """
        component = self._component
        if component is None:
            if len(value) > 2 and not value[2].isalnum() and value[2] != " ":
                component = self._component = value[2]
            else:
                return [value]
        return value.split(component)

    def _open_txn(self, segment_id: str, idx: int, line: int) -> Transaction:
        txn = self._txn
        if txn is None:
            raise X12ParseError(
                f"{segment_id} outside a transaction (no ST before it)", idx, line, segment_id
            )
        return txn

    def _finish_claim(self) -> None:
        claim = self._claim
        self._claim = None
        self._svc = None
        txn = self._txn
        txn.claim_count += 1
        txn.total_claim_paid += claim.paid
        problems = balancing.check_claim(claim)
        if problems:
            txn.warnings.extend(problems)
        if self.stream:
            self.out.append((txn, claim))

    def _take_pending(self, idx: int) -> list[X12Warning]:
        taken = [w for w in self._pending if w.segment_index == idx]
        if taken:
            self._pending[:] = [w for w in self._pending if w.segment_index != idx]
        return taken

    def _implicit_interchange(self, idx: int, line: int, what: str) -> None:
        warning = X12Warning(
            WarningCode.MISSING_ENVELOPE,
            f"no {what} envelope: separators were guessed from the data",
            idx,
            line,
        )
        isa = _Interchange("", "", "", idx, line, False, [*self._take_pending(idx), warning])
        self.warnings.extend(isa.warnings)
        self._isa = isa
        self._component = None

    # -- envelope -----------------------------------------------------------------------

    def _isa_segment(self, e: list[str], idx: int, line: int) -> None:
        self._check_closed("ISA", idx, line)
        if len(e) != 17:
            raise X12ParseError(f"ISA has {len(e) - 1} elements, 16 expected", idx, line, "ISA")
        warnings = self._take_pending(idx)
        length = sum(map(len, e)) + 16 + 1
        if length != 106:
            warnings.append(
                X12Warning(
                    WarningCode.ISA_LENGTH,
                    f"ISA is {length} characters, 106 expected (fields not padded to their "
                    "fixed width); separators were read by element position",
                    idx,
                    line,
                )
            )
        self.warnings.extend(warnings)
        self._isa = _Interchange(
            e[13].strip(), e[6].strip(), e[8].strip(), idx, line, True, warnings
        )
        self._component = e[16]

    def _check_closed(self, segment_id: str, idx: int, line: int) -> None:
        """A new ISA may only start when the previous interchange is closed."""
        if self._txn is not None:
            raise X12ParseError(
                f"{segment_id} inside transaction ST*835*{self._txn.st_control_number}: "
                "missing SE, truncated transaction",
                idx,
                line,
                segment_id,
            )
        if self._gs is not None and self._gs.enveloped:
            raise X12ParseError(
                f"{segment_id} inside functional group {self._gs.control_number!r}: missing GE",
                idx,
                line,
                segment_id,
            )
        if self._isa is not None and self._isa.enveloped:
            raise X12ParseError(
                f"{segment_id} inside interchange {self._isa.control_number!r}: missing IEA",
                idx,
                line,
                segment_id,
            )
        self._gs = None
        self._isa = None

    def _check_terminator(self, e: list[str], idx: int, line: int) -> None:
        """A line break inside an envelope segment means the file does not use
        the terminator its ISA declares: everything would run together."""
        for value in e:
            if "\n" in value or "\r" in value:
                raise X12ParseError(
                    f"{e[0]} segment runs across a line break: the file does not end its "
                    "segments with the terminator its ISA declares (wrong separators)",
                    idx,
                    line,
                    e[0],
                )

    def _gs_segment(self, e: list[str], idx: int, line: int) -> None:
        self._check_terminator(e, idx, line)
        if self._txn is not None or (self._gs is not None and self._gs.enveloped):
            self._check_closed("GS", idx, line)
        if self._isa is None:
            self._implicit_interchange(idx, line, "ISA interchange")
        if len(e) < 9:
            e = e + [""] * (9 - len(e))
        self._isa.group_count += 1
        self._gs = _Group(e[6], e[8], e[2], e[3], True)

    def _st(self, e: list[str], idx: int, line: int) -> None:
        self._check_terminator(e, idx, line)
        if self._txn is not None:
            self._check_closed("ST", idx, line)
        if len(e) < 4:
            e = e + [""] * (4 - len(e))
        if e[1] != "835":
            raise X12ParseError(
                f"transaction set {e[1]!r} is not an 835 remittance", idx, line, "ST"
            )
        if self._gs is None:
            if self._isa is not None and self._isa.enveloped:
                raise X12ParseError("ST outside a functional group (no GS)", idx, line, "ST")
            if self._isa is None:
                self._implicit_interchange(idx, line, "ISA/GS")
            self._gs = _Group("", "", "", "", False)
        isa, gs = self._isa, self._gs
        gs.transaction_count += 1
        version = e[3] or gs.version
        txn = Transaction(
            e[2],
            idx,
            line,
            version=version,
            interchange_control_number=isa.control_number,
            group_control_number=gs.control_number,
            sender_id=gs.sender_id or isa.sender_id,
            receiver_id=gs.receiver_id or isa.receiver_id,
        )
        txn.warnings.extend(isa.warnings)
        self._txn = txn
        if version not in VERSION_5010:
            if version in VERSION_4010:
                self._warn(
                    WarningCode.OLD_VERSION,
                    f"version {version} (pre-2012 835) read with the 005010X221A1 rules",
                    idx,
                    line,
                )
            else:
                said = f"version {version!r} in GS08/ST03" if version else "no version in GS08/ST03"
                self._warn(
                    WarningCode.UNKNOWN_VERSION,
                    f"{said}: not 005010X221A1 (placeholder?); read as 005010X221A1",
                    idx,
                    line,
                )
        self._party = None
        self._claim = None
        self._svc = None
        self._bpr_seen = False

    def _se(self, e: list[str], idx: int, line: int) -> None:
        txn = self._open_txn("SE", idx, line)
        if self._claim is not None:
            self._finish_claim()
        if len(e) < 3:
            e = e + [""] * (3 - len(e))
        if not self._bpr_seen:
            raise X12ParseError(
                f"transaction ST*835*{txn.st_control_number} has no BPR segment", idx, line, "SE"
            )
        txn.segment_count = idx - txn.segment_index + 1
        try:
            txn.declared_segment_count = int(e[1])
        except ValueError:
            txn.declared_segment_count = None
        if txn.declared_segment_count != txn.segment_count:
            self._warn(
                WarningCode.SE_COUNT,
                f"SE01 says {e[1]!r} segments but the transaction has {txn.segment_count}",
                idx,
                line,
            )
        if e[2] != txn.st_control_number:
            self._warn(
                WarningCode.SE_CONTROL_NUMBER,
                f"SE02 {e[2]!r} does not match ST02 {txn.st_control_number!r}",
                idx,
                line,
            )
        problem = balancing.check_transaction(txn)
        if problem is not None:
            txn.warnings.append(problem)
        txn.complete = True
        self.out.append((txn, None) if self.stream else txn)
        self._txn = None
        self._party = None

    def _ge(self, e: list[str], idx: int, line: int) -> None:
        if self._txn is not None:
            self._check_closed("GE", idx, line)
        gs = self._gs
        if gs is None or not gs.enveloped:
            raise X12ParseError("GE without a GS", idx, line, "GE")
        if len(e) < 3:
            e = e + [""] * (3 - len(e))
        if e[1] != str(gs.transaction_count):
            self.warnings.append(
                X12Warning(
                    WarningCode.GE_COUNT,
                    f"GE01 says {e[1]!r} transactions but the group has {gs.transaction_count}",
                    idx,
                    line,
                )
            )
        if e[2] != gs.control_number:
            self.warnings.append(
                X12Warning(
                    WarningCode.GE_CONTROL_NUMBER,
                    f"GE02 {e[2]!r} does not match GS06 {gs.control_number!r}",
                    idx,
                    line,
                )
            )
        self._gs = None

    def _iea(self, e: list[str], idx: int, line: int) -> None:
        if self._txn is not None or (self._gs is not None and self._gs.enveloped):
            self._check_closed("IEA", idx, line)
        isa = self._isa
        if isa is None or not isa.enveloped:
            raise X12ParseError("IEA without an ISA", idx, line, "IEA")
        if len(e) < 3:
            e = e + [""] * (3 - len(e))
        if e[1] != str(isa.group_count):
            self.warnings.append(
                X12Warning(
                    WarningCode.IEA_COUNT,
                    f"IEA01 says {e[1]!r} groups but the interchange has {isa.group_count}",
                    idx,
                    line,
                )
            )
        if e[2] != isa.control_number:
            self.warnings.append(
                X12Warning(
                    WarningCode.IEA_CONTROL_NUMBER,
                    f"IEA02 {e[2]!r} does not match ISA13 {isa.control_number!r}",
                    idx,
                    line,
                )
            )
        self._gs = None
        self._isa = None

    def _ignored(self, e: list[str], idx: int, line: int) -> None:
        if self._txn is None:
            self._open_txn(e[0], idx, line)

    def unknown(self, e: list[str], idx: int, line: int) -> None:
        """Segments with no handler: padding, unknown ids (warning) or garbage (error)."""
        segment_id = e[0]
        if not segment_id.strip("\x00\x1a\x04"):
            return  # NUL / Ctrl-Z / EOT padding some systems leave at the end
        if not _SEGMENT_ID.match(segment_id):
            shown = segment_id if len(segment_id) <= 20 else segment_id[:20] + "..."
            raise X12ParseError(
                f"{shown!r} is not an X12 segment: wrong separators or not an 835",
                idx,
                line,
                None,
            )
        self._open_txn(segment_id, idx, line)
        self._warn(
            WarningCode.UNKNOWN_SEGMENT,
            f"segment {segment_id} is not part of an 835 and was ignored",
            idx,
            line,
        )

    # -- header ---------------------------------------------------------------------------

    def _bpr(self, e: list[str], idx: int, line: int) -> None:
        txn = self._open_txn("BPR", idx, line)
        if len(e) < 17:
            e = e + [""] * (17 - len(e))
        txn.handling_code = e[1]
        total = self._amounts.get(e[2])
        txn.total_paid = total if total is not None else self._amount(e[2], idx, line, e, 2, True)
        txn.credit_debit = e[3]
        txn.payment_method = e[4]
        txn.payment_format = e[5]
        txn.payment_date = self._date(e[16], idx, line, "BPR16")
        self._bpr_seen = True

    def _trn(self, e: list[str], idx: int, line: int) -> None:
        txn = self._open_txn("TRN", idx, line)
        if len(e) < 4:
            e = e + [""] * (4 - len(e))
        txn.trace_type = e[1]
        txn.trace_number = e[2]
        txn.originator_id = e[3]

    def _n1(self, e: list[str], idx: int, line: int) -> None:
        txn = self._open_txn("N1", idx, line)
        if self._claim is not None:
            self._finish_claim()
        if len(e) < 5:
            e = e + [""] * (5 - len(e))
        party = self._party = Party(e[2], e[3], e[4], [], idx)
        if e[1] == "PR":
            if txn.payer.segment_index:
                self._warn(WarningCode.EXTRA_PAYEE, "a second payer N1*PR loop", idx, line)
            else:
                txn.payer = party
        elif e[1] == "PE":
            if txn.payee.segment_index:
                self._warn(
                    WarningCode.EXTRA_PAYEE,
                    f"a second payee N1*PE {e[2]!r}: the transaction keeps its first payee "
                    f"{txn.payee.name!r}",
                    idx,
                    line,
                )
            else:
                txn.payee = party

    def _lx(self, e: list[str], idx: int, line: int) -> None:
        self._open_txn("LX", idx, line)
        if self._claim is not None:
            self._finish_claim()
        self._party = None

    # -- context segments ---------------------------------------------------------------------

    def _ref(self, e: list[str], idx: int, line: int) -> None:
        if len(e) < 3:
            e = e + [""] * (3 - len(e))
        svc = self._svc
        if svc is not None:
            if e[1] == "6R":
                svc.line_item_control_number = e[2]
            else:
                svc.references.append((e[1], e[2]))
            return
        claim = self._claim
        if claim is not None:
            claim.references.append((e[1], e[2]))
            return
        party = self._party
        if party is not None:
            party.references.append((e[1], e[2]))
            return
        self._open_txn("REF", idx, line).references.append((e[1], e[2]))

    def _dtm(self, e: list[str], idx: int, line: int) -> None:
        if len(e) < 3:
            e = e + [""] * (3 - len(e))
        qualifier, value = e[1], e[2]
        if value:
            start = end = self._dates.get(value) or self._date(value, idx, line, "DTM" + qualifier)
        elif len(e) > 6 and e[5] == "RD8":
            try:
                start, end = parse_date_range(e[6])
            except ValueError:
                self._warn(WarningCode.BAD_DATE, f"DTM range {e[6]!r} is not valid", idx, line)
                return
        else:
            return
        svc = self._svc
        if svc is not None:
            if qualifier == "472":
                svc.service_date_from = start
                svc.service_date_to = end
            elif qualifier == "150":
                svc.service_date_from = start
            elif qualifier == "151":
                svc.service_date_to = end
            return
        claim = self._claim
        if claim is not None:
            if qualifier == "232":
                claim.statement_from = start
            elif qualifier == "233":
                claim.statement_to = end
            elif qualifier == "050":
                claim.received_date = start
            return
        txn = self._open_txn("DTM", idx, line)
        if qualifier == "405":
            txn.production_date = start

    def _cas(self, e: list[str], idx: int, line: int) -> None:
        target = self._svc or self._claim
        if target is None:
            self._open_txn("CAS", idx, line)
            raise X12ParseError("CAS outside a claim (no CLP before it)", idx, line, "CAS")
        group = e[1] if len(e) > 1 else ""
        if group not in CAS_GROUPS:
            self._warn(
                WarningCode.INVALID_CAS_GROUP,
                f"CAS group code {group!r} is not CO, CR, OA, PI or PR; segment ignored",
                idx,
                line,
            )
            return
        adjustments = target.adjustments
        amounts = self._amounts
        n = len(e)
        if n == 4 and e[2]:
            # The common case: one (reason, amount) pair and no quantity.
            amount = amounts.get(e[3])
            if amount is None:
                amount = self._amount(e[3], idx, line, e, 3, True)
            adjustments.append(Adjustment(group, e[2], amount, None, idx))
            return
        for k in range(2, n, 3):
            carc = e[k]
            if not carc:
                continue
            value = e[k + 1] if k + 1 < n else ""
            amount = amounts.get(value)
            if amount is None:
                amount = self._amount(value, idx, line, e, k + 1, True)
            quantity = None
            if k + 2 < n and e[k + 2]:
                value = e[k + 2]
                quantity = amounts.get(value)
                if quantity is None:
                    quantity = self._amount(value, idx, line, e, k + 2, True)
            adjustments.append(Adjustment(group, carc, amount, quantity, idx))

    def _amt(self, e: list[str], idx: int, line: int) -> None:
        svc = self._svc
        if svc is not None and len(e) > 2 and e[1] == "B6":
            allowed = self._amounts.get(e[2])
            if allowed is None:
                allowed = self._amount(e[2], idx, line, e, 2, True)
            svc.allowed_amount = allowed
        elif svc is None and self._claim is None:
            self._open_txn("AMT", idx, line)

    def _lq(self, e: list[str], idx: int, line: int) -> None:
        svc = self._svc
        if svc is None:
            self._open_txn("LQ", idx, line)
            return
        if len(e) > 2 and e[1] == "HE" and e[2]:
            svc.remark_codes.append(e[2])

    # -- claims -------------------------------------------------------------------------------

    def _clp(self, e: list[str], idx: int, line: int) -> None:
        txn = self._txn
        if txn is None or not self._bpr_seen:
            self._open_txn("CLP", idx, line)
            raise X12ParseError("CLP before BPR: the payment header is missing", idx, line, "CLP")
        if self._claim is not None:
            self._finish_claim()
        self._party = None
        if len(e) < 10:
            e = e + [""] * (10 - len(e))
        amounts = self._amounts
        charge = amounts.get(e[3])
        if charge is None:
            charge = self._amount(e[3], idx, line, e, 3, True)
        paid = amounts.get(e[4])
        if paid is None:
            paid = self._amount(e[4], idx, line, e, 4, True)
        responsibility = amounts.get(e[5])
        if responsibility is None and e[5]:
            responsibility = self._amount(e[5], idx, line, e, 5, False)
        claim = self._claim = ClaimPayment(
            e[1], e[2], charge, paid, responsibility, e[6], e[7], e[8], e[9], idx, line
        )
        if not self.stream:
            txn.claims.append(claim)

    def _nm1(self, e: list[str], idx: int, line: int) -> None:
        claim = self._claim
        if claim is None:
            self._open_txn("NM1", idx, line)
            return
        if len(e) < 10:
            e = e + [""] * (10 - len(e))
        qualifier = e[1]
        if qualifier == "QC":
            claim.patient = Entity(e[2], e[3], e[4], e[5], e[8], e[9])
        elif qualifier == "IL":
            claim.insured = Entity(e[2], e[3], e[4], e[5], e[8], e[9])
        elif qualifier == "82":
            claim.rendering_provider = Entity(e[2], e[3], e[4], e[5], e[8], e[9])

    def _mia(self, e: list[str], idx: int, line: int) -> None:
        claim = self._claim
        if claim is None:
            self._open_txn("MIA", idx, line)
            return
        # MIA05 and MIA20..MIA23 are claim payment remark codes.
        for k in (5, 20, 21, 22, 23):
            if k < len(e) and e[k]:
                claim.remark_codes.append(e[k])

    def _moa(self, e: list[str], idx: int, line: int) -> None:
        claim = self._claim
        if claim is None:
            self._open_txn("MOA", idx, line)
            return
        # MOA03..MOA07 are claim payment remark codes.
        for k in range(3, min(len(e), 8)):
            if e[k]:
                claim.remark_codes.append(e[k])

    def _svc_segment(self, e: list[str], idx: int, line: int) -> None:
        claim = self._claim
        if claim is None:
            self._open_txn("SVC", idx, line)
            raise X12ParseError("SVC outside a claim (no CLP before it)", idx, line, "SVC")
        n = len(e)
        if n < 6:
            e = e + [""] * (6 - n)
        amounts = self._amounts
        charge = amounts.get(e[2])
        if charge is None:
            charge = self._amount(e[2], idx, line, e, 2, True)
        paid = amounts.get(e[3])
        if paid is None:
            paid = self._amount(e[3], idx, line, e, 3, True)
        units = _ONE
        if e[5]:
            units = amounts.get(e[5])
            if units is None:
                units = self._amount(e[5], idx, line, e, 5, True)
        component = self._component
        parts = e[1].split(component) if component is not None else self._components(e[1])
        modifiers = parts[2:6]
        if "" in modifiers:
            modifiers = [m for m in modifiers if m]
        svc = self._svc = ServicePayment(
            parts[0],
            parts[1] if len(parts) > 1 else "",
            modifiers,
            charge,
            paid,
            units,
            idx,
            line,
            e[4],
            parts[6] if len(parts) > 6 else "",
        )
        if n > 6:
            if e[6]:
                original = self._components(e[6])
                svc.original_qualifier = original[0]
                svc.original_procedure_code = original[1] if len(original) > 1 else ""
                svc.original_modifiers = [m for m in original[2:6] if m]
            if n > 7 and e[7]:
                svc.original_units = self._amount(e[7], idx, line, e, 7, False)
        claim.services.append(svc)

    # -- summary ---------------------------------------------------------------------------------

    def _plb(self, e: list[str], idx: int, line: int) -> None:
        txn = self._open_txn("PLB", idx, line)
        if self._claim is not None:
            self._finish_claim()
        self._party = None
        if len(e) < 3:
            e = e + [""] * (3 - len(e))
        provider_id = e[1]
        period = self._date(e[2], idx, line, "PLB02")
        n = len(e)
        for k in range(3, n, 2):
            composite = e[k]
            if not composite:
                continue
            value = e[k + 1] if k + 1 < n else ""
            parts = self._components(composite)
            code = parts[0]
            reference = parts[1] if len(parts) > 1 else ""
            if not value:
                self._warn(
                    WarningCode.PLB_MISSING_AMOUNT,
                    f"PLB{k:02d} adjustment {composite!r} has no amount; skipped",
                    idx,
                    line,
                )
                continue
            amount = self._amounts.get(value)
            if amount is None:
                amount = self._amount(value, idx, line, e, k + 1, True)
            txn.provider_adjustments.append(
                ProviderAdjustment(provider_id, period, code, reference, amount, idx, line)
            )
