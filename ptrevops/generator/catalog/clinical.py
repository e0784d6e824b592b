"""What a PT visit looks like, by body region: diagnoses, the CPT codes used, and minutes.

The probabilities are rough shapes from outpatient-orthopedic practice (therapeutic
exercise in almost every visit, manual therapy in most spine and shoulder visits, gait
training after hip and knee surgery, neuromuscular re-education for balance), enough to
give each clinic a plausible code mix and units per visit around 3-4.

``E-STIM`` stands for unattended electrical stimulation: Medicare and Medicare Advantage
take HCPCS G0283, everyone else 97014 (rules.md).
"""

from __future__ import annotations

from dataclasses import dataclass

UNATTENDED_ESTIM = "E-STIM"


@dataclass(frozen=True)
class BodyRegion:
    name: str
    weight: float  # share of new episodes
    diagnoses: tuple[str, ...]  # primary ICD-10-CM codes
    secondary_diagnoses: tuple[str, ...]
    timed_codes: tuple[tuple[str, float], ...]  # (CPT, probability a treatment visit uses it)
    adjunct_codes: tuple[tuple[str, float], ...]  # untimed add-ons, same meaning
    age_range: tuple[int, int]
    post_operative_share: float = 0.0
    occupational_therapy: bool = False  # usually treated by an OT (hand therapy)


BODY_REGIONS: tuple[BodyRegion, ...] = (
    BodyRegion(
        "lumbar_spine",
        0.23,
        ("M54.50", "M54.16", "M51.26", "M48.061", "M54.41", "M54.42"),
        ("M62.81", "M62.830", "R26.89"),
        (
            ("97110", 0.94),
            ("97140", 0.72),
            ("97112", 0.40),
            ("97530", 0.52),
            ("97535", 0.08),
            ("97035", 0.04),
        ),
        (("97012", 0.12), (UNATTENDED_ESTIM, 0.22), ("97010", 0.30)),
        (18, 92),
    ),
    BodyRegion(
        "cervical_spine",
        0.12,
        ("M54.2", "M54.12", "M50.20", "S13.4XXD", "M53.82"),
        ("M62.81", "G44.209"),
        (("97110", 0.92), ("97140", 0.78), ("97112", 0.45), ("97530", 0.36), ("97535", 0.06)),
        (("97012", 0.14), (UNATTENDED_ESTIM, 0.22), ("97010", 0.28)),
        (18, 88),
    ),
    BodyRegion(
        "knee",
        0.21,
        (
            "M25.561",
            "M25.562",
            "M17.11",
            "M17.12",
            "Z96.651",
            "Z96.652",
            "S83.511D",
            "S83.512D",
            "M22.2X1",
            "M22.2X2",
        ),
        ("R26.2", "M62.81", "Z47.1"),
        (("97110", 0.96), ("97140", 0.58), ("97112", 0.42), ("97530", 0.58), ("97116", 0.25)),
        (("97016", 0.22), ("97010", 0.26), (UNATTENDED_ESTIM, 0.16)),
        (14, 90),
        0.35,
    ),
    BodyRegion(
        "shoulder",
        0.17,
        ("M25.511", "M25.512", "M75.101", "M75.102", "M75.41", "M75.42", "M75.01", "M75.02"),
        ("M62.81", "M25.611", "M25.612"),
        (("97110", 0.96), ("97140", 0.76), ("97530", 0.52), ("97112", 0.38), ("97035", 0.04)),
        (("97010", 0.30), (UNATTENDED_ESTIM, 0.18)),
        (16, 90),
        0.25,
    ),
    BodyRegion(
        "hip",
        0.08,
        ("M25.551", "M25.552", "M16.11", "M16.12", "Z96.641", "Z96.642", "M70.61", "M70.62"),
        ("R26.2", "Z47.1", "M62.81"),
        (("97110", 0.96), ("97116", 0.38), ("97530", 0.56), ("97140", 0.45), ("97112", 0.38)),
        (("97010", 0.20), (UNATTENDED_ESTIM, 0.12)),
        (25, 95),
        0.30,
    ),
    BodyRegion(
        "ankle_foot",
        0.08,
        ("S93.401D", "S93.402D", "M76.61", "M76.62", "M72.2", "M25.571", "M25.572"),
        ("R26.89", "M62.81"),
        (
            ("97110", 0.96),
            ("97112", 0.52),
            ("97140", 0.56),
            ("97530", 0.40),
            ("97116", 0.20),
            ("97035", 0.06),
        ),
        (("97010", 0.28), (UNATTENDED_ESTIM, 0.12)),
        (12, 85),
    ),
    BodyRegion(
        "neuro_balance",
        0.06,
        ("R26.81", "R26.89", "Z91.81", "I69.351", "I69.354", "G20", "G35"),
        ("M62.81", "R26.2"),
        (
            ("97112", 0.92),
            ("97116", 0.72),
            ("97530", 0.64),
            ("97110", 0.72),
            ("97535", 0.26),
            ("97542", 0.03),
        ),
        (("97150", 0.03),),
        (45, 96),
    ),
    BodyRegion(
        "hand_wrist",
        0.05,
        (
            "M65.4",
            "G56.01",
            "G56.02",
            "M25.531",
            "M25.532",
            "S52.501D",
            "S52.502D",
            "M79.641",
            "M79.642",
        ),
        ("M62.81",),
        (
            ("97110", 0.92),
            ("97140", 0.68),
            ("97530", 0.52),
            ("97535", 0.20),
            ("97760", 0.16),
            ("97763", 0.03),
        ),
        (("97018", 0.22), ("97010", 0.16)),
        (16, 88),
        0.30,
        occupational_therapy=True,
    ),
)

