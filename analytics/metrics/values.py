"""The three shapes a metric takes: a count, an amount of money, a ratio.

Money stays ``Decimal`` from SQL ``numeric`` to the JSON string; a ratio keeps its
numerator and denominator so a reader can check it, and its value is ``None`` when
the denominator is 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")
RATIO_PLACES = Decimal("0.000001")


def money(value: Decimal | int | None) -> Decimal | None:
    if value is None:
        return None
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def ratio_value(numerator, denominator) -> Decimal | None:
    if numerator is None or denominator is None or denominator == 0:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(
        RATIO_PLACES, rounding=ROUND_HALF_UP
    )


@dataclass(frozen=True)
class Count:
    value: int | None
    extras: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Money:
    value: Decimal | None
    extras: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Ratio:
    """``numerator`` / ``denominator``: ints are counts, ``Decimal`` is money.

    ``exact`` overrides the value when the shown denominator is itself rounded
    (days in A/R shows average daily charges).
    """

    numerator: int | Decimal | None
    denominator: int | Decimal | None
    extras: dict[str, Any] = field(default_factory=dict)
    exact: Decimal | None = None
    denominator_places: int = 2

    @property
    def value(self) -> Decimal | None:
        if self.exact is not None or self.denominator in (None, 0):
            return self.exact
        return ratio_value(self.numerator, self.denominator)


@dataclass(frozen=True)
class NotApplicable:
    """A metric the selection cannot be attributed to (PLB under a clinic filter)."""

    reason: str
    ratio: bool = False


Metric = Count | Money | Ratio | NotApplicable
