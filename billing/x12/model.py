"""The remittance as the rest of the product sees it: plain slotted dataclasses.

Why plain dataclasses: the importer turns hundreds of thousands of these into
database rows per second, so they must be cheap to create (``slots=True``, no
validation in ``__init__``) and must not drag Django or the X12 syntax along.
Money is always ``Decimal`` exactly as written in the file (``"1.5"`` stays
``Decimal("1.5")``), dates are ``datetime.date``; an optional value that was not
in the file is ``None`` (or ``""`` for identifiers, which are never ``None``).

Every object carries ``segment_index`` (1-based ordinal of its segment in the
file, envelope segments included) and ``line`` (1-based line it starts on, which
is 1 for a single-line file) so posting errors can point back into the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from billing.x12.errors import X12Warning

__all__ = [
    "Adjustment",
    "ClaimPayment",
    "Entity",
    "Party",
    "ProviderAdjustment",
    "ServicePayment",
    "Transaction",
]

ZERO = Decimal(0)


@dataclass(slots=True)
class Adjustment:
    """One (group, CARC, amount) triplet of a CAS segment.

    A CAS segment holds up to six triplets under one group code; they are
    flattened because every consumer (posting, denial root cause, balancing)
    reasons per (group, CARC) pair. ``amount`` is as written: positive reduces
    the payment, negative increases it (reversals carry negative amounts).
    """

    group: str
    carc: str
    amount: Decimal
    quantity: Decimal | None = None
    segment_index: int = 0


@dataclass(slots=True)
class ProviderAdjustment:
    """One (reason, amount) pair of a PLB segment, not tied to any claim.

    ``code`` and ``reference`` come from the composite (``"WO:123456"`` gives
    ``"WO"`` and ``"123456"``). ``amount`` is as written: positive reduces the
    payment (a recoupment), negative increases it (interest, ``L6``).
    """

    provider_id: str
    fiscal_period_date: date | None
    code: str
    reference: str
    amount: Decimal
    segment_index: int = 0
    line: int = 0


@dataclass(slots=True)
class Entity:
    """A person or organisation named by an NM1 segment (patient, provider)."""

    entity_type: str
    last_name: str
    first_name: str = ""
    middle_name: str = ""
    id_qualifier: str = ""
    identifier: str = ""

    @property
    def npi(self) -> str | None:
        """The NPI when the identifier is one (qualifier ``XX``)."""
        return self.identifier if self.id_qualifier == "XX" else None


@dataclass(slots=True)
class Party:
    """Payer (N1*PR loop) or payee (N1*PE loop) of a transaction."""

    name: str = ""
    id_qualifier: str = ""
    identifier: str = ""
    references: list[tuple[str, str]] = field(default_factory=list)
    segment_index: int = 0

    @property
    def npi(self) -> str | None:
        """The NPI when N104 is one (N103 ``XX``)."""
        return self.identifier if self.id_qualifier == "XX" else None

    def ref(self, qualifier: str) -> str | None:
        """The first REF value with this qualifier (``"2U"``, ``"TJ"``, ...)."""
        for q, value in self.references:
            if q == qualifier:
                return value
        return None


@dataclass(slots=True)
class ServicePayment:
    """One SVC loop (2110): how the payer adjudicated one charge line.

    ``units`` defaults to 1 when SVC05 is blank, as the implementation guide
    says. ``original_*`` are filled from SVC06/SVC07 when the payer paid a
    different code than the one billed (the billed code is then the original).
    ``service_date_from``/``service_date_to`` are both DTM*472 when the line has
    a single date, or DTM*150/DTM*151 for a range.
    """

    qualifier: str
    procedure_code: str
    modifiers: list[str]
    charge: Decimal
    paid: Decimal
    units: Decimal
    segment_index: int
    line: int
    revenue_code: str = ""
    description: str = ""
    original_qualifier: str = ""
    original_procedure_code: str = ""
    original_modifiers: list[str] = field(default_factory=list)
    original_units: Decimal | None = None
    service_date_from: date | None = None
    service_date_to: date | None = None
    line_item_control_number: str = ""
    allowed_amount: Decimal | None = None
    adjustments: list[Adjustment] = field(default_factory=list)
    remark_codes: list[str] = field(default_factory=list)
    references: list[tuple[str, str]] = field(default_factory=list)

    @property
    def service_date(self) -> date | None:
        """The date of service (the start of the range for a DTM*150/151 line)."""
        return self.service_date_from


@dataclass(slots=True)
class ClaimPayment:
    """One CLP loop (2100): the payer's decision on one claim.

    ``status_code`` is CLP02 (1 primary, 2 secondary, 4 denied, 22 reversal,
    ...); a reversal carries negative amounts. ``adjustments`` are claim-level
    CAS only; line-level ones live on each service. ``remark_codes`` are the
    claim-level RARCs from MOA/MIA.
    """

    patient_control_number: str
    status_code: str
    charge: Decimal
    paid: Decimal
    patient_responsibility: Decimal | None
    filing_indicator: str
    payer_claim_control_number: str
    facility_code: str
    frequency_code: str
    segment_index: int
    line: int
    patient: Entity | None = None
    insured: Entity | None = None
    rendering_provider: Entity | None = None
    statement_from: date | None = None
    statement_to: date | None = None
    received_date: date | None = None
    adjustments: list[Adjustment] = field(default_factory=list)
    remark_codes: list[str] = field(default_factory=list)
    references: list[tuple[str, str]] = field(default_factory=list)
    services: list[ServicePayment] = field(default_factory=list)

    @property
    def is_reversal(self) -> bool:
        """CLP02 = 22: the payer takes back an earlier payment (negative amounts)."""
        return self.status_code == "22"

    def ref(self, qualifier: str) -> str | None:
        """The first claim-level REF value with this qualifier."""
        for q, value in self.references:
            if q == qualifier:
                return value
        return None


@dataclass(slots=True)
class Transaction:
    """One ST..SE 835: one payment (or non-payment) from one payer to one payee.

    ``claims`` holds the claims unless the file was read with ``stream_835``,
    which hands each claim out as soon as it is finished and leaves the list
    empty; ``claim_count`` and ``total_claim_paid`` are kept in both modes.
    ``warnings`` holds everything worth telling a biller about this
    transaction, including warnings inherited from its envelope (missing
    envelope, old version). ``complete`` turns True when its SE has been read.
    """

    st_control_number: str
    segment_index: int
    line: int
    version: str = ""
    interchange_control_number: str = ""
    group_control_number: str = ""
    sender_id: str = ""
    receiver_id: str = ""
    handling_code: str = ""
    total_paid: Decimal = ZERO
    credit_debit: str = ""
    payment_method: str = ""
    payment_format: str = ""
    payment_date: date | None = None
    trace_type: str = ""
    trace_number: str = ""
    originator_id: str = ""
    production_date: date | None = None
    references: list[tuple[str, str]] = field(default_factory=list)
    payer: Party = field(default_factory=Party)
    payee: Party = field(default_factory=Party)
    claims: list[ClaimPayment] = field(default_factory=list)
    provider_adjustments: list[ProviderAdjustment] = field(default_factory=list)
    warnings: list[X12Warning] = field(default_factory=list)
    claim_count: int = 0
    total_claim_paid: Decimal = ZERO
    segment_count: int = 0
    declared_segment_count: int | None = None
    complete: bool = False

    @property
    def payer_identifier(self) -> str:
        """The payer's id for matching to ``payers.payer_code``.

        N1*PR04 when given, else REF*2U (additional payer id), else TRN03 (the
        originating company id, usually the payer's TIN with a leading 1).
        """
        return self.payer.identifier or self.payer.ref("2U") or self.originator_id

    @property
    def total_provider_adjustments(self) -> Decimal:
        """Σ PLB amounts as written (positive reduces the payment)."""
        return sum((p.amount for p in self.provider_adjustments), ZERO)
