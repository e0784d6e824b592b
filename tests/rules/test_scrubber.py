"""The charge scrubber: every flag fires on its case and stays quiet on the clean case."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from billing.rules.authorizations import Authorization
from billing.rules.codes import is_timed
from billing.rules.scrubber import FindingCode, ScrubFinding, ScrubLine, ScrubVisit, scrub_visit


def line(code, units, minutes=None, modifiers=("GP",), **extra) -> ScrubLine:
    return ScrubLine(
        cpt_code=code,
        units=units,
        charge_amount=Decimal("100.00") * units,
        minutes=minutes,
        modifiers=modifiers,
        **extra,
    )


# 23' 97110 + 15' 97140 = 38' -> 3 units: 97110 gets the leftover unit (8 > 0 minutes).
MEDICARE_VISIT = ScrubVisit(
    date_of_service=date(2025, 6, 10),
    payer_id="medicare-b",
    payer_type="medicare",
    clinician_credential="PT",
    lines=(line("97110", 2, 23), line("97140", 1, 15)),
    unit_rule="cms_8_minute",
    visit_type="treatment",
    treatment_visit_number_since_progress_report=3,
    plan_of_care_cert_start=date(2025, 6, 1),
    plan_of_care_cert_end=date(2025, 8, 29),
    medicare_therapy_amount_year_to_date=Decimal("0"),
)

AETNA_MARCH_TO_JUNE = Authorization(
    payer_id="aetna",
    start_date=date(2025, 3, 1),
    end_date=date(2025, 6, 30),
    visits_authorized=12,
    visits_used=4,
    auth_number="A-77",
)

COMMERCIAL_VISIT = ScrubVisit(
    date_of_service=date(2025, 6, 10),
    payer_id="aetna",
    payer_type="commercial",
    clinician_credential="PT",
    lines=(line("97110", 2, 33, ()), line("97140", 0, 7, ())),
    unit_rule="substantial_portion",
    requires_authorization=True,
    authorizations=(AETNA_MARCH_TO_JUNE,),
    treatment_visit_number_since_progress_report=12,
)


def codes(findings: list[ScrubFinding]) -> list[tuple[str, str | None]]:
    return [(finding.code, finding.cpt_code) for finding in findings]


def test_clean_medicare_visit_has_no_findings():
    assert scrub_visit(MEDICARE_VISIT) == []


def test_clean_commercial_visit_has_no_findings():
    assert scrub_visit(COMMERCIAL_VISIT) == []


def test_finding_codes_compare_equal_to_plain_strings():
    assert FindingCode.GP_MODIFIER_MISSING == "gp_modifier_missing"


def test_unknown_unit_rule_is_a_setup_error():
    with pytest.raises(ValueError, match="unknown unit rule"):
        scrub_visit(replace(MEDICARE_VISIT, unit_rule="per_visit"))


def test_unknown_code_is_reported_and_skipped_by_other_checks():
    visit = replace(MEDICARE_VISIT, lines=(*MEDICARE_VISIT.lines, line("99213", 1, 15, ())))
    assert scrub_visit(visit) == [
        ScrubFinding(
            "unknown_cpt_code",
            "error",
            "99213 is not a CPT code this product knows; check the charge",
            "99213",
        )
    ]


# --- units and minutes -------------------------------------------------------------


def test_cms_units_above_what_the_minutes_support():
    visit = replace(MEDICARE_VISIT, lines=(line("97110", 3, 23), line("97140", 1, 15)))
    assert scrub_visit(visit) == [
        ScrubFinding(
            "units_not_supported_by_minutes",
            "error",
            "97110: 3 units billed, 23 minutes support 2 under the CMS 8-minute rule "
            "(38 timed minutes on the day allow 3 units in total)",
            "97110",
        )
    ]


def test_cms_units_below_what_the_minutes_support_is_a_warning():
    visit = replace(MEDICARE_VISIT, lines=(line("97110", 1, 23), line("97140", 1, 15)))
    assert codes(scrub_visit(visit)) == [("units_below_minutes", "97110")]
    assert scrub_visit(visit)[0].severity == "warning"


def test_cms_worked_example_billed_as_substantial_portion_is_flagged():
    # 24' + 23' billed 2 + 2 (per-code) but CMS allows 3 in total.
    visit = replace(MEDICARE_VISIT, lines=(line("97112", 2, 24), line("97110", 2, 23)))
    assert codes(scrub_visit(visit)) == [("units_not_supported_by_minutes", "97110")]


def test_cms_short_leftover_that_wins_the_unit_is_accepted():
    visit = replace(MEDICARE_VISIT, lines=(line("97110", 2, 33), line("97140", 1, 7)))
    assert scrub_visit(visit) == []


def test_cms_unit_moved_to_the_wrong_code_is_flagged():
    visit = replace(MEDICARE_VISIT, lines=(line("97110", 3, 33), line("97140", 0, 7)))
    assert codes(scrub_visit(visit)) == [
        ("units_not_supported_by_minutes", "97110"),
        ("units_below_minutes", "97140"),
    ]


@pytest.mark.parametrize(("first_units", "second_units"), [(2, 1), (1, 2)])
def test_cms_tie_may_be_broken_either_way(first_units, second_units):
    visit = replace(
        MEDICARE_VISIT,
        lines=(line("97112", first_units, 20), line("97110", second_units, 20)),
    )
    assert scrub_visit(visit) == []


def test_cms_tie_never_three_of_one_code():
    visit = replace(MEDICARE_VISIT, lines=(line("97112", 3, 20), line("97110", 0, 20)))
    assert codes(scrub_visit(visit)) == [
        ("units_not_supported_by_minutes", "97112"),
        ("units_below_minutes", "97110"),
    ]


def test_cms_minutes_of_one_code_split_over_two_lines_are_added():
    visit = replace(
        MEDICARE_VISIT,
        lines=(
            line("97530", 1, 10),
            line("97530", 1, 14, ("GP", "59")),
            line("97140", 1, 15, ("GP",)),
        ),
    )
    # 97140 and 97530 bundle; the 59 on a 97530 line covers it. 39' -> 3 units.
    assert scrub_visit(visit) == []


def test_substantial_portion_short_service_earns_no_unit():
    visit = replace(COMMERCIAL_VISIT, lines=(line("97110", 2, 33, ()), line("97140", 1, 7, ())))
    assert scrub_visit(visit) == [
        ScrubFinding(
            "units_not_supported_by_minutes",
            "error",
            "97140: 1 units billed, 7 minutes support 0 under the substantial-portion rule",
            "97140",
        )
    ]


def test_substantial_portion_allows_per_code_rounding_cms_would_not():
    visit = replace(COMMERCIAL_VISIT, lines=(line("97112", 2, 24, ()), line("97110", 2, 23, ())))
    assert scrub_visit(visit) == []


def test_timed_code_without_minutes_skips_the_cms_unit_check():
    visit = replace(MEDICARE_VISIT, lines=(line("97110", 5, None), line("97140", 1, 15)))
    assert scrub_visit(visit) == [
        ScrubFinding(
            "timed_code_without_minutes",
            "error",
            "97110 is billed in 15-minute units but the line has no minutes",
            "97110",
        )
    ]


def test_substantial_portion_still_checks_codes_that_have_minutes():
    visit = replace(COMMERCIAL_VISIT, lines=(line("97110", 2, None, ()), line("97140", 1, 7, ())))
    assert codes(scrub_visit(visit)) == [
        ("timed_code_without_minutes", "97110"),
        ("units_not_supported_by_minutes", "97140"),
    ]


def test_untimed_code_needs_no_minutes_and_one_unit():
    visit = replace(MEDICARE_VISIT, lines=(line("97016", 1), *MEDICARE_VISIT.lines))
    assert scrub_visit(visit) == []


def test_untimed_code_with_more_than_one_unit():
    visit = replace(MEDICARE_VISIT, lines=(line("97016", 2), *MEDICARE_VISIT.lines))
    assert codes(scrub_visit(visit)) == [("untimed_code_multiple_units", "97016")]


# --- NCCI pairs ----------------------------------------------------------------------


def ncci_visit(*lines: ScrubLine) -> ScrubVisit:
    return replace(COMMERCIAL_VISIT, unit_rule="cms_8_minute", lines=lines)


def test_ncci_pair_without_modifier_flags_the_column_two_code():
    visit = ncci_visit(line("97140", 1, 15, ()), line("97530", 1, 15, ()))
    assert scrub_visit(visit) == [
        ScrubFinding(
            "ncci_pair_without_modifier",
            "error",
            "97530 billed with 97140 the same day needs 59, XE, XS, XP or XU on 97530 for a "
            "distinct service",
            "97530",
        )
    ]


@pytest.mark.parametrize("modifier", ["59", "XE", "XS", "XP", "XU", "xu"])
def test_ncci_pair_with_distinct_service_modifier_on_column_two(modifier):
    visit = ncci_visit(line("97140", 1, 15, ()), line("97530", 1, 15, (modifier,)))
    assert scrub_visit(visit) == []


def test_ncci_modifier_on_the_column_one_code_says_where_it_belongs():
    visit = ncci_visit(line("97140", 1, 15, ("59",)), line("97530", 1, 15, ()))
    [finding] = scrub_visit(visit)
    assert finding.code == "ncci_pair_without_modifier"
    assert finding.cpt_code == "97530"
    assert finding.message.endswith("; the modifier is on 97140 but belongs on 97530")


def test_ncci_other_modifiers_do_not_count():
    visit = ncci_visit(line("97140", 1, 15, ()), line("97530", 1, 15, ("GP", "KX")))
    assert codes(scrub_visit(visit)) == [("ncci_pair_without_modifier", "97530")]


@pytest.mark.parametrize(
    ("column_one", "column_two"),
    [
        ("97161", "97140"),
        ("97162", "97140"),
        ("97163", "97140"),
        ("97012", "97140"),
    ],
)
def test_ncci_confirmed_pairs(column_one, column_two):
    def minutes(code):
        return 15 if is_timed(code) else None

    first = line(column_one, 1, minutes(column_one), ())
    flagged = ncci_visit(first, line(column_two, 1, minutes(column_two), ()))
    cleared = ncci_visit(first, line(column_two, 1, minutes(column_two), ("59",)))
    assert codes(scrub_visit(flagged)) == [("ncci_pair_without_modifier", column_two)]
    assert scrub_visit(cleared) == []


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("97164", "97530"),
        ("97164", "97112"),
        ("97164", "97535"),
        ("97164", "97150"),
        ("97110", "97150"),
        ("97542", "97150"),
        ("97012", "97018"),
        ("97012", "97164"),
        ("97016", "97018"),
        ("97016", "97026"),
        ("97016", "97164"),
    ],
)
def test_ncci_unconfirmed_order_pairs_accept_the_modifier_on_either_code(first, second):
    def pair_lines(first_modifiers, second_modifiers):
        # Timed codes need minutes to pass the unit check; untimed codes need none.
        return ncci_visit(
            line(first, 1, 15 if is_timed(first) else None, first_modifiers),
            line(second, 1, 15 if is_timed(second) else None, second_modifiers),
        )

    [finding] = scrub_visit(pair_lines((), ()))
    assert finding.code == "ncci_pair_without_modifier"
    assert scrub_visit(pair_lines(("59",), ())) == []
    assert scrub_visit(pair_lines((), ("XU",))) == []


def test_ncci_codes_that_do_not_pair_are_not_flagged():
    visit = ncci_visit(line("97110", 1, 15, ()), line("97112", 1, 15, ()))
    assert scrub_visit(visit) == []


# --- discipline and assistant modifiers ------------------------------------------------


def test_medicare_line_without_gp():
    visit = replace(MEDICARE_VISIT, lines=(line("97110", 2, 23, ()), line("97140", 1, 15)))
    assert scrub_visit(visit) == [
        ScrubFinding(
            "gp_modifier_missing",
            "error",
            "97110: Medicare requires GP on every physical-therapy line",
            "97110",
        )
    ]


@pytest.mark.parametrize("payer_type", ["commercial", "medicare_advantage", "workers_comp"])
def test_gp_is_not_required_outside_medicare_part_b(payer_type):
    visit = replace(COMMERCIAL_VISIT, payer_type=payer_type)
    assert scrub_visit(visit) == []


def test_medicare_part_b_payer_types_are_configurable():
    visit = replace(COMMERCIAL_VISIT, payer_type="medicare_advantage")
    findings = scrub_visit(visit, medicare_part_b_payer_types={"medicare", "medicare_advantage"})
    assert ("gp_modifier_missing", "97110") in codes(findings)


def test_pta_line_on_medicare_without_cq():
    visit = replace(MEDICARE_VISIT, clinician_credential="PTA")
    assert codes(scrub_visit(visit)) == [
        ("cq_modifier_missing", "97110"),
        ("cq_modifier_missing", "97140"),
    ]


def test_pta_lines_with_cq_are_clean():
    visit = replace(
        MEDICARE_VISIT,
        clinician_credential="PTA",
        lines=(line("97110", 2, 23, ("GP", "CQ")), line("97140", 1, 15, ("GP", "cq"))),
    )
    assert scrub_visit(visit) == []


def test_cq_is_not_required_for_a_pt_or_outside_medicare():
    assert scrub_visit(replace(COMMERCIAL_VISIT, clinician_credential="PTA")) == []


def test_line_credential_overrides_the_visit_credential():
    visit = replace(
        MEDICARE_VISIT,
        clinician_credential="PT",
        lines=(line("97110", 2, 23, ("GP",), clinician_credential="PTA"), line("97140", 1, 15)),
    )
    assert codes(scrub_visit(visit)) == [("cq_modifier_missing", "97110")]


@pytest.mark.parametrize("credential", ["PTA", "COTA"])
def test_evaluation_billed_by_an_assistant(credential):
    visit = replace(
        COMMERCIAL_VISIT, clinician_credential=credential, lines=(line("97161", 1, None, ()),)
    )
    assert codes(scrub_visit(visit)) == [("evaluation_by_assistant", "97161")]


def test_evaluation_by_a_therapist_is_clean():
    visit = replace(COMMERCIAL_VISIT, lines=(line("97164", 1, None, ()),))
    assert scrub_visit(visit) == []


def test_unattended_electrical_stimulation_code_is_not_valid_for_medicare():
    visit = replace(MEDICARE_VISIT, lines=(*MEDICARE_VISIT.lines, line("97014", 1)))
    [finding] = scrub_visit(visit)
    assert (finding.code, finding.cpt_code) == ("code_not_valid_for_medicare", "97014")
    assert finding.message == "97014 is not valid for Medicare; bill G0283 instead"
    with_g0283 = replace(MEDICARE_VISIT, lines=(*MEDICARE_VISIT.lines, line("G0283", 1)))
    assert scrub_visit(with_g0283) == []
    assert (
        scrub_visit(replace(COMMERCIAL_VISIT, lines=(*COMMERCIAL_VISIT.lines, line("97014", 1))))
        == []
    )


# --- authorizations ------------------------------------------------------------------


def test_visit_with_no_authorization_for_the_payer():
    visit = replace(COMMERCIAL_VISIT, authorizations=())
    assert scrub_visit(visit) == [
        ScrubFinding(
            "no_authorization",
            "error",
            "the payer requires authorization and no authorization on file for this payer",
        )
    ]


def test_visit_over_the_authorized_visit_cap():
    capped = replace(AETNA_MARCH_TO_JUNE, visits_used=12)
    visit = replace(COMMERCIAL_VISIT, authorizations=(capped,))
    assert scrub_visit(visit) == [
        ScrubFinding(
            "authorization_visit_cap_reached",
            "error",
            "the payer requires authorization and all authorized visits are used "
            "(authorization A-77)",
        )
    ]


def test_last_authorized_visit_is_covered():
    last = replace(AETNA_MARCH_TO_JUNE, visits_used=11)
    assert scrub_visit(replace(COMMERCIAL_VISIT, authorizations=(last,))) == []


@pytest.mark.parametrize(
    ("date_of_service", "expected"),
    [
        (date(2025, 2, 28), "authorization_not_started"),
        (date(2025, 3, 1), None),
        (date(2025, 6, 30), None),
        (date(2025, 7, 1), "authorization_expired"),
    ],
)
def test_visit_outside_the_authorization_window(date_of_service, expected):
    findings = scrub_visit(replace(COMMERCIAL_VISIT, date_of_service=date_of_service))
    assert [finding.code for finding in findings] == ([expected] if expected else [])


def test_billed_units_count_against_a_unit_cap():
    unit_capped = replace(AETNA_MARCH_TO_JUNE, units_authorized=30, units_used=29)
    visit = replace(COMMERCIAL_VISIT, authorizations=(unit_capped,))
    assert codes(scrub_visit(visit)) == [("authorization_unit_cap_reached", None)]


def test_authorization_is_not_checked_when_the_payer_does_not_require_it():
    visit = replace(COMMERCIAL_VISIT, requires_authorization=False, authorizations=())
    assert scrub_visit(visit) == []


# --- plan of care and progress reports -------------------------------------------------


def test_visit_after_the_certification_end():
    visit = replace(MEDICARE_VISIT, date_of_service=date(2025, 8, 30))
    assert scrub_visit(visit) == [
        ScrubFinding(
            "after_plan_of_care_certification",
            "error",
            "date of service 2025-08-30 is after the plan of care certification ended on "
            "2025-08-29; recertify",
        )
    ]


def test_visit_on_the_certification_end_is_clean():
    assert scrub_visit(replace(MEDICARE_VISIT, date_of_service=date(2025, 8, 29))) == []


def test_evaluation_after_the_old_certification_starts_a_new_plan():
    visit = replace(
        MEDICARE_VISIT,
        date_of_service=date(2025, 9, 2),
        visit_type="evaluation",
        lines=(line("97161", 1),),
    )
    assert scrub_visit(visit) == []


def test_commercial_visit_after_the_certification_end_is_flagged_too():
    visit = replace(COMMERCIAL_VISIT, plan_of_care_cert_end=date(2025, 6, 9))
    assert codes(scrub_visit(visit)) == [("after_plan_of_care_certification", None)]


def test_medicare_certification_longer_than_90_days():
    visit = replace(MEDICARE_VISIT, plan_of_care_cert_end=date(2025, 8, 30))
    [finding] = scrub_visit(visit)
    assert finding == ScrubFinding(
        "certification_longer_than_90_days",
        "warning",
        "the plan of care is certified for 91 days; Medicare allows at most 90",
    )


@pytest.mark.parametrize(
    ("visit_number", "visit_type", "includes_progress_report", "flagged"),
    [
        (9, "treatment", False, False),
        (10, "treatment", False, True),
        (14, "treatment", False, True),
        (10, "treatment", True, False),
        (10, "re_evaluation", False, False),
        (12, "discharge", False, False),
        (None, "treatment", False, False),
    ],
)
def test_progress_report_every_10_treatment_visits(
    visit_number, visit_type, includes_progress_report, flagged
):
    visit = replace(
        MEDICARE_VISIT,
        treatment_visit_number_since_progress_report=visit_number,
        visit_type=visit_type,
        includes_progress_report=includes_progress_report,
    )
    expected = [("progress_report_overdue", None)] if flagged else []
    assert codes(scrub_visit(visit)) == expected


def test_progress_report_message():
    visit = replace(MEDICARE_VISIT, treatment_visit_number_since_progress_report=10)
    assert scrub_visit(visit)[0].message == (
        "treatment visit 10 since the last progress report; Medicare requires one at least "
        "every 10 treatment visits"
    )


def test_progress_report_rule_is_medicare_only():
    # COMMERCIAL_VISIT is already at treatment visit 12.
    assert scrub_visit(COMMERCIAL_VISIT) == []


# --- KX threshold ----------------------------------------------------------------------


def kx_visit(year: int, year_to_date: str, allowed: str, modifiers=("GP",)) -> ScrubVisit:
    return replace(
        MEDICARE_VISIT,
        date_of_service=date(year, 6, 10),
        plan_of_care_cert_start=None,
        plan_of_care_cert_end=None,
        lines=(line("97110", 1, 15, modifiers, medicare_allowed_amount=Decimal(allowed)),),
        medicare_therapy_amount_year_to_date=Decimal(year_to_date),
    )


@pytest.mark.parametrize(
    ("year", "threshold"),
    [
        (2021, "2110.00"),
        (2022, "2150.00"),
        (2023, "2230.00"),
        (2024, "2330.00"),
        (2025, "2410.00"),
        (2026, "2480.00"),
        (2027, "2480.00"),
        (2020, "2480.00"),
    ],
)
def test_kx_threshold_by_year(year, threshold):
    below = Decimal(threshold) - Decimal("10.00")
    at_threshold = kx_visit(year, str(below), "10.00")
    above_threshold = kx_visit(year, str(below), "10.01")
    with_kx = kx_visit(year, str(below), "10.01", ("GP", "KX"))
    assert scrub_visit(at_threshold) == []
    assert codes(scrub_visit(above_threshold)) == [("kx_modifier_missing", "97110")]
    assert scrub_visit(with_kx) == []


def test_kx_message_names_the_amounts():
    [finding] = scrub_visit(kx_visit(2025, "2400.00", "28.79"))
    assert finding == ScrubFinding(
        "kx_modifier_missing",
        "error",
        "97110: the patient's 2025 therapy amount reaches $2428.79 with this visit, above the "
        "$2410.00 KX threshold; add KX if medically necessary",
        "97110",
    )


def test_kx_estimate_uses_the_national_amount_when_allowed_is_unknown():
    # 2 x 28.79 + 27.17 = 84.75 -> 2326 + 84.75 = 2410.75 > 2410.
    over = replace(MEDICARE_VISIT, medicare_therapy_amount_year_to_date=Decimal("2326.00"))
    under = replace(MEDICARE_VISIT, medicare_therapy_amount_year_to_date=Decimal("2325.25"))
    assert codes(scrub_visit(over)) == [
        ("kx_modifier_missing", "97110"),
        ("kx_modifier_missing", "97140"),
    ]
    assert scrub_visit(under) == []


def test_kx_default_threshold_is_configurable():
    visit = kx_visit(2031, "2500.00", "10.00")
    assert codes(scrub_visit(visit)) == [("kx_modifier_missing", "97110")]
    assert scrub_visit(visit, kx_default_threshold=Decimal("2600.00")) == []


def test_kx_is_medicare_only():
    visit = replace(kx_visit(2025, "5000.00", "30.00"), payer_type="commercial")
    assert scrub_visit(visit) == []


def test_targeted_medical_review_warning_when_the_visit_crosses_3000():
    findings = scrub_visit(kx_visit(2025, "2990.00", "28.79", ("GP", "KX")))
    assert codes(findings) == [("targeted_medical_review_threshold", None)]
    assert findings[0].severity == "warning"
    assert scrub_visit(kx_visit(2025, "3010.00", "28.79", ("GP", "KX"))) == []
