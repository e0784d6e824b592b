"""Posting: remittances, claim and service payments, adjustments, PLB, duplicates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError
from django.db import transaction as db_transaction

from billing.models import (
    Adjustment,
    ClaimPayment,
    ProviderAdjustment,
    Remittance,
    ServicePayment,
)
from billing.remittances import TenantScopeError, post_835_file
from tests.remittances.factories import (
    as_file,
    clp,
    interchange,
    make_claim,
    make_payer,
    svc,
    transaction,
)

pytestmark = pytest.mark.django_db

LINES = [("L1", "97110", ["GP"], 2, "80.00"), ("L2", "97140", ["GP", "59"], 1, "45.00")]


def paid_claim(pcn="CLM1", status="1", sign=""):
    """CLM1 paid 100 of 125: CO-45 on each line, REF*6R on both."""
    return clp(
        pcn,
        status,
        f"{sign}125",
        f"{sign}100",
        svc(
            "97110", ("GP",), f"{sign}80", f"{sign}65", f"CAS*CO*45*{sign}15", units=2, ref_6r="L1"
        ),
        svc("97140", ("GP", "59"), f"{sign}45", f"{sign}35", f"CAS*CO*45*{sign}10", ref_6r="L2"),
    )


def test_remittance_header_and_payer(org, in_org, post):
    with in_org(org):
        payer = make_payer()
    report = post(org, interchange(transaction(paid_claim(), paid="100")), sha256="ab" * 32)
    assert report.ok and report.remittances_created == 1
    with in_org(org):
        remittance = Remittance.objects.get()
        assert remittance.payer_id == payer.pk
        assert remittance.payer_identifier == "PAYER1"
        assert remittance.payer_name == "ACME HEALTH"
        assert remittance.trace_number == "TRACE1"
        assert remittance.payment_date == date(2025, 1, 15)
        assert remittance.total_paid == Decimal("100.00")
        assert remittance.payment_method == "ACH"
        assert remittance.credit_debit == "C"
        assert remittance.payee_name == "ALPHA PT"
        assert remittance.payee_npi == "1234567893"
        assert remittance.file_sequence == 1
        assert remittance.source_file == "test.835"
        assert remittance.source_sha256 == "ab" * 32
        assert remittance.warnings == []


def test_payer_falls_back_to_trn03_when_n1_id_is_unknown(org, in_org, post):
    with in_org(org):
        payer = make_payer("1999999999")
    post(org, interchange(transaction(paid_claim(), paid="100", payer_code="UNKNOWN")))
    with in_org(org):
        remittance = Remittance.objects.get()
        assert remittance.payer_id == payer.pk
        assert remittance.payer_identifier == "1999999999"


def test_unknown_payer_keeps_the_first_identifier(org, in_org, post):
    post(org, interchange(transaction(paid_claim(), paid="100", payer_code="NOPE")))
    with in_org(org):
        remittance = Remittance.objects.get()
        assert remittance.payer_id is None
        assert remittance.payer_identifier == "NOPE"


def test_claim_and_line_level_adjustments_and_rarcs(org, in_org, post):
    with in_org(org):
        make_claim("CLM1", LINES)
    claim = clp(
        "CLM1",
        "1",
        "125",
        "70",
        "CAS*PR*1*20",
        "CAS*CO*253*2.5",
        svc(
            "97110",
            ("GP",),
            "80",
            "45",
            "CAS*CO*45*10*1",
            "AMT*B6*70",
            "LQ*HE*N362",
            "LQ*HE*M15",
            units=2,
            ref_6r="L1",
        ),
        svc("97140", ("GP", "59"), "45", "25", "CAS*CO*45*20", ref_6r="L2"),
    )
    report = post(org, interchange(transaction(claim, paid="70")))
    assert report.adjustments == 4
    with in_org(org):
        payment = ClaimPayment.objects.get()
        claim_level = Adjustment.objects.filter(service_payment=None).order_by("reason_code")
        assert [(a.group_code, a.reason_code, a.amount) for a in claim_level] == [
            ("PR", "1", Decimal("20.00")),
            ("CO", "253", Decimal("2.50")),
        ]
        line = ServicePayment.objects.get(line_item_control_number="L1")
        [adjustment] = line.adjustments.all()
        assert (adjustment.group_code, adjustment.reason_code, adjustment.amount) == (
            "CO",
            "45",
            Decimal("10.00"),
        )
        assert adjustment.quantity == Decimal("1")
        assert adjustment.claim_payment_id == payment.pk
        assert line.remark_codes == ["N362", "M15"]
        assert line.allowed_amount == Decimal("70.00")
        assert line.service_date == date(2025, 1, 10)
        assert (line.cpt_code, line.modifiers, line.units) == ("97110", ["GP"], Decimal("2"))
        assert (line.charge_amount, line.paid_amount) == (Decimal("80.00"), Decimal("45.00"))


def test_reversal_and_correction_post_as_written(org, in_org, post):
    with in_org(org):
        claim = make_claim("CLM1", LINES)
    original = interchange(transaction(paid_claim(), paid="100", trace="T1"))
    post(org, original)
    correction = clp(
        "CLM1",
        "1",
        "125",
        "90",
        svc("97110", ("GP",), "80", "55", "CAS*CO*45*25", units=2, ref_6r="L1"),
        svc("97140", ("GP", "59"), "45", "35", "CAS*CO*45*10", ref_6r="L2"),
    )
    report = post(
        org,
        interchange(
            transaction(
                paid_claim(status="22", sign="-"),
                correction,
                paid="-10",
                trace="T2",
                paid_on="20250201",
            )
        ),
    )
    assert report.ok and report.claim_payments_matched == 2
    assert report.service_payments_matched_by_ref == 4
    with in_org(org):
        payments = ClaimPayment.objects.filter(claim=claim).order_by(
            "remittance__payment_date", "sequence"
        )
        assert [(p.status_code, p.paid_amount) for p in payments] == [
            ("1", Decimal("100.00")),
            ("22", Decimal("-100.00")),
            ("1", Decimal("90.00")),
        ]
        reversal = payments[1]
        assert reversal.charge_amount == Decimal("-125.00")
        assert sorted(a.amount for a in reversal.adjustments.all()) == [
            Decimal("-15.00"),
            Decimal("-10.00"),
        ]
        # Net paid to the first line over all three payments: 65 − 65 + 55.
        line_paid = sum(
            s.paid_amount for s in ServicePayment.objects.filter(charge_line__external_id="L1")
        )
        assert line_paid == Decimal("55.00")


def test_plb_entries_are_stored_per_remittance(org, in_org, post):
    plb = ["PLB*1234567893*20251231*L6:INT1*-1.25*WO:OVERPAY9*20"]
    report = post(org, interchange(transaction(paid_claim(), paid="81.25", plb=plb)))
    assert report.provider_adjustments == 2
    with in_org(org):
        remittance = Remittance.objects.get()
        entries = ProviderAdjustment.objects.filter(remittance=remittance).order_by("amount")
        assert [(e.reason_code, e.reference, e.amount) for e in entries] == [
            ("L6", "INT1", Decimal("-1.25")),
            ("WO", "OVERPAY9", Decimal("20.00")),
        ]
        assert entries[0].provider_identifier == "1234567893"
        assert entries[0].fiscal_period_date == date(2025, 12, 31)


def test_unbalanced_transaction_is_posted_with_warnings(org, in_org, post):
    report = post(org, interchange(transaction(paid_claim(), paid="999")))
    assert report.ok and report.remittances_created == 1
    codes = {w["code"] for w in report.warnings}
    assert "transaction-unbalanced" in codes
    assert all(w["segment_index"] for w in report.warnings if w["code"] == "transaction-unbalanced")
    with in_org(org):
        stored = Remittance.objects.get().warnings
        assert any(w["code"] == "transaction-unbalanced" and w["line"] for w in stored)


def test_duplicate_within_one_file_is_skipped(org, in_org, post):
    body = transaction(paid_claim(), paid="100")
    report = post(org, interchange(body, body, transaction(paid_claim(), paid="100", trace="T9")))
    assert report.transactions_read == 3
    assert report.remittances_created == 2
    assert report.claim_payments_posted == 2
    [duplicate] = report.duplicates
    assert (duplicate.payer_identifier, duplicate.trace_number) == ("PAYER1", "TRACE1")
    assert (duplicate.total_paid, duplicate.payment_date) == (Decimal("100"), date(2025, 1, 15))
    assert duplicate.file_sequence == 2 and duplicate.claims == 1
    assert duplicate.reason == "repeated in this file"
    with in_org(org):
        assert sorted(Remittance.objects.values_list("file_sequence", flat=True)) == [1, 3]


def test_posting_the_same_file_twice_changes_nothing(org, in_org, post):
    with in_org(org):
        make_claim("CLM1", LINES)
    data = interchange(
        transaction(paid_claim(), paid="100", trace="T1"),
        transaction(clp("CLM1", "4", "125", "0", "CAS*CO*197*125"), trace="T2"),
    )
    first = post(org, data)
    assert first.remittances_created == 2 and first.denials_created == 1

    def counts():
        with in_org(org):
            return [
                m.objects.count()
                for m in (Remittance, ClaimPayment, ServicePayment, Adjustment, ProviderAdjustment)
            ]

    before = counts()
    second = post(org, data, filename="again.835")
    assert second.ok
    assert second.remittances_created == 0 and second.claim_payments_posted == 0
    assert second.duplicates_skipped == 2 and second.denials_created == 0
    assert {d.reason for d in second.duplicates} == {"earlier import"}
    assert [d.claims for d in second.duplicates] == [1, 1]
    assert counts() == before


def test_duplicate_from_an_earlier_file_in_a_later_batch(org, in_org, post):
    """The duplicate is found at the flush, after the batch holding its claims began."""
    post(org, interchange(transaction(paid_claim(), paid="100", trace="T1")))
    data = interchange(
        transaction(paid_claim("A"), paid="100", trace="NEW"),
        transaction(paid_claim(), paid="100", trace="T1"),
        transaction(paid_claim("B"), paid="100", trace="NEW2"),
    )
    report = post(org, data, claims_per_batch=1)
    assert report.remittances_created == 2 and report.duplicates_skipped == 1
    with in_org(org):
        assert sorted(ClaimPayment.objects.values_list("patient_control_number", flat=True)) == [
            "A",
            "B",
            "CLM1",
        ]


def test_small_batches_give_the_same_result(org, in_org, post):
    with in_org(org):
        make_claim("CLM1", LINES)
        make_claim("CLM2", [("L9", "97110", ["GP"], 2, "80.00")])
    claims = [
        paid_claim(),
        clp("CLM2", "1", "80", "65", svc("97110", ("GP",), "80", "65", "CAS*CO*45*15", units=2)),
    ]
    report = post(org, interchange(transaction(*claims, paid="165")), claims_per_batch=1)
    assert report.claim_payments_matched == 2
    assert report.service_payments_matched_by_ref == 2
    assert report.service_payments_matched_by_fallback == 1


def test_truncated_file_stores_nothing(org, in_org, post):
    data = interchange(
        transaction(paid_claim(), paid="100", trace="T1"),
        transaction(paid_claim(), paid="100", trace="T2"),
    )
    truncated = data[: data.index(b"TRN*1*T2") + 20]
    report = post(org, truncated, claims_per_batch=1)
    assert not report.ok
    assert "segment" in report.errors[0]
    assert report.remittances_created == 0 and report.claim_payments_posted == 0
    with in_org(org):
        assert not Remittance.objects.exists()
        assert not ClaimPayment.objects.exists()
        assert not Adjustment.objects.exists()


def test_needs_the_tenant_scope(org, other_org, in_org):
    data = interchange(transaction(paid_claim(), paid="100"))
    with pytest.raises(TenantScopeError):
        post_835_file(organization_id=org.pk, fileobj=as_file(data), filename="x")
    with in_org(other_org), pytest.raises(TenantScopeError):
        post_835_file(organization_id=org.pk, fileobj=as_file(data), filename="x")


def test_progress_and_report_dict(org, post):
    seen = []
    report = post(
        org,
        interchange(transaction(paid_claim(), paid="100")),
        progress=lambda r: seen.append(r.claim_payments_posted),
    )
    assert seen == [1]
    data = report.as_dict()
    assert data["ok"] is True and data["claim_payments_posted"] == 1
    assert set(data["timings"]) >= {"copy", "sql", "denials", "parse_and_stage", "total"}


def test_backslashes_and_odd_modifiers_survive_copy(org, in_org, post):
    payment = clp(
        "AB\\CD",
        "1",
        "80",
        "80",
        svc("97110", ("G\\", 'P"'), "80", "80", "LQ*HE*NULL"),
    )
    report = post(org, interchange(transaction(payment, paid="80")))
    assert report.ok
    with in_org(org):
        assert ClaimPayment.objects.get().patient_control_number == "AB\\CD"
        service = ServicePayment.objects.get()
        assert service.modifiers == ["G\\", 'P"'] and service.remark_codes == ["NULL"]


def test_claim_level_remark_codes_are_posted(org, in_org, post):
    """MOA03..07 and MIA05/MIA20..23 are the claim's RARCs, stored on the claim payment."""
    outpatient = clp("CLM1", "1", "125", "100", "MOA***MA01*N1", svc("97110", ("GP",), "125", "100",
                     "CAS*CO*45*25"))  # fmt: skip
    inpatient = clp("CLM2", "1", "80", "80", "MIA*0****MA130" + "*" * 15 + "N2")
    plain = clp("CLM3", "1", "10", "10")
    report = post(org, interchange(transaction(outpatient, inpatient, plain, paid="190")))
    assert report.ok and report.claim_payments_posted == 3
    with in_org(org):
        codes = dict(ClaimPayment.objects.values_list("patient_control_number", "remark_codes"))
    assert codes == {"CLM1": ["MA01", "N1"], "CLM2": ["MA130", "N2"], "CLM3": []}


