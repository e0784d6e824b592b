"""CPT and CARC reference tables, loaded once from the CSV files shipped in ``data/``.

The product cannot read the shared domain folder at run time, so the two tables are
copied into the package. They are loaded at import time because every caller needs
them and they are small (tens of rows).

Unknown CPT codes: ``is_timed`` and ``cpt_code`` raise ``UnknownCptCodeError`` (a
``KeyError``). Guessing "untimed" for a code we have never seen would silently give
it one unit per encounter; a billing rule engine should rather refuse and let the
caller (for example the scrubber) report the code.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources

# CARC category returned for a claim adjustment reason code missing from the table.
OTHER_ROOT_CAUSE = "other"


@dataclass(frozen=True)
class CptCode:
    """One CPT/HCPCS code a PT clinic bills, and whether it is billed in 15-minute units."""

    code: str
    service: str
    timed: bool
    family: str
    medicare_national_2025: Decimal | None


@dataclass(frozen=True)
class CarcCategory:
    """A claim adjustment reason code (CARC) and the denial root cause it maps to."""

    carc: str
    usual_group: str
    category: str
    meaning: str


class UnknownCptCodeError(KeyError):
    """Raised when a CPT code is not in the product's code table."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code

    def __str__(self) -> str:
        return f"unknown CPT code {self.code!r}: not in billing/rules/data/cpt-codes.csv"


def _read_data_file(name: str) -> list[dict[str, str]]:
    text = resources.files("billing.rules").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _parse_yes_no(value: str) -> bool:
    cleaned = value.strip().lower()
    if cleaned not in {"yes", "no"}:
        raise ValueError(f"expected yes or no in cpt-codes.csv 'timed' column, got {value!r}")
    return cleaned == "yes"


def _load_cpt_codes() -> dict[str, CptCode]:
    codes: dict[str, CptCode] = {}
    for row in _read_data_file("cpt-codes.csv"):
        amount = row["medicare_national_2025_usd"].strip()
        codes[row["code"].strip()] = CptCode(
            code=row["code"].strip(),
            service=row["service"].strip(),
            timed=_parse_yes_no(row["timed"]),
            family=row["family"].strip(),
            medicare_national_2025=Decimal(amount) if amount else None,
        )
    return codes


def _load_carc_categories() -> dict[str, CarcCategory]:
    categories: dict[str, CarcCategory] = {}
    for row in _read_data_file("carc-categories.csv"):
        carc = row["carc"].strip()
        categories[carc] = CarcCategory(
            carc=carc,
            usual_group=row["usual_group"].strip(),
            category=row["category"].strip(),
            meaning=row["meaning"].strip(),
        )
    return categories


CPT_CODES: dict[str, CptCode] = _load_cpt_codes()
CARC_CATEGORIES: dict[str, CarcCategory] = _load_carc_categories()


def cpt_code(code: str) -> CptCode:
    """Return the table entry for ``code``; raise ``UnknownCptCodeError`` if it is not listed."""
    try:
        return CPT_CODES[code.strip()]
    except KeyError:
        raise UnknownCptCodeError(code) from None


def is_known_cpt_code(code: str) -> bool:
    """True when ``code`` is in the product's CPT table."""
    return code.strip() in CPT_CODES


def is_timed(code: str) -> bool:
    """True when ``code`` is billed in 15-minute units; raise ``UnknownCptCodeError`` if unknown."""
    return cpt_code(code).timed


def carc_root_cause(carc: str) -> str:
    """Denial root cause for a claim adjustment reason code, or ``"other"`` when unlisted.

    The 835 may carry codes with leading zeros or padding ("045"), so the code is
    normalised before lookup; alphanumeric codes such as ``B7`` are matched in upper case.
    """
    normalised = carc.strip().upper()
    if normalised.isdigit():
        normalised = str(int(normalised))
    category = CARC_CATEGORIES.get(normalised)
    return category.category if category else OTHER_ROOT_CAUSE
