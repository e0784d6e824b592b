"""Charge scrubber: per-visit checks run before a claim is billed.

Each check catches something payers deny (units the minutes do not support, NCCI
pairs without a distinct-service modifier, missing GP/CQ/KX, visits outside an
authorization or plan of care, overdue progress reports). Catching them before the
claim goes out is far cheaper than working the denial afterwards.

Findings carry a stable ``code`` (a ``FindingCode``, which compares equal to its string
value) so the UI, the API and reports can group and filter them; the ``message`` is for
people and may change. Severity ``error`` means the payer will deny or the claim is
wrong; ``warning`` means money is probably being left on the table or a review risk.

Decisions worth knowing:

* Medicare Part B rules (GP, CQ, KX, progress reports, 90-day certification, 97014)
  apply to payer types in ``medicare_part_b_payer_types`` (default: ``medicare`` only,
  see ``billing.rules.medicare``).
* CMS 8-minute rule: minutes are pooled over the day, so if any timed line lacks minutes
  the units cannot be checked and only ``timed_code_without_minutes`` is reported. When
  two codes tie for the last unit, either code may carry it.
* Lines with a CPT code not in the code table are reported as ``unknown_cpt_code`` and
  left out of the other code-based checks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from billing.rules import authorizations as auth_rules
from billing.rules import medicare
from billing.rules.codes import CPT_CODES, is_known_cpt_code
from billing.rules.ncci import NCCI_PAIRS, NcciPair, ncci_conflicts
from billing.rules.units import (
    CMS_8_MINUTE_RULE,
    UNIT_MINUTES,
    UNIT_RULES,
    UNTIMED_UNITS_PER_ENCOUNTER,
    cms_total_units,
    units_for_rule,
)

Severity = Literal["error", "warning"]

ASSISTANT_CREDENTIALS = frozenset({"PTA", "COTA"})
PHYSICAL_THERAPIST_ASSISTANT = "PTA"
EVALUATION_FAMILY = "evaluation"
# Visit types whose note documents progress, restarting the 10-visit progress-report count.
PROGRESS_DOCUMENTING_VISIT_TYPES = frozenset({"evaluation", "re_evaluation", "discharge"})
# An evaluation visit establishes a new plan of care, so it may fall after the old one ended.
VISIT_TYPES_ALLOWED_AFTER_CERTIFICATION = frozenset({"evaluation"})


class FindingCode(StrEnum):
    UNKNOWN_CPT_CODE = "unknown_cpt_code"
    TIMED_CODE_WITHOUT_MINUTES = "timed_code_without_minutes"
    UNITS_NOT_SUPPORTED_BY_MINUTES = "units_not_supported_by_minutes"
    UNITS_BELOW_MINUTES = "units_below_minutes"
    UNTIMED_CODE_MULTIPLE_UNITS = "untimed_code_multiple_units"
    NCCI_PAIR_WITHOUT_MODIFIER = "ncci_pair_without_modifier"
    GP_MODIFIER_MISSING = "gp_modifier_missing"
    CQ_MODIFIER_MISSING = "cq_modifier_missing"
    EVALUATION_BY_ASSISTANT = "evaluation_by_assistant"
    CODE_NOT_VALID_FOR_MEDICARE = "code_not_valid_for_medicare"
    NO_AUTHORIZATION = "no_authorization"
    AUTHORIZATION_NOT_STARTED = "authorization_not_started"
    AUTHORIZATION_EXPIRED = "authorization_expired"
    AUTHORIZATION_VISIT_CAP_REACHED = "authorization_visit_cap_reached"
    AUTHORIZATION_UNIT_CAP_REACHED = "authorization_unit_cap_reached"
    AFTER_PLAN_OF_CARE_CERTIFICATION = "after_plan_of_care_certification"
    CERTIFICATION_LONGER_THAN_90_DAYS = "certification_longer_than_90_days"
    PROGRESS_REPORT_OVERDUE = "progress_report_overdue"
    KX_MODIFIER_MISSING = "kx_modifier_missing"
    TARGETED_MEDICAL_REVIEW_THRESHOLD = "targeted_medical_review_threshold"


_AUTHORIZATION_FINDINGS: dict[str, tuple[FindingCode, str]] = {
    auth_rules.NO_AUTHORIZATION: (
        FindingCode.NO_AUTHORIZATION,
        "no authorization on file for this payer",
    ),
    auth_rules.NOT_YET_STARTED: (
        FindingCode.AUTHORIZATION_NOT_STARTED,
        "the authorization starts after the date of service",
    ),
    auth_rules.EXPIRED: (
        FindingCode.AUTHORIZATION_EXPIRED,
        "the authorization ended before the date of service",
    ),
    auth_rules.VISIT_CAP_REACHED: (
        FindingCode.AUTHORIZATION_VISIT_CAP_REACHED,
        "all authorized visits are used",
    ),
    auth_rules.UNIT_CAP_REACHED: (
        FindingCode.AUTHORIZATION_UNIT_CAP_REACHED,
        "this visit's units exceed the authorized units left",
    ),
}


@dataclass(frozen=True)
class ScrubLine:
    """One charge line of a visit.

    ``clinician_credential`` overrides the visit's credential for this line (a PT may
    evaluate while a PTA delivers the exercise). ``medicare_allowed_amount`` is the
    expected Medicare allowed amount of the line, used for the KX threshold; when absent
    the 2025 national amount times units is used as an estimate.
    """

    cpt_code: str
    units: int
    charge_amount: Decimal
    minutes: int | None = None
    modifiers: tuple[str, ...] = ()
    clinician_credential: str | None = None
    medicare_allowed_amount: Decimal | None = None

    def has_modifier(self, modifier: str) -> bool:
        return any(existing.strip().upper() == modifier for existing in self.modifiers)


@dataclass(frozen=True)
class ScrubVisit:
    """A visit with everything the scrubber needs, already looked up by the caller.

    ``treatment_visit_number_since_progress_report`` counts treatment visits since the
    evaluation or the last progress report, this visit included (the first treatment
    after the evaluation is 1). ``medicare_therapy_amount_year_to_date`` is the Medicare
    allowed amount of the patient's PT and speech therapy this calendar year *before*
    this visit. ``authorizations`` hold the visits used before this visit.
    """

    date_of_service: date
    payer_id: str
    payer_type: str
    clinician_credential: str
    lines: tuple[ScrubLine, ...]
    unit_rule: str = CMS_8_MINUTE_RULE
    requires_authorization: bool = False
    authorizations: tuple[auth_rules.Authorization, ...] = ()
    visit_type: str = "treatment"
    treatment_visit_number_since_progress_report: int | None = None
    includes_progress_report: bool = False
    plan_of_care_cert_start: date | None = None
    plan_of_care_cert_end: date | None = None
    medicare_therapy_amount_year_to_date: Decimal = Decimal("0")


@dataclass(frozen=True)
class ScrubFinding:
    """One problem found on a visit; ``cpt_code`` is None for visit-level findings."""

    code: str
    severity: Severity
    message: str
    cpt_code: str | None = None


def scrub_visit(
    visit: ScrubVisit,
    *,
    medicare_part_b_payer_types: Iterable[str] = medicare.MEDICARE_PART_B_PAYER_TYPES,
    ncci_pairs: Iterable[NcciPair] = NCCI_PAIRS,
    kx_default_threshold: Decimal = medicare.DEFAULT_KX_THRESHOLD,
) -> list[ScrubFinding]:
    """Every finding for one visit, in a stable order (check by check, line by line).

    Raises ``ValueError`` when the visit's ``unit_rule`` is not a known rule: that is a
    payer set-up error, not a problem with the visit.
    """
    if visit.unit_rule not in UNIT_RULES:
        raise ValueError(
            f"unknown unit rule {visit.unit_rule!r}; expected one of {', '.join(UNIT_RULES)}"
        )
    is_medicare = visit.payer_type in frozenset(medicare_part_b_payer_types)
    known_lines = tuple(line for line in visit.lines if is_known_cpt_code(line.cpt_code))

    findings: list[ScrubFinding] = []
    findings += _unknown_code_findings(visit.lines)
    findings += _minutes_and_units_findings(visit.unit_rule, known_lines)
    findings += _ncci_findings(known_lines, ncci_pairs)
    findings += _credential_findings(visit, known_lines, is_medicare)
    if is_medicare:
        findings += _medicare_code_findings(known_lines)
    if visit.requires_authorization:
        findings += _authorization_findings(visit)
    findings += _plan_of_care_findings(visit, is_medicare)
    if is_medicare:
        findings += _progress_report_findings(visit)
        findings += _kx_findings(visit, known_lines, kx_default_threshold)
    return findings


def _unknown_code_findings(lines: Iterable[ScrubLine]) -> list[ScrubFinding]:
    return [
        ScrubFinding(
            FindingCode.UNKNOWN_CPT_CODE,
            "error",
            f"{line.cpt_code} is not a CPT code this product knows; check the charge",
            line.cpt_code,
        )
        for line in lines
        if not is_known_cpt_code(line.cpt_code)
    ]


def _minutes_and_units_findings(unit_rule: str, lines: tuple[ScrubLine, ...]) -> list[ScrubFinding]:
    findings: list[ScrubFinding] = []
    billed_units: dict[str, int] = {}
    timed_minutes: dict[str, int] = {}
    codes_without_minutes: list[str] = []
    for line in lines:
        code = line.cpt_code
        billed_units[code] = billed_units.get(code, 0) + line.units
        if not CPT_CODES[code].timed:
            continue
        if line.minutes is None:
            findings.append(
                ScrubFinding(
                    FindingCode.TIMED_CODE_WITHOUT_MINUTES,
                    "error",
                    f"{code} is billed in 15-minute units but the line has no minutes",
                    code,
                )
            )
            codes_without_minutes.append(code)
        else:
            timed_minutes[code] = timed_minutes.get(code, 0) + line.minutes

    for code, units in billed_units.items():
        if not CPT_CODES[code].timed and units > UNTIMED_UNITS_PER_ENCOUNTER:
            findings.append(
                ScrubFinding(
                    FindingCode.UNTIMED_CODE_MULTIPLE_UNITS,
                    "error",
                    f"{code} is billed once per encounter but {units} units are billed",
                    code,
                )
            )

    if unit_rule == CMS_8_MINUTE_RULE:
        if codes_without_minutes:
            return findings  # the day's pool of minutes is unknown
        checked_minutes = timed_minutes
        if _is_acceptable_cms_distribution(checked_minutes, billed_units):
            return findings
    else:
        checked_minutes = {
            code: minutes
            for code, minutes in timed_minutes.items()
            if code not in codes_without_minutes
        }
    findings += _units_compared_with_minutes(unit_rule, checked_minutes, billed_units)
    return findings


def _is_acceptable_cms_distribution(
    minutes_by_code: dict[str, int], billed_units: dict[str, int]
) -> bool:
    """True when the billed timed units follow the CMS rule, whichever way a tie was broken.

    The total must match the day's pool; each code carries its whole 15-minute blocks
    plus at most one leftover unit, only codes with leftover minutes carry one, and no
    code without a leftover unit has more leftover minutes than a code that got one.
    """
    total_billed = sum(billed_units[code] for code in minutes_by_code)
    if total_billed != cms_total_units(sum(minutes_by_code.values())):
        return False
    leftovers_with_unit: list[int] = []
    leftovers_without_unit: list[int] = []
    for code, minutes in minutes_by_code.items():
        whole_blocks, leftover = divmod(minutes, UNIT_MINUTES)
        extra = billed_units[code] - whole_blocks
        if extra not in (0, 1) or (extra == 1 and leftover == 0):
            return False
        if extra == 1:
            leftovers_with_unit.append(leftover)
        elif leftover > 0:
            leftovers_without_unit.append(leftover)
    if leftovers_with_unit and leftovers_without_unit:
        return min(leftovers_with_unit) >= max(leftovers_without_unit)
    return True


def _units_compared_with_minutes(
    unit_rule: str, minutes_by_code: dict[str, int], billed_units: dict[str, int]
) -> list[ScrubFinding]:
    expected_units = units_for_rule(unit_rule, minutes_by_code)
    is_cms = unit_rule == CMS_8_MINUTE_RULE
    rule_name = "CMS 8-minute rule" if is_cms else "substantial-portion rule"
    day_total = ""
    if is_cms:
        total_minutes = sum(minutes_by_code.values())
        day_total = (
            f" ({total_minutes} timed minutes on the day allow "
            f"{cms_total_units(total_minutes)} units in total)"
        )
    findings: list[ScrubFinding] = []
    for code, expected in expected_units.items():
        billed = billed_units[code]
        if billed == expected:
            continue
        detail = (
            f"{code}: {billed} units billed, {minutes_by_code[code]} minutes support "
            f"{expected} under the {rule_name}{day_total}"
        )
        if billed > expected:
            findings.append(
                ScrubFinding(FindingCode.UNITS_NOT_SUPPORTED_BY_MINUTES, "error", detail, code)
            )
        else:
            findings.append(ScrubFinding(FindingCode.UNITS_BELOW_MINUTES, "warning", detail, code))
    return findings


def _ncci_findings(
    lines: tuple[ScrubLine, ...], ncci_pairs: Iterable[NcciPair]
) -> list[ScrubFinding]:
    modifiers_by_code: dict[str, list[tuple[str, ...]]] = {}
    for line in lines:
        modifiers_by_code.setdefault(line.cpt_code, []).append(line.modifiers)
    findings: list[ScrubFinding] = []
    for conflict in ncci_conflicts(modifiers_by_code, ncci_pairs):
        pair = conflict.pair
        hint = (
            f"; the modifier is on {pair.column_one} but belongs on {pair.column_two}"
            if conflict.modifier_on_column_one_only
            else ""
        )
        findings.append(
            ScrubFinding(
                FindingCode.NCCI_PAIR_WITHOUT_MODIFIER,
                "error",
                f"{pair.column_two} billed with {pair.column_one} the same day needs 59, XE, "
                f"XS, XP or XU on {pair.column_two} for a distinct service{hint}",
                pair.column_two,
            )
        )
    return findings


def _credential_findings(
    visit: ScrubVisit, lines: tuple[ScrubLine, ...], is_medicare: bool
) -> list[ScrubFinding]:
    findings: list[ScrubFinding] = []
    for line in lines:
        credential = (line.clinician_credential or visit.clinician_credential).strip().upper()
        if is_medicare and not line.has_modifier(medicare.GP_MODIFIER):
            findings.append(
                ScrubFinding(
                    FindingCode.GP_MODIFIER_MISSING,
                    "error",
                    f"{line.cpt_code}: Medicare requires GP on every physical-therapy line",
                    line.cpt_code,
                )
            )
        if (
            is_medicare
            and credential == PHYSICAL_THERAPIST_ASSISTANT
            and not line.has_modifier(medicare.CQ_MODIFIER)
        ):
            findings.append(
                ScrubFinding(
                    FindingCode.CQ_MODIFIER_MISSING,
                    "error",
                    f"{line.cpt_code}: furnished by a PT assistant, so Medicare requires CQ",
                    line.cpt_code,
                )
            )
        if (
            credential in ASSISTANT_CREDENTIALS
            and CPT_CODES[line.cpt_code].family == EVALUATION_FAMILY
        ):
            findings.append(
                ScrubFinding(
                    FindingCode.EVALUATION_BY_ASSISTANT,
                    "error",
                    f"{line.cpt_code}: evaluations and re-evaluations must be performed by "
                    f"the therapist, not a {credential}",
                    line.cpt_code,
                )
            )
    return findings


def _medicare_code_findings(lines: tuple[ScrubLine, ...]) -> list[ScrubFinding]:
    return [
        ScrubFinding(
            FindingCode.CODE_NOT_VALID_FOR_MEDICARE,
            "error",
            f"{line.cpt_code} is not valid for Medicare; bill "
            f"{medicare.NOT_VALID_FOR_MEDICARE[line.cpt_code]} instead",
            line.cpt_code,
        )
        for line in lines
        if line.cpt_code in medicare.NOT_VALID_FOR_MEDICARE
    ]


def _authorization_findings(visit: ScrubVisit) -> list[ScrubFinding]:
    """Coverage of this visit; every billed unit counts against an authorization's unit cap."""
    coverage = auth_rules.authorization_coverage(
        visit.authorizations,
        visit.payer_id,
        visit.date_of_service,
        units_needed=sum(line.units for line in visit.lines),
    )
    if coverage.covered:
        return []
    code, explanation = _AUTHORIZATION_FINDINGS[coverage.reason]
    number = coverage.authorization.auth_number if coverage.authorization else None
    suffix = f" (authorization {number})" if number else ""
    return [
        ScrubFinding(
            code,
            "error",
            f"the payer requires authorization and {explanation}{suffix}",
        )
    ]


