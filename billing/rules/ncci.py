"""NCCI procedure-to-procedure pairs common in physical therapy (same patient, same day).

When both codes of a pair are billed, the payer denies the column-two code (CARC 236
or 97) unless it carries a distinct-service modifier (59 or XE/XS/XP/XU). The pair
table is data (``data/ncci-pairs.csv``) so a biller can extend it without code changes.

Column order is not published for every pair in rules.md. Where the order is not
confirmed (``column_order_confirmed = no``), a distinct-service modifier on *either*
code is accepted: the scrubber should not push billers to move a modifier on the
strength of a guess.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

DISTINCT_SERVICE_MODIFIERS = frozenset({"59", "XE", "XS", "XP", "XU"})


@dataclass(frozen=True)
class NcciPair:
    """Two codes that bundle when billed together; the column-two code needs the modifier."""

    column_one: str
    column_two: str
    column_order_confirmed: bool
    note: str


def _load_pairs() -> tuple[NcciPair, ...]:
    text = (
        resources.files("billing.rules")
        .joinpath("data", "ncci-pairs.csv")
        .read_text(encoding="utf-8")
    )
    return tuple(
        NcciPair(
            column_one=row["column_one"].strip(),
            column_two=row["column_two"].strip(),
            column_order_confirmed=row["column_order_confirmed"].strip().lower() == "yes",
            note=row["note"].strip(),
        )
        for row in csv.DictReader(io.StringIO(text))
    )


NCCI_PAIRS: tuple[NcciPair, ...] = _load_pairs()


def has_distinct_service_modifier(modifiers: Iterable[str]) -> bool:
    """True when any modifier is 59, XE, XS, XP or XU (case-insensitive)."""
    return any(modifier.strip().upper() in DISTINCT_SERVICE_MODIFIERS for modifier in modifiers)


@dataclass(frozen=True)
class NcciConflict:
    """A pair billed together without the distinct-service modifier where it is needed."""

    pair: NcciPair
    modifier_on_column_one_only: bool


def ncci_conflicts(
    modifiers_by_code: dict[str, list[tuple[str, ...]]],
    pairs: Iterable[NcciPair] = NCCI_PAIRS,
) -> list[NcciConflict]:
    """Pairs billed together whose column-two code has no line with a distinct-service modifier.

    ``modifiers_by_code`` maps each billed code to the modifier tuples of its lines (a
    code may be billed on several lines; one line with 59 is enough). For pairs whose
    column order is unconfirmed, a modifier on either code clears the conflict.
    """
    conflicts: list[NcciConflict] = []
    for pair in pairs:
        if pair.column_one not in modifiers_by_code or pair.column_two not in modifiers_by_code:
            continue
        on_column_two = any(
            has_distinct_service_modifier(modifiers)
            for modifiers in modifiers_by_code[pair.column_two]
        )
        on_column_one = any(
            has_distinct_service_modifier(modifiers)
            for modifiers in modifiers_by_code[pair.column_one]
        )
        if on_column_two or (on_column_one and not pair.column_order_confirmed):
            continue
        conflicts.append(NcciConflict(pair=pair, modifier_on_column_one_only=on_column_one))
    return conflicts
