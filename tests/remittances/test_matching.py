"""Claims by CLP01, lines by REF*6R or CPT + modifiers + units, and late matching."""

from __future__ import annotations

import pytest

from billing.models import ClaimPayment, Denial, ServicePayment
from billing.remittances import TenantScopeError, match_unmatched_payments
from tests.remittances.factories import clp, interchange, make_claim, svc, transaction

pytestmark = pytest.mark.django_db

LINES = [
    ("L1", "97110", ["GP"], 2, "80.00"),
    ("L2", "97110", ["GP"], 2, "80.00"),
    ("L3", "97140", ["59", "GP"], 1, "45.00"),
]


def _lines_by_service(org, in_org):
    with in_org(org):
        return [
            (s.cpt_code, s.charge_line.external_id if s.charge_line else None)
            for s in ServicePayment.objects.select_related("charge_line").order_by("pk")
        ]


def test_lines_match_by_ref_6r_even_out_of_order(org, in_org, post):
    with in_org(org):
        claim = make_claim("CLM1", LINES)
    payment = clp(
        "CLM1",
        "1",
        "205",
        "205",
        svc("97140", ("GP", "59"), "45", "45", ref_6r="L3"),
        svc("97110", ("GP",), "80", "80", units=2, ref_6r="L2"),
        svc("97110", ("GP",), "80", "80", units=2, ref_6r="L1"),
    )
    report = post(org, interchange(transaction(payment, paid="205")))
    assert report.claim_payments_matched == 1 and report.service_payments_matched_by_ref == 3
    assert _lines_by_service(org, in_org) == [("97140", "L3"), ("97110", "L2"), ("97110", "L1")]
    with in_org(org):
        assert ClaimPayment.objects.get().claim_id == claim.pk


def test_fallback_matches_cpt_modifier_set_and_units_once_each(org, in_org, post):
    with in_org(org):
        make_claim("CLM1", LINES)
    payment = clp(
        "CLM1",
        "1",
        "245",
        "205",
        # Modifiers in another order and case still match L3 (a set).
        svc("97140", ("gp", "59"), "45", "45"),
        svc("97110", ("GP",), "80", "80", units=2),
        # REF*6R takes L1, so the two fallbacks share L2 … and the third finds none.
        svc("97110", ("GP",), "80", "80", units=2, ref_6r="L1"),
        svc("97110", ("GP",), "80", "0", "CAS*CO*18*80", units=2),
        # Units differ: no line.
        svc("97140", ("GP", "59"), "40", "0", "CAS*CO*45*40", units=3),
    )
    report = post(org, interchange(transaction(payment, paid="205")))
    assert report.service_payments_matched_by_ref == 1
    assert report.service_payments_matched_by_fallback == 2
    assert report.service_payments_unmatched == 2
    assert _lines_by_service(org, in_org) == [
        ("97140", "L3"),
        ("97110", "L2"),
        ("97110", "L1"),
        ("97110", None),
        ("97140", None),
    ]


def test_ref_6r_of_another_visit_is_not_trusted(org, in_org, post):
    with in_org(org):
        make_claim("CLM1", LINES[:1])
        make_claim("CLM2", [("X1", "97530", ["GP"], 1, "50.00")])
    payment = clp("CLM2", "1", "50", "50", svc("97530", ("GP",), "50", "50", ref_6r="L1"))
    report = post(org, interchange(transaction(payment, paid="50")))
    # L1 belongs to CLM1's visit; CPT/modifiers/units find CLM2's own line instead.
    assert report.service_payments_matched_by_ref == 0
    assert report.service_payments_matched_by_fallback == 1
    assert _lines_by_service(org, in_org) == [("97530", "X1")]


def test_billed_code_from_svc06_is_used_for_matching(org, in_org, post):
    with in_org(org):
        make_claim("CLM1", [("L1", "97140", ["GP"], 1, "45.00")])
    payment = clp(
        "CLM1",
        "1",
        "45",
        "30",
        "SVC*HC:97530:GP*45*30**1*HC:97140:GP",
        "DTM*472*20250110",
        "CAS*CO*45*15",
    )
    report = post(org, interchange(transaction(payment, paid="30")))
    assert report.service_payments_matched_by_fallback == 1
    with in_org(org):
        service = ServicePayment.objects.get()
        assert (service.cpt_code, service.charge_line.external_id) == ("97140", "L1")


def test_unmatched_payment_is_kept_then_matched_later(org, in_org, post):
    payment = clp(
        "CLM1",
        "1",
        "160",
        "65",
        svc("97110", ("GP",), "80", "65", "CAS*CO*45*15", units=2, ref_6r="L1"),
        svc("97110", ("GP",), "80", "0", "CAS*CO*97*80", units=2),
    )
    report = post(org, interchange(transaction(payment, paid="65")))
    assert report.claim_payments_unmatched == 1 and report.service_payments_unmatched == 2
    assert report.denials_created == 0
    with in_org(org):
        assert ClaimPayment.objects.get().claim_id is None
        assert match_unmatched_payments(organization_id=org.pk) == 0

        claim = make_claim("CLM1", LINES[:2])
        assert match_unmatched_payments(organization_id=org.pk) == 1
        assert ClaimPayment.objects.get().claim_id == claim.pk
        denial = Denial.objects.get()
        assert (denial.reason_code, denial.root_cause) == ("97", "coding")
        assert denial.service_payment.line_item_control_number == ""
        # Running it again finds nothing new and creates nothing twice.
        assert match_unmatched_payments(organization_id=org.pk) == 0
        assert Denial.objects.count() == 1
    assert _lines_by_service(org, in_org) == [("97110", "L1"), ("97110", "L2")]


def test_match_unmatched_needs_the_tenant_scope(org):
    with pytest.raises(TenantScopeError):
        match_unmatched_payments(organization_id=org.pk)


def test_another_organization_never_touches_our_claims(org, other_org, in_org, post):
    with in_org(org):
        claim = make_claim("CLM1", LINES)
    payment = clp(
        "CLM1",
        "4",
        "80",
        "0",
        "CAS*CO*197*80",
        svc("97110", ("GP",), "80", "0", "CAS*CO*197*80", units=2, ref_6r="L1"),
    )
    report = post(other_org, interchange(transaction(payment)))
    assert report.claim_payments_unmatched == 1 and report.service_payments_unmatched == 1
    assert report.denials_created == 0
    with in_org(other_org):
        assert ClaimPayment.objects.get().claim_id is None
        assert match_unmatched_payments(organization_id=other_org.pk) == 0
        assert ClaimPayment.objects.get().claim_id is None
    with in_org(org):
        assert not ClaimPayment.objects.exists()
        assert not claim.payments.exists() and not Denial.objects.exists()
    # And org A's own file still matches its claim.
    assert post(org, interchange(transaction(payment))).claim_payments_matched == 1
