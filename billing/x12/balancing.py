"""The 005010X221A1 balancing rules, as warnings.

Why warnings and not errors: payers send remittances that do not balance (test
files, rounding, CAS segments they forgot), and the money in them was still
paid. The product imports them and shows the biller what does not add up, so
every message names the amounts.

The rules (TR3 section 1.10.2, "Balancing"), all amounts exactly as written:

* service line:  SVC02 − Σ line CAS = SVC03
* claim:         CLP03 − Σ claim CAS − Σ line CAS = CLP04
* claim lines:   Σ SVC03 − Σ claim CAS = CLP04 (only when the claim has lines)
* transaction:   Σ CLP04 − Σ PLB = BPR02 (PLB amounts as written: positive
  reduces the payment, interest is negative)

Reversals (CLP02 = 22) carry negative amounts and balance by the same rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from billing.x12.errors import WarningCode, X12Warning
from billing.x12.model import Adjustment, ClaimPayment, ServicePayment, Transaction

__all__ = ["check_claim", "check_service", "check_transaction", "sum_adjustments"]

ZERO = Decimal(0)


def sum_adjustments(adjustments: Iterable[Adjustment]) -> Decimal:
    """Σ CAS amounts, all groups."""
    total = ZERO
    for adjustment in adjustments:
        total += adjustment.amount
    return total


def check_service(service: ServicePayment, claim: ClaimPayment) -> X12Warning | None:
    """SVC02 − Σ line CAS = SVC03, or a warning naming the amounts."""
    cas = sum_adjustments(service.adjustments)
    if service.charge - cas == service.paid:
        return None
    return _service_warning(service, claim, cas)


def _service_warning(service: ServicePayment, claim: ClaimPayment, cas: Decimal) -> X12Warning:
    expected = service.charge - cas
    return X12Warning(
        WarningCode.SERVICE_UNBALANCED,
        f"claim {claim.patient_control_number!r} service {service.procedure_code!r}: "
        f"SVC02 {service.charge} - CAS {cas} = {expected}, but SVC03 is {service.paid} "
        f"(difference {service.paid - expected})",
        service.segment_index,
        service.line,
    )


def check_claim(claim: ClaimPayment) -> list[X12Warning]:
    """The service-line, claim and claim-lines rules for one claim.

    Runs once per claim on the import's hot path, hence the plain loops.
    """
    warnings: list[X12Warning] = []
    claim_cas = ZERO
    for adjustment in claim.adjustments:
        claim_cas += adjustment.amount
    line_cas = ZERO
    lines_paid = ZERO
    for service in claim.services:
        cas = ZERO
        for adjustment in service.adjustments:
            cas += adjustment.amount
        if service.charge - cas != service.paid:
            warnings.append(_service_warning(service, claim, cas))
        line_cas += cas
        lines_paid += service.paid
    expected = claim.charge - claim_cas - line_cas
    if expected != claim.paid:
        warnings.append(
            X12Warning(
                WarningCode.CLAIM_UNBALANCED,
                f"claim {claim.patient_control_number!r}: CLP03 {claim.charge} - claim CAS "
                f"{claim_cas} - line CAS {line_cas} = {expected}, but CLP04 is {claim.paid} "
                f"(difference {claim.paid - expected})",
                claim.segment_index,
                claim.line,
            )
        )
    if claim.services and lines_paid - claim_cas != claim.paid:
        expected = lines_paid - claim_cas
        warnings.append(
            X12Warning(
                WarningCode.CLAIM_LINES_UNBALANCED,
                f"claim {claim.patient_control_number!r}: sum of SVC03 {lines_paid} - claim CAS "
                f"{claim_cas} = {expected}, but CLP04 is {claim.paid} "
                f"(difference {claim.paid - expected})",
                claim.segment_index,
                claim.line,
            )
        )
    return warnings


def check_transaction(transaction: Transaction) -> X12Warning | None:
    """Σ CLP04 − Σ PLB = BPR02, using the running claim total so it also works
    when the claims were streamed out rather than kept."""
    plb = transaction.total_provider_adjustments
    expected = transaction.total_claim_paid - plb
    if expected == transaction.total_paid:
        return None
    return X12Warning(
        WarningCode.TRANSACTION_UNBALANCED,
        f"transaction {transaction.st_control_number!r}: sum of CLP04 "
        f"{transaction.total_claim_paid} - PLB {plb} = {expected}, but BPR02 is "
        f"{transaction.total_paid} (difference {transaction.total_paid - expected})",
        transaction.segment_index,
        transaction.line,
    )
