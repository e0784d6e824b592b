"""Chart builders: names on category axes are cut short but stay whole in the hover."""

import pandas as pd

from analytics.dashboards import figures

CLINICS = [
    "Horizon Physical Therapy - St. Petersburg",
    "Horizon Physical Therapy - Dallas",
    "Horizon Physical Therapy - Dallas, Westgate",
]
LONG_PAYER = "Florida Workers' Compensation Joint Underwriting Association"


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
    assert [trace.orientation for trace in figure.data] == ["h", "h"]
    assert list(figure.data[0].y) == [LONG_PAYER, "Aetna"]
    axis = figure.layout.yaxis
    assert list(axis.tickvals) == [LONG_PAYER, "Aetna"]
    assert list(axis.ticktext) == ["Florida Workers' Compen…", "Aetna"]
    assert axis.automargin is True
    assert axis.autorange == "reversed"  # the table's first row on top
    assert figure.layout.xaxis.tickprefix == "$"
    assert figures.has_data(figure)