def _plan_of_care_findings(visit: ScrubVisit, is_medicare: bool) -> list[ScrubFinding]:
    findings: list[ScrubFinding] = []
    cert_end = visit.plan_of_care_cert_end
    if (
        cert_end is not None
        and visit.date_of_service > cert_end
        and visit.visit_type not in VISIT_TYPES_ALLOWED_AFTER_CERTIFICATION
    ):
        findings.append(
            ScrubFinding(
                FindingCode.AFTER_PLAN_OF_CARE_CERTIFICATION,
                "error",
                f"date of service {visit.date_of_service.isoformat()} is after the plan of "
                f"care certification ended on {cert_end.isoformat()}; recertify",
            )
        )
    cert_start = visit.plan_of_care_cert_start
    if is_medicare and cert_start is not None and cert_end is not None:
        certified_days = (cert_end - cert_start).days + 1
        if certified_days > medicare.MAXIMUM_CERTIFICATION_DAYS:
            findings.append(
                ScrubFinding(
                    FindingCode.CERTIFICATION_LONGER_THAN_90_DAYS,
                    "warning",
                    f"the plan of care is certified for {certified_days} days; Medicare "
                    f"allows at most {medicare.MAXIMUM_CERTIFICATION_DAYS}",
                )
            )
    return findings