def test_the_same_payment_without_a_date_is_stored_once(org, in_org, post):
    """BPR16 absent: the payment date is NULL, and NULL dates compare equal, both in
    the posting's duplicate check and in the ``remittance_unique_payment`` constraint."""
    data = interchange(transaction(paid_claim(), paid="100", paid_on=""))
    first = post(org, data)
    assert first.ok and first.remittances_created == 1
    second = post(org, data, filename="again.835")
    assert second.remittances_created == 0 and second.duplicates_skipped == 1
    with in_org(org):
        stored = Remittance.objects.get()
        assert stored.payment_date is None
        copy = {
            "payer_identifier": stored.payer_identifier,
            "trace_number": stored.trace_number,
            "total_paid": stored.total_paid,
            "payment_date": None,
        }
        with pytest.raises(IntegrityError), db_transaction.atomic():
            Remittance.objects.create(**copy)
        # Another date, or another trace, is another payment.
        Remittance.objects.create(**{**copy, "payment_date": date(2025, 1, 16)})
        Remittance.objects.create(**{**copy, "trace_number": "OTHER"})
        assert Remittance.objects.count() == 3


def test_duplicate_spanning_batches_leaves_no_rows(org, in_org, post):
    """A duplicate of an earlier import whose claims and PLB run into later batches:
    the batches after its header's flush (built while that flush ran) drop its rows,
    so nothing of it is stored (no database FK would notice orphans)."""
    plb = ["PLB*1234567893*20251231*WO:OVERPAY9*20"]
    repeated = transaction(
        paid_claim("R1"), paid_claim("R2"), paid_claim("R3"), paid="280", trace="T1", plb=plb
    )
    post(org, interchange(repeated))

    def stored():
        with in_org(org):
            return (
                sorted(ClaimPayment.objects.values_list("patient_control_number", flat=True)),
                ServicePayment.objects.count(),
                Adjustment.objects.count(),
                ProviderAdjustment.objects.count(),
            )

    assert stored() == (["R1", "R2", "R3"], 6, 6, 1)
    data = interchange(
        transaction(paid_claim("A"), paid="100", trace="NEW"),
        repeated,
        transaction(paid_claim("B"), paid="100", trace="NEW2", plb=plb),
    )
    report = post(org, data, claims_per_batch=1)
    assert report.remittances_created == 2 and report.claim_payments_posted == 2
    assert report.claim_payments_read == 5 and report.provider_adjustments == 1
    [duplicate] = report.duplicates
    assert (duplicate.trace_number, duplicate.claims) == ("T1", 3)
    assert stored() == (["A", "B", "R1", "R2", "R3"], 10, 10, 2)
    with in_org(org):
        remittances = set(Remittance.objects.values_list("id", flat=True))
        assert set(ClaimPayment.objects.values_list("remittance_id", flat=True)) <= remittances


def test_batches_ramp_up_to_the_batch_size(org, in_org, post, monkeypatch):
    """A small first batch (the server starts early), then growing ones."""
    from billing.remittances import service

    monkeypatch.setattr(service, "FIRST_BATCH_CLAIMS", 2)
    monkeypatch.setattr(service, "RAMP", 2)
    posted = []
    claims = [paid_claim(f"C{n}") for n in range(20)]
    report = post(
        org,
        interchange(transaction(*claims, paid=str(100 * len(claims)))),
        claims_per_batch=5,
        progress=lambda r: posted.append(r.claim_payments_posted),
    )
    assert report.ok and report.claim_payments_posted == 20
    assert posted == [2, 6, 11, 16, 20]


def test_switch_interval_is_restored(org, post):
    """The posting shortens the GIL switch interval only while it runs, even when it fails."""
    import sys

    before = sys.getswitchinterval()
    assert post(org, interchange(transaction(paid_claim(), paid="100"))).ok
    assert sys.getswitchinterval() == before
    truncated = interchange(transaction(paid_claim(), paid="100"))[:-40]
    assert not post(org, truncated).ok
    assert sys.getswitchinterval() == before
