"""Clinic and payer filters, grouping by month, clinic and payer."""

from __future__ import annotations

import pytest

from analytics.metrics import MetricFilterError
from tests.metrics.builders import D

PERIOD = (D(2026, 2, 1), D(2026, 3, 31))


@pytest.fixture
def two_clinics(build):
    with build() as b:
        c1, c2 = b.clinic("C1"), b.clinic("C2")
        p1, p2 = b.payer("P1"), b.payer("P2")
        t1, t2 = b.clinician("T1", c1), b.clinician("T2", c2)

        def visit(clinic, therapist, day, amount, payer=None):
            v = b.visit(b.episode(clinic), therapist, day)
            claim = b.claim(v, payer, amount) if payer else None
            b.charge(v, "97110", 1, amount, claim=claim)

        visit(c1, t1, D(2026, 2, 10), "100.00", p1)
        visit(c2, t2, D(2026, 2, 20), "50.00", p2)
        visit(c1, t1, D(2026, 3, 5), "70.00", p2)
        visit(c2, t2, D(2026, 3, 15), "30.00")  # no claim: no payer


def _by_group(document):
    return {
        group["group"]: (
            group["metrics"]["visits"]["value"],
            group["metrics"]["gross_charges"]["value"],
        )
        for group in document["groups"]
    }


@pytest.mark.django_db
def test_filters(two_clinics, run):
    # everything: 4 visits, 100 + 50 + 70 + 30 = 250
    metrics = run(*PERIOD)["metrics"]
    assert (metrics["visits"]["value"], metrics["gross_charges"]["value"]) == (4, "250.00")
    # clinic C1: 100 + 70
    document = run(*PERIOD, clinics=["C1"])
    assert document["filters"]["clinic"] == ["C1"]
    assert document["metrics"]["visits"] == {"value": 2}
    assert document["metrics"]["gross_charges"] == {"value": "170.00"}
    # payer P2 (the visit's claim's payer): C2 02-20 50 + C1 03-05 70
    metrics = run(*PERIOD, payers=["P2"])["metrics"]
    assert (metrics["visits"]["value"], metrics["gross_charges"]["value"]) == (2, "120.00")
    # both: C1 and P2
    metrics = run(*PERIOD, clinics=["C1"], payers=["P2"])["metrics"]
    assert (metrics["visits"]["value"], metrics["gross_charges"]["value"]) == (1, "70.00")


@pytest.mark.django_db
def test_group_by_month_clinic_and_payer(two_clinics, run):
    assert _by_group(run(*PERIOD, group_by="month")) == {
        "2026-02": (2, "150.00"),  # 100 + 50
        "2026-03": (2, "100.00"),  # 70 + 30
    }
    assert _by_group(run(*PERIOD, group_by="clinic")) == {
        "C1": (2, "170.00"),  # 100 + 70
        "C2": (2, "80.00"),  # 50 + 30
    }
    # the visit without a claim has no payer: its own group, null
    assert _by_group(run(*PERIOD, group_by="payer")) == {
        "P1": (1, "100.00"),
        "P2": (2, "120.00"),
        None: (1, "30.00"),
    }
    # grouping by clinic keeps the whole-selection totals beside the groups
    document = run(*PERIOD, group_by="clinic", clinics=["C2"])
    assert document["metrics"]["visits"] == {"value": 2}
    assert _by_group(document) == {"C2": (2, "80.00")}


@pytest.mark.django_db
def test_unknown_ids_and_bad_grouping_are_errors(two_clinics, run):
    with pytest.raises(MetricFilterError, match="unknown clinic id"):
        run(*PERIOD, clinics=["NOPE"])
    with pytest.raises(MetricFilterError, match="group_by"):
        run(*PERIOD, group_by="year")
    with pytest.raises(MetricFilterError, match="after end"):
        run(D(2026, 3, 1), D(2026, 2, 1))
