"""Invariants of the unit rules over arbitrary minutes (hypothesis)."""

from hypothesis import given
from hypothesis import strategies as st

from billing.rules.codes import CPT_CODES
from billing.rules.units import cms_8_minute_units, substantial_portion_units

TIMED_CODES = sorted(code for code, entry in CPT_CODES.items() if entry.timed)
UNTIMED_CODES = sorted(code for code, entry in CPT_CODES.items() if not entry.timed)

timed_minutes = st.dictionaries(
    st.sampled_from(TIMED_CODES), st.integers(min_value=0, max_value=130), max_size=6
)


@given(timed_minutes)
def test_cms_total_units_follow_the_pooled_table(minutes_by_code):
    total = sum(minutes_by_code.values())
    expected = (total + 7) // 15 if total >= 8 else 0
    assert sum(cms_8_minute_units(minutes_by_code).values()) == expected


@given(timed_minutes)
def test_cms_each_code_gets_its_whole_blocks_plus_at_most_one(minutes_by_code):
    units = cms_8_minute_units(minutes_by_code)
    assert list(units) == list(minutes_by_code)
    for code, minutes in minutes_by_code.items():
        whole_blocks, leftover = divmod(minutes, 15)
        assert units[code] in (whole_blocks, whole_blocks + 1)
        if leftover == 0:
            assert units[code] == whole_blocks


@given(timed_minutes)
def test_cms_leftover_units_go_to_the_most_leftover_minutes(minutes_by_code):
    units = cms_8_minute_units(minutes_by_code)
    with_extra = [m % 15 for code, m in minutes_by_code.items() if units[code] > m // 15]
    without_extra = [
        m % 15 for code, m in minutes_by_code.items() if units[code] == m // 15 and m % 15
    ]
    if with_extra and without_extra:
        assert min(with_extra) >= max(without_extra)


@given(timed_minutes, st.randoms(use_true_random=False))
def test_cms_total_does_not_depend_on_input_order(minutes_by_code, random):
    items = list(minutes_by_code.items())
    random.shuffle(items)
    shuffled = dict(items)
    assert sum(cms_8_minute_units(shuffled).values()) == sum(
        cms_8_minute_units(minutes_by_code).values()
    )


@given(
    timed_minutes,
    st.dictionaries(st.sampled_from(UNTIMED_CODES), st.integers(0, 90), max_size=3),
)
def test_untimed_codes_get_one_unit_and_never_change_timed_units(timed, untimed):
    combined = {**timed, **untimed}
    for rule in (cms_8_minute_units, substantial_portion_units):
        result = rule(combined)
        assert {code: result[code] for code in untimed} == dict.fromkeys(untimed, 1)
        assert {code: result[code] for code in timed} == rule(timed)


@given(timed_minutes)
def test_substantial_portion_units_are_minutes_rounded_to_nearest_block(minutes_by_code):
    for code, units in substantial_portion_units(minutes_by_code).items():
        minutes = minutes_by_code[code]
        assert 15 * units - 7 <= minutes <= 15 * units + 7