# ICD-10-CM codes that changed during the years a data set may cover: (code in the
# catalog, code used before the switch date, code used from it, switch date). M54.5 was
# split on 2021-10-01 and Parkinson's disease G20 on 2023-10-01.
ICD10_CHANGES: tuple[tuple[str, str, str, str], ...] = (
    ("M54.50", "M54.5", "M54.50", "2021-10-01"),
    ("G20", "G20", "G20.A1", "2023-10-01"),
)

# Share of each code's Medicare payment that is practice expense, for the multiple
# procedure payment reduction (50% of the practice-expense part of the second and later
# units of the day). Approximations of the 2025 RVU split, not an RVU table.
PRACTICE_EXPENSE_PERMILLE: dict[str, int] = {
    "97161": 430,
    "97162": 430,
    "97163": 430,
    "97164": 450,
    "97110": 470,
    "97112": 450,
    "97113": 520,
    "97116": 460,
    "97124": 480,
    "97140": 430,
    "97150": 620,
    "97530": 470,
    "97535": 460,
    "97542": 460,
    "97750": 470,
    "97760": 420,
    "97761": 430,
    "97763": 420,
    "97012": 720,
    "97016": 760,
    "97018": 800,
    "97022": 790,
    "97024": 820,
    "97026": 800,
    "97028": 800,
    "G0283": 760,
    "97032": 620,
    "97033": 640,
    "97034": 650,
    "97035": 660,
    "97036": 720,
}

# Medicare-equivalent amounts for codes Medicare does not price (bundled 97010, 97014
# billed as G0283): commercial payers still pay them, scaled from these.
REFERENCE_AMOUNT_CENTS_WITHOUT_MEDICARE_PRICE: dict[str, int] = {"97010": 550, "97014": 1229}

# Gross charge per unit = the 2025 Medicare national amount x this, in whole dollars: PT
# chargemasters sit around 2.5-3x Medicare so that no payer's allowed amount exceeds them.
CHARGEMASTER_MULTIPLE_PERMILLE = 2700
CHARGEMASTER_YEARLY_INCREASE_PERMILLE = 30
