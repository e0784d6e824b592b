"""Chart builders: names on category axes are cut short but stay whole in the hover.

The builders return plain figure dicts (no plotly validation on each request): these
tests keep plotly's schema check, and compare every builder's JSON with what the
graph_objects builders produced before (``figures_expected.json``)."""

import base64
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from analytics.dashboards import figures

CLINICS = [
    "Horizon Physical Therapy - St. Petersburg",
    "Horizon Physical Therapy - Dallas",
    "Horizon Physical Therapy - Dallas, Westgate",
]
LONG_PAYER = "Florida Workers' Compensation Joint Underwriting Association"
HOSTILE = "</script><b>Tom & Jerry's</b>"
EXPECTED = Path(__file__).with_name("figures_expected.json")
NAN = float("nan")


def test_tick_labels_drop_the_prefix_every_name_shares():
    assert figures.tick_labels(CLINICS) == ["St. Petersburg", "Dallas", "Dallas, Westgate"]


def test_tick_labels_cut_long_names_at_24_characters():
    labels = figures.tick_labels([LONG_PAYER, "Aetna", "Medicare Part B FL - First Coast"])
    assert labels == ["Florida Workers' Compen…", "Aetna", "Medicare Part B FL - Fi…"]
    assert all(len(label) <= figures.TICK_LABEL_CHARACTERS for label in labels)


def test_tick_labels_keep_a_name_that_is_all_prefix():
    # "Dallas" is the start of "Dallas, Westgate": dropping it would leave nothing
    assert figures.tick_labels(["Dallas", "Dallas, Westgate"]) == ["Dallas", "Dallas, Westgate"]
    # one name: nothing shared to drop
    assert figures.tick_labels(["Horizon Physical Therapy - Mesa"]) == ["Horizon Physical Therap…"]


def test_aging_bars_are_horizontal_with_whole_names_as_categories():
    frame = pd.DataFrame(
        [
            {"label": LONG_PAYER, "0-30": 10.0, "31-60": 5.0},
            {"label": "Aetna", "0-30": 1.0, "31-60": 0.0},
        ]
    )
    figure = figures.stacked_bars(frame, x="label", columns=["0-30", "31-60"])
    assert [trace["orientation"] for trace in figure["data"]] == ["h", "h"]
    assert list(figure["data"][0]["y"]) == [LONG_PAYER, "Aetna"]
    axis = figure["layout"]["yaxis"]
    assert list(axis["tickvals"]) == [LONG_PAYER, "Aetna"]
    assert list(axis["ticktext"]) == ["Florida Workers' Compen…", "Aetna"]
    assert axis["automargin"] is True
    assert axis["autorange"] == "reversed"  # the table's first row on top
    assert figure["layout"]["xaxis"]["tickprefix"] == "$"
    assert figures.has_data(figure)


# -- every builder against plotly's schema and the graph_objects builders' JSON ----------


def _months(values, *, mature=None, column="value"):
    frame = pd.DataFrame(
        {"period": [f"2026-{month:02d}" for month in range(1, len(values) + 1)], column: values}
    )
    frame["mature"] = mature if mature is not None else [True] * len(values)
    return frame


def _by_clinic():
    return pd.DataFrame(
        {
            "label": [*CLINICS, "Horizon Physical Therapy - Mesa"],
            "period": ["C1", "C2", "C3", "C4"],
            "ncrpv": [112.5, NAN, 98.25, 131.0],
            "visits": [120, 0, 75, 310],
            "utilization": [0.81, 0.6425, NAN, 0.97],
        }
    )


def _by_payer():
    return pd.DataFrame(
        {
            "label": [LONG_PAYER, "Aetna", HOSTILE],
            "0-30": [1200.5, 80.0, 0.0],
            "31-60": [300.0, NAN, 10.0],
            "61-90": [0.0, 0.0, 0.0],
            "visit_share": [0.5, 0.3, 0.2],
            "net_share": [0.45, 0.35, NAN],
            "prior": [10, 4, 0],
            "current": [12, 3, 1],
        }
    )


