"""Conversions of X12 element values: amounts and dates.

Why separate: the rules for what counts as a valid amount or date are the
product's contract with payers' files and are tested on their own. The builder
keeps per-file caches in front of these functions because the same few hundred
amounts and dates repeat across a remittance, and a dict lookup is several times
cheaper than constructing a ``Decimal`` or a ``date``.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

__all__ = ["parse_amount", "parse_date", "parse_date_range"]

# X12 "R" (decimal) type: optional sign, digits with an optional decimal point.
# Decimal() alone would also accept "NaN", "Infinity", "1e5" and "1_000".
_AMOUNT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)\Z")


def parse_amount(value: str) -> Decimal:
    """The ``Decimal`` an X12 amount or quantity field says; ``ValueError`` if
    it is not a plain decimal number."""
    if not _AMOUNT.match(value):
        raise ValueError(f"not a number: {value!r}")
    return Decimal(value)


def parse_date(value: str) -> date:
    """A ``CCYYMMDD`` date; ``ValueError`` when malformed or impossible."""
    if len(value) != 8 or not value.isdigit():
        raise ValueError(f"not a CCYYMMDD date: {value!r}")
    return date(int(value[:4]), int(value[4:6]), int(value[6:]))


def parse_date_range(value: str) -> tuple[date, date]:
    """An ``RD8`` range ``CCYYMMDD-CCYYMMDD``."""
    start, sep, end = value.partition("-")
    if not sep:
        raise ValueError(f"not a CCYYMMDD-CCYYMMDD range: {value!r}")
    return parse_date(start), parse_date(end)
