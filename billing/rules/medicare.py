"""Medicare Part B outpatient therapy facts, kept as data.

Which payer types these rules apply to: only ``medicare`` (original Medicare Part B).
Medicare Advantage plans often copy some of them (GP, CQ, progress reports) but each
plan decides, and a scrubber that flags what the payer does not require trains billers
to ignore it. Add ``medicare_advantage`` to ``MEDICARE_PART_B_PAYER_TYPES`` (or pass
your own set to the scrubber) for an organization whose plans follow Part B.
"""

from __future__ import annotations

from decimal import Decimal

MEDICARE_PART_B_PAYER_TYPES = frozenset({"medicare"})

# KX threshold per beneficiary per calendar year, physical therapy and speech-language
# pathology combined. Above it, every therapy line needs KX (and medical necessity).
KX_THRESHOLDS: dict[int, Decimal] = {
    2021: Decimal("2110.00"),
    2022: Decimal("2150.00"),
    2023: Decimal("2230.00"),
    2024: Decimal("2330.00"),
    2025: Decimal("2410.00"),
    2026: Decimal("2480.00"),
}
# For a year not in the table, the latest known threshold is the best guess (it only
# ever rises); callers may pass their own default.
DEFAULT_KX_THRESHOLD: Decimal = KX_THRESHOLDS[max(KX_THRESHOLDS)]

# Above this, claims may be selected for targeted medical review.
TARGETED_MEDICAL_REVIEW_THRESHOLD = Decimal("3000.00")

# A plan of care is certified for at most 90 days.
MAXIMUM_CERTIFICATION_DAYS = 90

# A progress report is due at least once every 10 treatment days.
PROGRESS_REPORT_INTERVAL_VISITS = 10

GP_MODIFIER = "GP"  # services delivered under a physical-therapy plan of care
CQ_MODIFIER = "CQ"  # service furnished in whole or in part by a PT assistant
KX_MODIFIER = "KX"  # therapy above the threshold is medically necessary

# Codes Medicare does not accept for outpatient PT, and what to bill instead.
NOT_VALID_FOR_MEDICARE: dict[str, str] = {"97014": "G0283"}


def kx_threshold(year: int, default: Decimal = DEFAULT_KX_THRESHOLD) -> Decimal:
    """The KX threshold for a calendar year, or ``default`` for a year not in the table."""
    return KX_THRESHOLDS.get(year, default)