EMPTY_MONTHS = pd.DataFrame(
    {
        "period": pd.Series([], dtype=object),
        "value": pd.Series([], dtype=float),
        "mature": pd.Series([], dtype=object),
    }
)
EMPTY_CLINICS = pd.DataFrame(
    {
        "label": pd.Series([], dtype=object),
        "period": pd.Series([], dtype=object),
        "ncrpv": pd.Series([], dtype=float),
    }
)
EMPTY_PAYERS = _by_payer().iloc[0:0]
WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def builder_cases() -> dict[str, tuple[str, dict]]:
    """Case id → (builder name, keyword arguments): each builder with NaN values, an
    empty frame, a reference line, money/percent/count variants."""
    hours = list(range(7, 11))
    return {
        "trend-money": (
            "trend_with_maturity",
            {
                "frame": _months([101.5, NAN, 120.25, 99.0], mature=[True, True, False, None]),
                "value": "value",
                "label": "NCRPV",
                "money": True,
            },
        ),
        "trend-count": (
            "trend_with_maturity",
            {"frame": _months([3, 0, 7]), "value": "value", "label": "Visits", "money": False},
        ),
        "trend-empty": (
            "trend_with_maturity",
            {"frame": EMPTY_MONTHS, "value": "value", "label": "NCRPV", "money": True},
        ),
        "trend-all-nan": (
            "trend_with_maturity",
            {"frame": _months([NAN, NAN]), "value": "value", "label": "NCRPV", "money": True},
        ),
        "monthly": (
            "monthly_bars",
            {
                "frame": _months([310, 0, 295], column="visits"),
                "value": "visits",
                "label": "Visits",
            },
        ),
        "monthly-nan": (
            "monthly_bars",
            {"frame": _months([NAN, 4.0], column="visits"), "value": "visits", "label": "Visits"},
        ),
        "monthly-zero": (
            "monthly_bars",
            {"frame": _months([0, 0], column="visits"), "value": "visits", "label": "Visits"},
        ),
        "monthly-empty": (
            "monthly_bars",
            {"frame": EMPTY_MONTHS, "value": "value", "label": "Visits"},
        ),
        "comparison-money-reference": (
            "comparison_bars",
            {
                "frame": _by_clinic(),
                "value": "ncrpv",
                "label": "NCRPV",
                "reference": 114.75,
                "money": True,
            },
        ),
        "comparison-percent-reference": (
            "comparison_bars",
            {
                "frame": _by_clinic(),
                "value": "utilization",
                "label": "Utilization",
                "reference": 0.8,
                "money": False,
                "percent": True,
            },
        ),
        "comparison-count": (
            "comparison_bars",
            {
                "frame": _by_clinic(),
                "value": "visits",
                "label": "Visits",
                "reference": None,
                "money": False,
            },
        ),
        "comparison-hostile-names": (
            "comparison_bars",
            {
                "frame": _by_payer(),
                "value": "prior",
                "label": "A<b>&",
                "reference": 3.0,
                "money": False,
            },
        ),
        "comparison-empty": (
            "comparison_bars",
            {
                "frame": EMPTY_CLINICS,
                "value": "ncrpv",
                "label": "NCRPV",
                "reference": None,
                "money": True,
            },
        ),
        "comparison-empty-reference": (
            "comparison_bars",
            {
                "frame": EMPTY_CLINICS,
                "value": "ncrpv",
                "label": "NCRPV",
                "reference": 100.0,
                "money": True,
            },
        ),
        "category-count": (
            "category_bars",
            {
                "frame": pd.DataFrame({"cause": ["Eligibility", LONG_PAYER], "claims": [4, 0]}),
                "x": "cause",
                "value": "claims",
                "label": "Denied",
            },
        ),
        "category-money": (
            "category_bars",
            {
                "frame": pd.DataFrame({"carc": ["CO-45", "PR-1", "CO-97"], "amt": [10.5, NAN, 3]}),
                "x": "carc",
                "value": "amt",
                "label": "Denied $",
                "money": True,
            },
        ),
        "category-percent": (
            "category_bars",
            {
                "frame": pd.DataFrame({"day": ["Mon", "Tue"], "rate": [0.125, 0.5]}),
                "x": "day",
                "value": "rate",
                "label": "Rate",
                "percent": True,
            },
        ),
        "category-empty": (
            "category_bars",
            {
                "frame": EMPTY_CLINICS,
                "x": "label",
                "value": "ncrpv",
                "label": "Denied",
            },
        ),
        "multi-line-one": (
            "multi_line",
            {"frame": _months([41.5, NAN, 38.0]), "x": "period", "series": {"value": "Days"}},
        ),
        "multi-line-money": (
            "multi_line",
            {
                "frame": _months([1.5, 2.0, NAN]).assign(other=[0.0, 3.25, 4.0]),
                "x": "period",
                "series": {"value": "Billed", "other": "Collected"},
                "money": True,
            },
        ),
        "multi-line-percent": (
            "multi_line",
            {
                "frame": _months([0.1, 0.2]).assign(a=[0.3, NAN], b=[0.0, 0.0]),
                "x": "period",
                "series": {"value": "Denial rate", "a": "Series a", "b": "Series b"},
                "percent": True,
            },
        ),
        "multi-line-empty": (
            "multi_line",
            {"frame": EMPTY_MONTHS, "x": "period", "series": {"value": "Days"}},
        ),
        "stacked-horizontal": (
            "stacked_bars",
            {"frame": _by_payer(), "x": "label", "columns": ["0-30", "31-60", "61-90"]},
        ),
        "stacked-vertical-count": (
            "stacked_bars",
            {
                "frame": _by_payer(),
                "x": "label",
                "columns": ["prior", "current"],
                "money": False,
                "horizontal": False,
            },
        ),
        "stacked-empty": (
            "stacked_bars",
            {"frame": EMPTY_PAYERS, "x": "label", "columns": ["0-30", "31-60"]},
        ),
        "grouped-count": (
            "grouped_bars",
            {"frame": _by_payer(), "y": "label", "columns": {"prior": "Prior", "current": "Now"}},
        ),
        "grouped-money": (
            "grouped_bars",
            {
                "frame": _by_payer(),
                "y": "label",
                "columns": {"0-30": "0-30", "31-60": "31-60"},
                "money": True,
            },
        ),
        # pages/payers.py: shares of visits and of net, ticks as percentages
        "grouped-percent": (
            "grouped_bars",
            {
                "frame": _by_payer(),
                "y": "label",
                "columns": {"visit_share": "Share of visits", "net_share": "Share of net"},
                "percent": True,
            },
        ),
        "grouped-empty": (
            "grouped_bars",
            {"frame": EMPTY_PAYERS, "y": "label", "columns": {"prior": "Prior"}},
        ),
        "heatmap": (
            "heatmap",
            {
                "z": [[(day * 3 + hour) % 5 for hour in hours] for day in range(7)],
                "x": hours,
                "y": WEEKDAYS,
                "label": "Attended appointments",
            },
        ),
        "heatmap-gaps": (
            "heatmap",
            {
                "z": [[None, 0, NAN, 2]] + [[0] * 4] * 6,
                "x": hours,
                "y": WEEKDAYS,
                "label": "Attended",
            },
        ),
        "heatmap-zero": (
            "heatmap",
            {"z": [[0] * 4] * 7, "x": hours, "y": WEEKDAYS, "label": "Attended"},
        ),
        "heatmap-empty": ("heatmap", {"z": [], "x": [], "y": [], "label": "Attended"}),
    }


