"""Chart builders: a pandas DataFrame in, a plotly figure out. No queries here."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

ACCENT = "#0b6e4f"
MUTED = "#9aa5b1"
LAYOUT = {
    "margin": {"l": 50, "r": 20, "t": 30, "b": 40},
    "height": 320,
    "paper_bgcolor": "white",
    "plot_bgcolor": "white",
    "font": {"family": "system-ui, sans-serif", "size": 12},
    "xaxis": {"gridcolor": "#eef2f6"},
    "yaxis": {"gridcolor": "#eef2f6", "rangemode": "tozero"},
    "showlegend": False,
}


# Months are labels ("2026-03"), not dates: plotly would otherwise pick odd day ticks.
MONTH_AXIS = {**LAYOUT["xaxis"], "type": "category"}


def _figure(traces, **layout) -> go.Figure:
    figure = go.Figure(data=traces)
    figure.update_layout(**{**LAYOUT, **layout})
    return figure


def trend_with_maturity(frame: pd.DataFrame, *, value: str, label: str, money: bool) -> go.Figure:
    """A monthly line; months whose payments are not mature get hollow grey markers."""
    mature = frame["mature"].fillna(True).astype(bool)
    colors = [ACCENT if ok else MUTED for ok in mature]
    symbols = ["circle" if ok else "circle-open" for ok in mature]
    hover = "%{x}<br>" + label + ": " + ("$%{y:,.2f}" if money else "%{y:,}")
    hover += "<br>%{customdata}<extra></extra>"
    status = ["mature" if ok else "not yet mature" for ok in mature]
    trace = go.Scatter(
        x=frame["period"],
        y=frame[value],
        mode="lines+markers",
        line={"color": ACCENT},
        marker={"color": colors, "symbol": symbols, "size": 10},
        customdata=status,
        hovertemplate=hover,
        name=label,
    )
    return _figure(
        [trace], xaxis=MONTH_AXIS, yaxis={**LAYOUT["yaxis"], "tickprefix": "$" if money else ""}
    )


def monthly_bars(frame: pd.DataFrame, *, value: str, label: str) -> go.Figure:
    trace = go.Bar(
        x=frame["period"],
        y=frame[value],
        marker={"color": ACCENT},
        name=label,
        hovertemplate="%{x}<br>" + label + ": %{y:,}<extra></extra>",
    )
    return _figure([trace])


def comparison_bars(
    frame: pd.DataFrame,
    *,
    value: str,
    label: str,
    reference: float | None,
    money: bool,
    percent: bool = False,
) -> go.Figure:
    """Horizontal bars per clinic (or payer…), with the group's value as a dashed line."""
    ordered = frame.sort_values(value, na_position="first")
    trace = go.Bar(
        y=ordered["label"],
        x=ordered[value],
        orientation="h",
        marker={"color": ACCENT},
        name=label,
        hovertemplate="%{y}<br>"
        + label
        + ": "
        + ("$%{x:,.2f}" if money else "%{x:.1%}" if percent else "%{x:,}")
        + "<extra></extra>",
    )
    figure = _figure(
        [trace],
        height=max(220, 60 + 36 * len(ordered)),
        margin={"l": 160, "r": 20, "t": 30, "b": 40},
    )
    if reference is not None:
        figure.add_vline(
            x=reference,
            line_dash="dash",
            line_color=MUTED,
            annotation_text="group",
            annotation_position="top",
        )
    if percent:
        figure.update_xaxes(tickformat=".0%")
    elif money:
        figure.update_xaxes(tickprefix="$")
    return figure


def to_json(figure: go.Figure) -> str:
    """JSON safe to embed in a <script type="application/json"> block: clinic and payer
    names come from imported files, so "<" is escaped to keep them from closing it."""
    return figure.to_json().replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
