"""What the parser reads out of each segment, field by field."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from billing.x12 import (
    Adjustment,
    ClaimPayment,
    Entity,
    ProviderAdjustment,
    ServicePayment,
    WarningCode,
)
from tests.x12.conftest import SIMPLE_835, parse_bytes, x12


def _one(text: str):
    (txn,), _ = parse_bytes(x12(text))
    return txn


def test_header_payer_and_payee():
    txn = _one(SIMPLE_835)
    assert txn.st_control_number == "0001"
    assert (txn.segment_index, txn.line) == (3, 1)
    assert txn.version == "005010X221A1"
    assert txn.interchange_control_number == "000000001"
    assert txn.group_control_number == "1"
    assert (txn.sender_id, txn.receiver_id) == ("PAYER", "CLINIC")
    assert txn.handling_code == "I"
    assert txn.total_paid == Decimal("150")
    assert isinstance(txn.total_paid, Decimal)
    assert txn.credit_debit == "C"
    assert txn.payment_method == "ACH"
    assert txn.payment_format == "CCP"
    assert txn.payment_date == date(2026, 1, 15)
    assert (txn.trace_type, txn.trace_number, txn.originator_id) == ("1", "EFT0001", "1512345678")
    assert txn.production_date == date(2026, 1, 14)
    assert txn.payer.name == "ACME HEALTH"
    assert (txn.payer.id_qualifier, txn.payer.identifier) == ("XV", "ACME01")
    assert txn.payer.ref("2U") == "ACME-2U"
    assert txn.payer_identifier == "ACME01"
    assert txn.payee.name == "SUNRISE PT"
    assert txn.payee.npi == "1234567893"
    assert txn.payee.ref("TJ") == "123456789"
    assert txn.payee.ref("PQ") is None
    assert txn.segment_count == txn.declared_segment_count == 26
    assert txn.claim_count == 1
    assert txn.total_claim_paid == Decimal("150")
    assert txn.provider_adjustments == []
    assert txn.warnings == []
    assert txn.complete


def test_payer_identifier_falls_back_to_ref_2u_then_trn03():
    txn = _one(SIMPLE_835.replace("N1*PR*ACME HEALTH*XV*ACME01", "N1*PR*ACME HEALTH"))
    assert txn.payer_identifier == "ACME-2U"
    txn = _one(
        SIMPLE_835.replace("N1*PR*ACME HEALTH*XV*ACME01", "N1*PR*ACME HEALTH").replace(
            "REF*2U*ACME-2U\n", ""
        )
    )
    assert txn.payer_identifier == "1512345678"


def test_claim_fields():
    claim = _one(SIMPLE_835).claims[0]
    assert claim == ClaimPayment(
        patient_control_number="CLAIM1",
        status_code="1",
        charge=Decimal("200"),
        paid=Decimal("150"),
        patient_responsibility=Decimal("20"),
        filing_indicator="12",
        payer_claim_control_number="PCN1",
        facility_code="11",
        frequency_code="1",
        segment_index=12,
        line=1,
        patient=Entity("1", "DOE", "JANE", "Q", "MI", "M1"),
        insured=None,
        rendering_provider=Entity("1", "SMITH", "PAT", "", "XX", "1999999984"),
        statement_from=date(2026, 1, 5),
        statement_to=date(2026, 1, 6),
        received_date=None,
        adjustments=[],
        remark_codes=[],
        references=[],
        services=claim.services,
    )
    assert claim.rendering_provider.npi == "1999999984"
    assert claim.patient.npi is None
    assert not claim.is_reversal


def test_service_lines():
    first, second = _one(SIMPLE_835).claims[0].services
    assert first == ServicePayment(
        qualifier="HC",
        procedure_code="97110",
        modifiers=["GP", "59"],
        charge=Decimal("120"),
        paid=Decimal("90"),
        units=Decimal("2"),
        segment_index=17,
        line=1,
        service_date_from=date(2026, 1, 5),
        service_date_to=date(2026, 1, 5),
        line_item_control_number="LINE1",
        allowed_amount=Decimal("110"),
        adjustments=[
            Adjustment("CO", "45", Decimal("10"), Decimal("1"), 19),
            Adjustment("CO", "253", Decimal("0"), Decimal("0"), 19),
            Adjustment("PR", "3", Decimal("20"), None, 20),
        ],
        remark_codes=["N130"],
    )
    assert first.service_date == date(2026, 1, 5)
    # SVC05 blank (and absent) means one unit.
    assert second.units == Decimal("1")
    assert second.modifiers == ["GP"]
    assert second.allowed_amount is None
    assert second.line_item_control_number == "LINE2"


def test_cas_with_six_triplets_is_flattened():
    text = SIMPLE_835.replace(
        "CAS*PR*3*20",
        "CAS*PR*1*5*1*2*4*2*3*3*3*119*2**187*3*1.5*100*3",
    ).replace("REF*6R*LINE1", "CAS*OA*23*-3\nREF*6R*LINE1")
    svc = _one(text).claims[0].services[0]
    assert [(a.group, a.carc, a.amount, a.quantity) for a in svc.adjustments] == [
        ("CO", "45", Decimal("10"), Decimal("1")),
        ("CO", "253", Decimal("0"), Decimal("0")),
        ("PR", "1", Decimal("5"), Decimal("1")),
        ("PR", "2", Decimal("4"), Decimal("2")),
        ("PR", "3", Decimal("3"), Decimal("3")),
        ("PR", "119", Decimal("2"), None),
        ("PR", "187", Decimal("3"), Decimal("1.5")),
        ("PR", "100", Decimal("3"), None),
        ("OA", "23", Decimal("-3"), None),
    ]
    assert {a.segment_index for a in svc.adjustments[2:8]} == {20}


def test_plb_with_composite_reason_codes():
    text = SIMPLE_835.replace(
        "SE*26*0001",
        "PLB*PROV01*20261231*WO:CLAIM9*25.50*L6:INT*-1.25*FB*3\n"
        "PLB*PROV01*20261231*72>REF9*-2\n"
        "SE*28*0001",
    )
    txn = _one(text)
    assert txn.provider_adjustments == [
        ProviderAdjustment("PROV01", date(2026, 12, 31), "WO", "CLAIM9", Decimal("25.50"), 28, 1),
        ProviderAdjustment("PROV01", date(2026, 12, 31), "L6", "INT", Decimal("-1.25"), 28, 1),
        ProviderAdjustment("PROV01", date(2026, 12, 31), "FB", "", Decimal("3"), 28, 1),
        # ">" is not this file's component separator: the composite stays whole.
        ProviderAdjustment("PROV01", date(2026, 12, 31), "72>REF9", "", Decimal("-2"), 29, 1),
    ]
    assert txn.total_provider_adjustments == Decimal("25.25")
    # 150 paid on claims − 25.25 of PLB is not the BPR02 of 150: a warning, not an error.
    assert [w.code for w in txn.warnings] == [WarningCode.TRANSACTION_UNBALANCED]


def test_reversal_and_correction_claims():
    reversal = """
    CLP*CLAIM1*22*-200*-150*-20*12*PCN1*11*1
    NM1*QC*1*DOE*JANE****MI*M1
    SVC*HC:97110*-200*-150**-2
    DTM*472*20260105
    CAS*CO*45*-30
    CAS*PR*3*-20
    CLP*CLAIM1*1*200*140*20*12*PCN2*11*7
    NM1*QC*1*DOE*JANE****MI*M1
    SVC*HC:97110*200*140**2
    DTM*472*20260105
    CAS*CO*45*40
    CAS*PR*3*20
    """
    body = "\n".join(line.strip() for line in reversal.strip().splitlines())
    lines = SIMPLE_835.strip().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("CLP"))
    end = next(i for i, line in enumerate(lines) if line.startswith("SE"))
    text = "\n".join(lines[:start] + [body] + lines[end:])
    text = text.replace("BPR*I*150*", "BPR*I*-10*").replace("SE*26*", "SE*22*")
    txn = _one(text)
    back, again = txn.claims
    assert back.is_reversal and not again.is_reversal
    assert (back.charge, back.paid, back.patient_responsibility) == (
        Decimal("-200"),
        Decimal("-150"),
        Decimal("-20"),
    )
    assert back.services[0].units == Decimal("-2")
    assert [a.amount for a in back.services[0].adjustments] == [Decimal("-30"), Decimal("-20")]
    assert again.frequency_code == "7"
    assert txn.total_claim_paid == Decimal("-10")
    assert txn.warnings == []  # reversals balance by the same rules


def test_original_procedure_range_dates_and_other_references():
    text = SIMPLE_835.replace(
        "SVC*HC:97140:GP*80*60\nDTM*472*20260106",
        "SVC*HC:97140:GP*80*60*0420*1*HC:97124:GP:KX*3\nDTM*150*20260106\nDTM*151*20260109\n"
        "REF*LU*11\nREF*HPI*1999999984",
    ).replace("SE*26*", "SE*29*")
    svc = _one(text).claims[0].services[1]
    assert svc.revenue_code == "0420"
    assert svc.procedure_code == "97140"
    assert (svc.original_qualifier, svc.original_procedure_code) == ("HC", "97124")
    assert svc.original_modifiers == ["GP", "KX"]
    assert svc.original_units == Decimal("3")
    assert (svc.service_date_from, svc.service_date_to) == (date(2026, 1, 6), date(2026, 1, 9))
    assert svc.references == [("LU", "11"), ("HPI", "1999999984")]
    assert svc.line_item_control_number == "LINE2"


def test_rd8_date_range():
    text = SIMPLE_835.replace("DTM*472*20260106", "DTM*472****RD8*20260106-20260108")
    svc = _one(text).claims[0].services[1]
    assert (svc.service_date_from, svc.service_date_to) == (date(2026, 1, 6), date(2026, 1, 8))


def test_claim_level_remarks_references_and_dates():
    text = SIMPLE_835.replace(
        "DTM*232*20260105",
        "NM1*IL*1*DOE*JOHN****MI*SUB1\nMIA*0***12.5*MA01*****************N20*N30\n"
        "MOA*0.5*10*MA130**N362\nREF*F8*ORIGINALPCN\nREF*EA*MRN77\nDTM*050*20260110\n"
        "DTM*232*20260105",
    ).replace("SE*26*", "SE*32*")
    claim = _one(text).claims[0]
    assert claim.insured == Entity("1", "DOE", "JOHN", "", "MI", "SUB1")
    assert claim.remark_codes == ["MA01", "N20", "N30", "MA130", "N362"]
    assert claim.references == [("F8", "ORIGINALPCN"), ("EA", "MRN77")]
    assert claim.ref("F8") == "ORIGINALPCN"
    assert claim.ref("1L") is None
    assert claim.received_date == date(2026, 1, 10)


def test_claim_without_service_lines():
    lines = SIMPLE_835.strip().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("SVC"))
    end = next(i for i, line in enumerate(lines) if line.startswith("SE"))
    text = "\n".join(lines[:start] + ["CAS*CO*45*30", "CAS*PR*3*20"] + lines[end:])
    text = text.replace("SE*26*", "SE*18*")
    claim = _one(text).claims[0]
    assert claim.services == []
    assert [(a.group, a.carc, a.amount) for a in claim.adjustments] == [
        ("CO", "45", Decimal("30")),
        ("PR", "3", Decimal("20")),
    ]


def test_several_claims_and_lx_groups():
    lines = SIMPLE_835.strip().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("LX"))
    end = next(i for i, line in enumerate(lines) if line.startswith("SE"))
    claim = lines[start + 1 : end]
    second = [line.replace("CLAIM1", "CLAIM2") for line in claim]
    text = "\n".join(lines[:end] + second + ["LX*2"] + claim + lines[end:])
    text = text.replace("BPR*I*150*", "BPR*I*450*").replace("SE*26*", "SE*59*")
    txn = _one(text)
    assert [c.patient_control_number for c in txn.claims] == ["CLAIM1", "CLAIM2", "CLAIM1"]
    assert [len(c.services) for c in txn.claims] == [2, 2, 2]
    assert txn.claims[2].segment_index == 45
    assert txn.warnings == []


def test_recoverable_oddities_are_warnings():
    text = (
        SIMPLE_835.replace("CAS*PR*3*20", "CAS*PR*3*20\nCAS*grp_code*reason_code*amount*quantity")
        .replace("DTM*233*20260106", "DTM*233*20261306")
        .replace("AMT*B6*110", "AMT*B6*110\nXYZ*1*2")
        .replace("CLP*CLAIM1*1*200*150*", "CLP*CLAIM1*1**150*")
        .replace("SE*26*", "SE*28*")
    )
    txn = _one(text)
    codes = [(w.code, w.segment_index) for w in txn.warnings]
    assert codes == [
        (WarningCode.MISSING_AMOUNT, 12),
        (WarningCode.BAD_DATE, 16),
        (WarningCode.INVALID_CAS_GROUP, 21),
        (WarningCode.UNKNOWN_SEGMENT, 24),
        (WarningCode.CLAIM_UNBALANCED, 12),  # CLP03 read as 0; Σ SVC03 still = CLP04
    ]
    claim = txn.claims[0]
    assert claim.charge == Decimal("0")
    assert claim.statement_to is None
    assert txn.warnings[0].message == "CLP03 is empty but an amount is required; read as 0"
    assert txn.warnings[1].message == "DTM233 date '20261306' is not a valid date"


def test_se_count_and_control_number_mismatches_are_warnings():
    txn = _one(SIMPLE_835.replace("SE*26*0001", "SE*25*0002"))
    assert [(w.code, w.message) for w in txn.warnings] == [
        (WarningCode.SE_COUNT, "SE01 says '25' segments but the transaction has 26"),
        (WarningCode.SE_CONTROL_NUMBER, "SE02 '0002' does not match ST02 '0001'"),
    ]
    assert txn.declared_segment_count == 25


def test_envelope_trailer_mismatches_are_file_warnings():
    text = SIMPLE_835.replace("GE*1*1", "GE*2*9").replace("IEA*1*000000001", "IEA*3*000000009")
    (txn,), reader = parse_bytes(x12(text))
    assert txn.warnings == []
    assert [(w.code, w.segment_index) for w in reader.warnings] == [
        (WarningCode.GE_COUNT, 29),
        (WarningCode.GE_CONTROL_NUMBER, 29),
        (WarningCode.IEA_COUNT, 30),
        (WarningCode.IEA_CONTROL_NUMBER, 30),
    ]


def test_second_payee_loop_is_a_warning():
    text = SIMPLE_835.replace("SE*26*", "N1*PE*OTHER PT*XX*1111111112\nSE*27*")
    txn = _one(text)
    assert txn.payee.name == "SUNRISE PT"
    assert [w.code for w in txn.warnings] == [WarningCode.EXTRA_PAYEE]


def test_warning_alias_and_str():
    from billing.x12 import Warning, X12Warning

    assert Warning is X12Warning
    warning = X12Warning("se-count", "SE01 says '2'", 7, 3)
    assert str(warning) == "[se-count] SE01 says '2' (segment 7, line 3)"
    assert str(X12Warning("x", "y")) == "[x] y"
