"""Denials derived at posting: claim level, line level, root cause, not for PR-only."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from billing.models import Denial
from billing.remittances import APPEAL_WINDOW_DAYS
from billing.rules.codes import carc_root_cause
from tests.remittances.factories import clp, interchange, make_claim, svc, transaction

pytestmark = pytest.mark.django_db

LINES = [("L1", "97110", ["GP"], 2, "80.00"), ("L2", "97140", ["GP"], 1, "45.00")]
PAID_ON = date(2025, 1, 15)


def _denials(org, in_org):
    with in_org(org):
        return list(
            Denial.objects.order_by("service_payment_id", "pk").values(
                "claim__external_id",
                "service_payment__line_item_control_number",
                "group_code",
                "reason_code",
                "root_cause",
                "amount",
                "status",
                "appeal_deadline",
            )
        )


def test_clp02_4_claim_is_denied_with_its_largest_denying_adjustment(org, in_org, post):
    with in_org(org):
        make_claim("CLM1", LINES)
    payment = clp(
        "CLM1",
        "4",
        "125",
        "0",
        "CAS*CO*16*45",
        "CAS*OA*29*80",
        "CAS*PR*1*200",
    )
    report = post(org, interchange(transaction(payment)))
    assert report.denials_created == 1
    [denial] = _denials(org, in_org)
    assert denial["claim__external_id"] == "CLM1"
    assert denial["service_payment__line_item_control_number"] is None
    assert (denial["group_code"], denial["reason_code"]) == ("OA", "29")
    assert denial["root_cause"] == carc_root_cause("29") == "timely_filing"
    assert denial["amount"] == Decimal("80.00")
    assert denial["status"] == "open"
    assert denial["appeal_deadline"] == PAID_ON + timedelta(days=APPEAL_WINDOW_DAYS)


def test_clp02_4_claim_without_adjustments_is_still_denied(org, in_org, post):
    with in_org(org):
        make_claim("CLM1", LINES)
    post(org, interchange(transaction(clp("CLM1", "4", "125", "0"))))
    [denial] = _denials(org, in_org)
    assert (denial["group_code"], denial["root_cause"], denial["amount"]) == (
        "",
        "other",
        Decimal("125.00"),
    )


def test_paid_zero_co_197_claim_is_an_authorization_denial(org, in_org, post):
    with in_org(org):
        make_claim("CLM1", LINES)
    payment = clp(
        "CLM1",
        "1",
        "125",
        "0",
        svc("97110", ("GP",), "80", "0", "CAS*CO*197*80", units=2, ref_6r="L1"),
        svc("97140", ("GP",), "45", "0", "CAS*CO*197*40*1*45*5", ref_6r="L2"),
    )
    report = post(org, interchange(transaction(payment)))
    denials = _denials(org, in_org)
    assert report.denials_created == 3
    claim_level = [d for d in denials if d["service_payment__line_item_control_number"] is None]
    assert [(d["reason_code"], d["root_cause"], d["amount"]) for d in claim_level] == [
        ("197", "authorization", Decimal("80.00"))
    ]
    lines = [d for d in denials if d["service_payment__line_item_control_number"]]
    assert [
        (d["service_payment__line_item_control_number"], d["reason_code"], d["amount"])
        for d in lines
    ] == [("L1", "197", Decimal("80.00")), ("L2", "197", Decimal("40.00"))]


def test_line_level_co_97_on_a_paid_claim(org, in_org, post):
    with in_org(org):
        make_claim("CLM1", LINES)
    payment = clp(
        "CLM1",
        "1",
        "125",
        "65",
        svc("97110", ("GP",), "80", "65", "CAS*CO*45*15", units=2, ref_6r="L1"),
        svc("97140", ("GP",), "45", "0", "CAS*CO*97*45", "LQ*HE*M15", ref_6r="L2"),
    )
    report = post(org, interchange(transaction(payment, paid="65")))
    assert report.denials_created == 1
    [denial] = _denials(org, in_org)
    assert denial["service_payment__line_item_control_number"] == "L2"
    assert (denial["group_code"], denial["reason_code"]) == ("CO", "97")
    assert denial["root_cause"] == "coding" and denial["amount"] == Decimal("45.00")


def test_paid_zero_because_of_the_deductible_is_not_a_denial(org, in_org, post):
    with in_org(org):
        make_claim("CLM1", LINES)
    payment = clp(
        "CLM1",
        "1",
        "125",
        "0",
        svc("97110", ("GP",), "80", "0", "CAS*CO*45*20", "CAS*PR*1*60", units=2, ref_6r="L1"),
        svc("97140", ("GP",), "45", "0", "CAS*PR*1*45", ref_6r="L2"),
        responsibility="105",
    )
    report = post(org, interchange(transaction(payment)))
    assert report.ok and report.claim_payments_matched == 1
    assert report.denials_created == 0 and _denials(org, in_org) == []


def test_unlisted_carc_is_other_and_leading_zeros_are_normalised(org, in_org, post):
    with in_org(org):
        make_claim("CLM1", LINES)
        make_claim("CLM2", [("M1", "97110", ["GP"], 1, "40.00")])
    first = clp("CLM1", "1", "125", "0", "CAS*CO*B13*125")
    second = clp("CLM2", "1", "40", "0", "CAS*CO*0197*40", "CAS*CO*045*0")
    post(org, interchange(transaction(first, second)))
    denials = {d["claim__external_id"]: d for d in _denials(org, in_org)}
    assert denials["CLM1"]["root_cause"] == "other"
    assert (denials["CLM2"]["reason_code"], denials["CLM2"]["root_cause"]) == (
        "0197",
        "authorization",
    )


def test_unmatched_claims_get_no_denial(org, in_org, post):
    report = post(org, interchange(transaction(clp("NOPE", "4", "125", "0", "CAS*CO*50*125"))))
    assert report.claim_payments_unmatched == 1 and report.denials_created == 0
