"""Billing units from treatment minutes: the CMS 8-minute rule and the substantial-portion rule.

Timed CPT codes are billed in 15-minute units; which rule turns minutes into units is
a payer attribute (``payers.csv`` ``unit_rule``). Minutes are stored per code so that
either rule can be re-run and audited later.

Conventions shared by every function here:

* Input is a mapping ``{cpt_code: minutes}`` for one patient on one date of service.
  The output has the same keys in the same order, so a code with 0 units still appears
  with 0 (a biller can see that the minutes were recorded but did not earn a unit).
* Untimed codes (evaluations, supervised modalities, group therapy) are billed one unit
  per encounter: they get 1 unit whatever their minutes (minutes are often not even
  recorded for them) and their minutes never count toward timed minutes.
* Unknown CPT codes raise ``billing.rules.codes.UnknownCptCodeError``; negative minutes
  raise ``ValueError``.
"""

from __future__ import annotations

from collections.abc import Mapping

from billing.rules.codes import is_timed

UNIT_MINUTES = 15
# A timed service shorter than this earns no unit on its own (the "8-minute" threshold).
MINIMUM_MINUTES_FOR_A_UNIT = 8

CMS_8_MINUTE_RULE = "cms_8_minute"
SUBSTANTIAL_PORTION_RULE = "substantial_portion"
UNIT_RULES = (CMS_8_MINUTE_RULE, SUBSTANTIAL_PORTION_RULE)

UNTIMED_UNITS_PER_ENCOUNTER = 1


def _validated_minutes(minutes_by_code: Mapping[str, int]) -> dict[str, int]:
    minutes: dict[str, int] = {}
    for code, value in minutes_by_code.items():
        if value < 0:
            raise ValueError(f"minutes for {code} cannot be negative (got {value})")
        minutes[code] = int(value)
    return minutes


def total_timed_minutes(minutes_by_code: Mapping[str, int]) -> int:
    """Sum of the minutes of the timed codes only; untimed minutes never count as timed."""
    minutes = _validated_minutes(minutes_by_code)
    return sum(value for code, value in minutes.items() if is_timed(code))


def cms_total_units(total_minutes: int) -> int:
    """Units the CMS 8-minute rule allows for a day's total timed minutes.

    0-7 minutes earn nothing; from 8 minutes on, units = floor((minutes + 7) / 15),
    i.e. 8-22 -> 1, 23-37 -> 2, 38-52 -> 3, ... (rules.md table).
    """
    if total_minutes < 0:
        raise ValueError(f"total timed minutes cannot be negative (got {total_minutes})")
    if total_minutes < MINIMUM_MINUTES_FOR_A_UNIT:
        return 0
    return (total_minutes + MINIMUM_MINUTES_FOR_A_UNIT - 1) // UNIT_MINUTES


def cms_8_minute_units(minutes_by_code: Mapping[str, int]) -> dict[str, int]:
    """Units per code under the CMS 8-minute rule (Medicare and payers that adopt it).

    The timed minutes of all timed codes are pooled to find the day's total units.
    Each timed code first gets its whole 15-minute blocks; the units left over go one
    at a time to the codes with the most leftover minutes (minutes mod 15). Ties are
    broken by input order: the code that appears first in ``minutes_by_code`` wins,
    which keeps the result deterministic for the same documentation.

    Why this never gives a code two extra units: the leftover units are
    floor((sum of leftovers + 7) / 15) and each leftover is at most 14, so there are
    never more leftover units than codes with leftover minutes. Hence 20' + 20' is
    2 + 1, never 3 + 0.
    """
    minutes = _validated_minutes(minutes_by_code)
    units: dict[str, int] = {}
    leftover_by_code: dict[str, int] = {}
    timed_total = 0
    for code, value in minutes.items():
        if is_timed(code):
            units[code] = value // UNIT_MINUTES
            leftover_by_code[code] = value % UNIT_MINUTES
            timed_total += value
        else:
            units[code] = UNTIMED_UNITS_PER_ENCOUNTER

    whole_block_units = sum(units[code] for code in leftover_by_code)
    remaining_units = cms_total_units(timed_total) - whole_block_units
    input_order = {code: position for position, code in enumerate(minutes)}
    by_most_leftover = sorted(
        (code for code, leftover in leftover_by_code.items() if leftover > 0),
        key=lambda code: (-leftover_by_code[code], input_order[code]),
    )
    for code in by_most_leftover[:remaining_units]:
        units[code] += 1
    return units


def substantial_portion_units(minutes_by_code: Mapping[str, int]) -> dict[str, int]:
    """Units per code under the per-code substantial-portion ("AMA") rule.

    Each timed code stands alone, no pooling: floor(minutes / 15), plus one more unit
    when the remainder is 8 minutes or more. Untimed codes get one unit per encounter.
    """
    minutes = _validated_minutes(minutes_by_code)
    units: dict[str, int] = {}
    for code, value in minutes.items():
        if is_timed(code):
            whole_blocks, leftover = divmod(value, UNIT_MINUTES)
            units[code] = whole_blocks + (1 if leftover >= MINIMUM_MINUTES_FOR_A_UNIT else 0)
        else:
            units[code] = UNTIMED_UNITS_PER_ENCOUNTER
    return units


def units_for_rule(rule: str, minutes_by_code: Mapping[str, int]) -> dict[str, int]:
    """Units per code under a payer's ``unit_rule``: ``cms_8_minute`` or ``substantial_portion``."""
    if rule == CMS_8_MINUTE_RULE:
        return cms_8_minute_units(minutes_by_code)
    if rule == SUBSTANTIAL_PORTION_RULE:
        return substantial_portion_units(minutes_by_code)
    raise ValueError(f"unknown unit rule {rule!r}; expected one of {', '.join(UNIT_RULES)}")
