"""``metrics=``: a page asking for a few metrics gets exactly those, with the same
values as in the full document, from either source."""

from __future__ import annotations

import pytest

from tests.metrics.test_filters_groups import PERIOD, two_clinics  # noqa: F401

pytestmark = pytest.mark.django_db
NAMES = ("visits", "gross_charges", "denial_rate", "days_in_ar")


@pytest.mark.parametrize("group_by", [None, "month", "clinic"])
@pytest.mark.parametrize("source", ["direct", "rollup"])
def test_only_the_named_metrics_with_the_full_documents_values(two_clinics, run, group_by, source):  # noqa: F811
    full = run(*PERIOD, group_by=group_by)
    some = run(*PERIOD, group_by=group_by, metrics=NAMES, source=source)
    assert list(some["metrics"]) == list(NAMES)
    assert some["metrics"] == {name: full["metrics"][name] for name in NAMES}
    for group, whole in zip(some.get("groups", []), full.get("groups", []), strict=True):
        assert group["metrics"] == {name: whole["metrics"][name] for name in NAMES}


def test_an_unknown_metric_name_is_an_error(two_clinics, run):  # noqa: F811
    with pytest.raises(ValueError, match="unknown metrics"):
        run(*PERIOD, metrics=("visits", "revenue"))