def _progress_report_findings(visit: ScrubVisit) -> list[ScrubFinding]:
    number = visit.treatment_visit_number_since_progress_report
    if number is None or number < medicare.PROGRESS_REPORT_INTERVAL_VISITS:
        return []
    if visit.includes_progress_report or visit.visit_type in PROGRESS_DOCUMENTING_VISIT_TYPES:
        return []
    return [
        ScrubFinding(
            FindingCode.PROGRESS_REPORT_OVERDUE,
            "error",
            f"treatment visit {number} since the last progress report; Medicare requires "
            f"one at least every {medicare.PROGRESS_REPORT_INTERVAL_VISITS} treatment visits",
        )
    ]


def _estimated_medicare_amount(line: ScrubLine) -> Decimal:
    if line.medicare_allowed_amount is not None:
        return line.medicare_allowed_amount
    national = CPT_CODES[line.cpt_code].medicare_national_2025
    return national * line.units if national is not None else Decimal("0")


def _kx_findings(
    visit: ScrubVisit, lines: tuple[ScrubLine, ...], kx_default_threshold: Decimal
) -> list[ScrubFinding]:
    """KX on every line once the year's therapy amount goes above the threshold with this visit.

    Medicare counts allowed amounts, so this visit's amount is the lines' expected
    allowed amounts (or the national amount estimate); the claim that crosses the
    threshold already needs KX on its lines.
    """
    year = visit.date_of_service.year
    threshold = medicare.kx_threshold(year, kx_default_threshold)
    before = visit.medicare_therapy_amount_year_to_date
    after = before + sum((_estimated_medicare_amount(line) for line in lines), Decimal("0"))
    findings: list[ScrubFinding] = []
    if after > threshold:
        findings += [
            ScrubFinding(
                FindingCode.KX_MODIFIER_MISSING,
                "error",
                f"{line.cpt_code}: the patient's {year} therapy amount reaches ${after} with "
                f"this visit, above the ${threshold} KX threshold; add KX if medically necessary",
                line.cpt_code,
            )
            for line in lines
            if not line.has_modifier(medicare.KX_MODIFIER)
        ]
    review = medicare.TARGETED_MEDICAL_REVIEW_THRESHOLD
    if before <= review < after:
        findings.append(
            ScrubFinding(
                FindingCode.TARGETED_MEDICAL_REVIEW_THRESHOLD,
                "warning",
                f"this visit takes the patient's {year} therapy amount past ${review}; claims "
                "may be selected for targeted medical review, keep documentation complete",
            )
        )
    return findings
