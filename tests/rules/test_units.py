"""Units from minutes: the rules.md worked examples and the CMS table boundaries."""

import pytest

from billing.rules.codes import UnknownCptCodeError
from billing.rules.units import (
    cms_8_minute_units,
    cms_total_units,
    substantial_portion_units,
    total_timed_minutes,
    units_for_rule,
)

# --- CMS 8-minute rule -------------------------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "units"),
    [
        (0, 0),
        (7, 0),
        (8, 1),
        (15, 1),
        (22, 1),
        (23, 2),
        (37, 2),
        (38, 3),
        (52, 3),
        (53, 4),
        (67, 4),
        (68, 5),
        (82, 5),
        (83, 6),
        (97, 6),
        (98, 7),
        (112, 7),
        (113, 8),
        (127, 8),
        (128, 9),
    ],
)
def test_cms_table_boundaries(minutes, units):
    assert cms_total_units(minutes) == units
    assert cms_8_minute_units({"97110": minutes}) == {"97110": units}


def test_cms_worked_example_24_and_23_minutes():
    assert cms_8_minute_units({"97112": 24, "97110": 23}) == {"97112": 2, "97110": 1}


def test_cms_worked_example_leftover_under_8_minutes_still_wins():
    assert cms_8_minute_units({"97110": 33, "97140": 7}) == {"97110": 2, "97140": 1}


def test_cms_worked_example_tie_is_two_and_one_never_three():
    assert cms_8_minute_units({"97112": 20, "97110": 20}) == {"97112": 2, "97110": 1}


def test_cms_tie_goes_to_the_code_listed_first():
    assert cms_8_minute_units({"97110": 20, "97112": 20}) == {"97110": 2, "97112": 1}


def test_cms_three_short_services_pool_into_one_unit_for_the_first_listed():
    assert cms_8_minute_units({"97110": 7, "97112": 7, "97140": 7}) == {
        "97110": 1,
        "97112": 0,
        "97140": 0,
    }


def test_cms_two_short_services_under_8_minutes_in_total_earn_nothing():
    assert cms_8_minute_units({"97110": 4, "97140": 3}) == {"97110": 0, "97140": 0}


def test_cms_whole_blocks_stay_with_their_code():
    # 45 + 10 = 55 minutes -> 4 units: 3 whole blocks of 97110, leftover unit to 97140.
    assert cms_8_minute_units({"97110": 45, "97140": 10}) == {"97110": 3, "97140": 1}


def test_cms_leftover_unit_goes_to_most_leftover_minutes_not_input_order():
    # 38 minutes -> 3 units; whole blocks 1 + 1; leftovers 97110 3, 97140 8.
    assert cms_8_minute_units({"97110": 18, "97140": 23}) == {"97110": 1, "97140": 2}


def test_cms_untimed_codes_get_one_unit_and_do_not_pool_minutes():
    assert cms_8_minute_units({"97161": 45, "97110": 7}) == {"97161": 1, "97110": 0}
    assert cms_8_minute_units({"97010": 0, "97150": 30, "97112": 8}) == {
        "97010": 1,
        "97150": 1,
        "97112": 1,
    }


def test_cms_keeps_input_order_and_zero_unit_codes():
    result = cms_8_minute_units({"97140": 2, "97110": 30})
    assert list(result) == ["97140", "97110"]
    assert result == {"97140": 0, "97110": 2}


def test_cms_empty_visit():
    assert cms_8_minute_units({}) == {}


# --- substantial-portion rule ------------------------------------------------------


def test_substantial_portion_worked_example_33_and_7_minutes():
    assert substantial_portion_units({"97110": 33, "97140": 7}) == {"97110": 2, "97140": 0}


def test_substantial_portion_worked_example_24_and_23_minutes():
    assert substantial_portion_units({"97112": 24, "97110": 23}) == {"97112": 2, "97110": 2}


@pytest.mark.parametrize(
    ("minutes", "units"),
    [(0, 0), (7, 0), (8, 1), (15, 1), (22, 1), (23, 2), (30, 2), (37, 2), (38, 3), (127, 8)],
)
def test_substantial_portion_boundaries(minutes, units):
    assert substantial_portion_units({"97530": minutes}) == {"97530": units}


def test_substantial_portion_untimed_codes_get_one_unit():
    assert substantial_portion_units({"97162": 50, "97016": 0, "97110": 7}) == {
        "97162": 1,
        "97016": 1,
        "97110": 0,
    }


# --- shared helpers ----------------------------------------------------------------


def test_units_for_rule_dispatches_on_the_payer_rule():
    minutes = {"97110": 33, "97140": 7}
    assert units_for_rule("cms_8_minute", minutes) == {"97110": 2, "97140": 1}
    assert units_for_rule("substantial_portion", minutes) == {"97110": 2, "97140": 0}


def test_units_for_rule_rejects_unknown_rules():
    with pytest.raises(ValueError, match="unknown unit rule 'ama'"):
        units_for_rule("ama", {"97110": 30})


def test_total_timed_minutes_ignores_untimed_minutes():
    assert total_timed_minutes({"97161": 45, "97110": 23, "97140": 7, "97150": 30}) == 30
    assert total_timed_minutes({}) == 0


@pytest.mark.parametrize(
    "function", [cms_8_minute_units, substantial_portion_units, total_timed_minutes]
)
def test_negative_minutes_are_rejected(function):
    with pytest.raises(ValueError, match="cannot be negative"):
        function({"97110": -1})


@pytest.mark.parametrize("function", [cms_8_minute_units, substantial_portion_units])
def test_unknown_codes_raise(function):
    with pytest.raises(UnknownCptCodeError):
        function({"99213": 15})
