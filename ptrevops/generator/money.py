"""Money as integer cents.

The generator never touches ``float``: every amount is an ``int`` number of cents, which is
exact like a two-place ``Decimal`` but several times cheaper to add and compare in the
per-line hot loop. Amounts become text only when a CSV row or an X12 segment is written.
"""

from __future__ import annotations

from decimal import Decimal

# Text of every amount below $1,000: most charge lines, allowed amounts and adjustments are,
# and a list lookup is several times cheaper than formatting.
_SMALL_AMOUNTS: tuple[str, ...] = tuple(
    f"{cents // 100}.{cents % 100:02d}" for cents in range(100_000)
)


def format_cents(cents: int) -> str:
    """``12345`` -> ``"123.45"``; ``-5`` -> ``"-0.05"``; always two decimal places."""
    if 0 <= cents < 100_000:
        return _SMALL_AMOUNTS[cents]
    if cents < 0:
        return "-" + format_cents(-cents)
    return f"{cents // 100}.{cents % 100:02d}"


def cents_from_text(text: str) -> int:
    """Parse a decimal string such as ``"98.01"`` into cents (exactly, through ``Decimal``)."""
    return int((Decimal(text) * 100).to_integral_value())


def rounded_share(cents: int, numerator: int, denominator: int) -> int:
    """``cents * numerator / denominator`` rounded half up, for non-negative amounts.

    Used for percentages (coinsurance, sequestration, the 85% PTA rate, MPPR) so that the
    rounding rule is the same everywhere and the 835 always balances to the cent.
    """
    return (2 * cents * numerator + denominator) // (2 * denominator)


def as_decimal(cents: int) -> Decimal:
    """Cents as a two-place ``Decimal`` (for summaries and callers that want ``Decimal``)."""
    return Decimal(cents).scaleb(-2)