def plain(value):
    """Parsed figure JSON with plotly's base64 typed arrays ({"dtype", "bdata"}) decoded
    to lists and NaN as None (what JSON's null stands for)."""
    if isinstance(value, dict):
        if set(value) >= {"dtype", "bdata"}:
            array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
            if "shape" in value:
                array = array.reshape([int(n) for n in str(value["shape"]).split(",")])
            return plain(array.tolist())
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


@pytest.fixture(scope="module")
def expected():
    return json.loads(EXPECTED.read_text())


def test_the_expected_json_covers_every_builder(expected):
    assert set(expected["figures"]) == set(builder_cases())
    builders = {name for name, _ in builder_cases().values()}
    assert builders == {
        "trend_with_maturity",
        "monthly_bars",
        "comparison_bars",
        "category_bars",
        "multi_line",
        "stacked_bars",
        "grouped_bars",
        "heatmap",
    }


@pytest.mark.parametrize("case", list(builder_cases()))
def test_builders_give_valid_plotly_figures(case):
    name, kwargs = builder_cases()[case]
    figure = getattr(figures, name)(**kwargs)
    assert isinstance(figure, dict)
    # Raises on any property plotly.js does not know, or a value of the wrong kind.
    go.Figure(figure)


@pytest.mark.parametrize("case", list(builder_cases()))
def test_builders_json_is_what_the_graph_objects_builders_gave(case, expected):
    name, kwargs = builder_cases()[case]
    figure = getattr(figures, name)(**kwargs)
    old = expected["figures"][case]
    assert figures.has_data(figure) is old["has_data"]
    text = figures.to_json(figure)
    if old["has_data"]:
        assert text
        assert not {"<", ">", "&"} & set(text)  # safe inside a <script> block
    else:
        assert text == ""  # the panel shows its table alone
        text = pio.to_json(figure, validate=False)
    got = plain(json.loads(text))
    assert plain(got["layout"].pop("template")) == expected["template"]
    assert got == old["figure"]


def test_hostile_names_are_escaped_and_come_back_whole():
    figure = figures.comparison_bars(
        _by_payer(), value="prior", label="A<b>&", reference=None, money=False
    )
    text = figures.to_json(figure)
    assert "</script>" not in text and "&" not in text
    assert HOSTILE in json.loads(text)["data"][0]["y"]


def test_the_group_line_is_a_dashed_shape_with_its_label():
    figure = figures.comparison_bars(
        _by_clinic(), value="ncrpv", label="NCRPV", reference=114.75, money=True
    )
    layout = go.Figure(figure).layout
    (line,) = layout.shapes
    assert (line.x0, line.x1, line.yref, line.line.dash) == (114.75, 114.75, "paper", "dash")
    (note,) = layout.annotations
    assert (note.text, note.x) == ("group", 114.75)
