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
    return _figure([trace], xaxis=MONTH_AXIS)


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


PALETTE = ["#0b6e4f", "#3d7ea6", "#d08c34", "#a61b1b", "#7b5ea7", "#9aa5b1", "#2f9e77"]
LEGEND = {"orientation": "h", "y": -0.2}


def _hover_format(money: bool, percent: bool, axis: str = "y") -> str:
    if money:
        return "$%{" + axis + ":,.2f}"
    if percent:
        return "%{" + axis + ":.1%}"
    return "%{" + axis + ":,}"


def _value_axis(money: bool, percent: bool) -> dict:
    axis = dict(LAYOUT["yaxis"])
    if money:
        axis["tickprefix"] = "$"
    if percent:
        axis["tickformat"] = ".0%"
    return axis


def category_bars(
    frame: pd.DataFrame,
    *,
    x: str,
    value: str,
    label: str,
    money: bool = False,
    percent: bool = False,
) -> go.Figure:
    """Vertical bars over a category (month, root cause, weekday…)."""
    trace = go.Bar(
        x=frame[x],
        y=frame[value],
        marker={"color": ACCENT},
        name=label,
        hovertemplate="%{x}<br>" + label + ": " + _hover_format(money, percent) + "<extra></extra>",
    )
    return _figure(
        [trace],
        xaxis={**LAYOUT["xaxis"], "type": "category"},
        yaxis=_value_axis(money, percent),
    )


def multi_line(
    frame: pd.DataFrame,
    *,
    x: str,
    series: dict[str, str],
    money: bool = False,
    percent: bool = False,
) -> go.Figure:
    """Several series (columns → labels) over months, one line each."""
    traces = [
        go.Scatter(
            x=frame[x],
            y=frame[column],
            mode="lines+markers",
            name=name,
            line={"color": PALETTE[index % len(PALETTE)]},
            marker={"size": 8},
            hovertemplate="%{x}<br>"
            + name
            + ": "
            + _hover_format(money, percent)
            + "<extra></extra>",
        )
        for index, (column, name) in enumerate(series.items())
    ]
    return _figure(
        traces,
        xaxis=MONTH_AXIS,
        yaxis=_value_axis(money, percent),
        showlegend=len(traces) > 1,
        legend=LEGEND,
    )


def stacked_bars(
    frame: pd.DataFrame,
    *,
    x: str,
    columns: list[str],
    money: bool = True,
    horizontal: bool = False,
) -> go.Figure:
    """One bar per category (payer…), stacked by ``columns`` (aging buckets…)."""
    traces = []
    for index, column in enumerate(columns):
        values = frame[column]
        traces.append(
            go.Bar(
                x=values if horizontal else frame[x],
                y=frame[x] if horizontal else values,
                orientation="h" if horizontal else "v",
                name=column,
                marker={"color": PALETTE[index % len(PALETTE)]},
                hovertemplate=("%{y}" if horizontal else "%{x}")
                + "<br>"
                + column
                + ": "
                + _hover_format(money, False, "x" if horizontal else "y")
                + "<extra></extra>",
            )
        )
    figure = _figure(
        traces,
        barmode="relative",
        showlegend=True,
        legend=LEGEND,
        xaxis={**LAYOUT["xaxis"], "type": "category"},
        yaxis=_value_axis(money, False),
    )
    return figure


def grouped_bars(
    frame: pd.DataFrame, *, y: str, columns: dict[str, str], money: bool = False
) -> go.Figure:
    """Horizontal bars per row (source…), one bar per column (prior vs current…)."""
    traces = [
        go.Bar(
            y=frame[y],
            x=frame[column],
            orientation="h",
            name=name,
            marker={"color": [MUTED, ACCENT, *PALETTE[1:]][index % (len(PALETTE) + 1)]},
            hovertemplate="%{y}<br>"
            + name
            + ": "
            + _hover_format(money, False, "x")
            + "<extra></extra>",
        )
        for index, (column, name) in enumerate(columns.items())
    ]
    return _figure(
        traces,
        barmode="group",
        showlegend=True,
        legend=LEGEND,
        height=max(240, 90 + 44 * len(frame)),
        margin={"l": 160, "r": 20, "t": 30, "b": 40},
        yaxis={"type": "category", "automargin": True},
    )


def heatmap(z: list[list], *, x: list, y: list, label: str) -> go.Figure:
    """A weekday × hour grid (rows ``y``, columns ``x``)."""
    trace = go.Heatmap(
        z=z,
        x=x,
        y=y,
        colorscale=[[0, "#f5f7fa"], [1, ACCENT]],
        hovertemplate="%{y} %{x}:00<br>" + label + ": %{z:,}<extra></extra>",
        colorbar={"title": {"text": label}},
        xgap=2,
        ygap=2,
    )
    return _figure(
        [trace],
        xaxis={"type": "category", "title": {"text": "hour (clinic local time)"}},
        yaxis={"type": "category", "autorange": "reversed"},
    )


def has_data(figure: go.Figure) -> bool:
    """Whether any trace has something to draw: a point, a non-zero bar or heatmap cell."""
    for trace in figure.data:
        if trace.type == "heatmap":
            rows = [] if trace.z is None else trace.z
            if any(cell and not pd.isna(cell) for row in rows for cell in row):
                return True
            continue
        raw = trace.x if getattr(trace, "orientation", None) == "h" else trace.y
        values = [value for value in ([] if raw is None else list(raw)) if not pd.isna(value)]
        # Points show even at 0; bars of height 0 draw nothing.
        if any(values) if trace.type == "bar" else values:
            return True
    return False


def to_json(figure: go.Figure) -> str:
    """JSON safe to embed in a <script type="application/json"> block: clinic and payer
    names come from imported files, so "<" is escaped to keep them from closing it.

    A figure with nothing to draw gives "": the panel shows its table alone rather than
    an empty chart."""
    if not has_data(figure):
        return ""
    return figure.to_json().replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
