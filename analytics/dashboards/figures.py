"""Chart builders: a pandas DataFrame in, a plotly figure out. No queries here.

A figure is a plain dict, ``{"data": [trace dicts], "layout": {...}}``, the JSON
plotly.js draws: the browser only needs that JSON, and ``plotly.graph_objects``
validates every property on construction (~8 ms a bar chart of fifty clinics, on every
request). tests/dashboards/test_figures.py checks each builder's dict against plotly's
schema instead. Builders share the constant parts (``TEMPLATE``, axes…) between
figures: read a figure, do not change it in place — ask its builder for a variant."""

from __future__ import annotations

import pandas as pd
import plotly.io as pio

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

# The template graph_objects put in every figure's layout (plotly's default, "plotly"):
# its fonts, hover labels, colorbars… are part of how the charts look.
TEMPLATE = pio.templates[pio.templates.default].to_plotly_json()


# Months are labels ("2026-03"), not dates: plotly would otherwise pick odd day ticks.
MONTH_AXIS = {**LAYOUT["xaxis"], "type": "category"}

# Payer, clinic and referral-source names come from imported files and run long
# ("Florida Workers' Compensation Joint Underwriting Association"): tick labels are
# cut to this many characters; the hover shows the whole name.
TICK_LABEL_CHARACTERS = 24


SEPARATORS = " -–—,:/|·"


def short_label(text, limit: int = TICK_LABEL_CHARACTERS) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis when longer."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip(SEPARATORS) + "…"


def shared_prefix(names: list[str]) -> str:
    """The words every name begins with ("Horizon Physical Therapy - " of "Horizon
    Physical Therapy - Dallas" and "… - Mesa"): cut to a word boundary, and "" when a
    name would be left with nothing, or with fewer than two names."""
    names = [str(name) for name in names]
    if len(set(names)) < 2:
        return ""
    first, last = min(names), max(names)
    length = 0
    while length < min(len(first), len(last)) and first[length] == last[length]:
        length += 1
    prefix = first[:length]
    # Back to the last separator, so no word is cut ("Horizon Physical Therapy - D…").
    while prefix and prefix[-1] not in SEPARATORS:
        prefix = prefix[:-1]
    if len(prefix.strip(SEPARATORS)) < 4 or any(
        not name[len(prefix) :].strip(SEPARATORS) for name in names
    ):
        return ""
    return prefix


def tick_labels(names) -> list[str]:
    """What each name's tick shows: the part that tells the names apart (a prefix they
    all share is dropped), cut to TICK_LABEL_CHARACTERS."""
    names = [str(name) for name in names]
    prefix = shared_prefix(names)
    return [short_label(name[len(prefix) :].lstrip(SEPARATORS)) for name in names]


def name_axis(names, **extra) -> dict:
    """A category axis of names: each tick shows the name cut short, the category itself
    (what the hover shows) stays the whole name, so two names that begin alike never
    merge; the margin grows to fit the ticks (``automargin``)."""
    values = [name for name in names if not pd.isna(name)]
    return {
        "type": "category",
        "automargin": True,
        "tickmode": "array",
        "tickvals": values,
        "ticktext": tick_labels(values),
        **extra,
    }


# The margin on the names' side: ``automargin`` widens it to fit the tick labels.
NAME_MARGIN = {"l": 10, "r": 20, "t": 30, "b": 40}


def _figure(traces: list[dict], **layout) -> dict:
    return {"data": traces, "layout": {"template": TEMPLATE, **LAYOUT, **layout}}


def reference_line(value: float, text: str) -> dict:
    """A dashed vertical line across the plot at ``value`` with ``text`` above it (what
    ``Figure.add_vline`` draws, as plain layout)."""
    return {
        "shapes": [
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": value,
                "x1": value,
                "y0": 0,
                "y1": 1,
                "line": {"dash": "dash", "color": MUTED},
            }
        ],
        "annotations": [
            {
                "text": text,
                "xref": "x",
                "yref": "paper",
                "x": value,
                "y": 1,
                "yanchor": "bottom",
                "showarrow": False,
            }
        ],
    }


def trend_with_maturity(frame: pd.DataFrame, *, value: str, label: str, money: bool) -> dict:
    """A monthly line; months whose payments are not mature get hollow grey markers."""
    mature = frame["mature"].fillna(True).astype(bool)
    colors = [ACCENT if ok else MUTED for ok in mature]
    symbols = ["circle" if ok else "circle-open" for ok in mature]
    hover = "%{x}<br>" + label + ": " + ("$%{y:,.2f}" if money else "%{y:,}")
    hover += "<br>%{customdata}<extra></extra>"
    status = ["mature" if ok else "not yet mature" for ok in mature]
    trace = {
        "type": "scatter",
        "x": frame["period"],
        "y": frame[value],
        "mode": "lines+markers",
        "line": {"color": ACCENT},
        "marker": {"color": colors, "symbol": symbols, "size": 10},
        "customdata": status,
        "hovertemplate": hover,
        "name": label,
    }
    return _figure(
        [trace], xaxis=MONTH_AXIS, yaxis={**LAYOUT["yaxis"], "tickprefix": "$" if money else ""}
    )


def monthly_bars(frame: pd.DataFrame, *, value: str, label: str) -> dict:
    trace = {
        "type": "bar",
        "x": frame["period"],
        "y": frame[value],
        "marker": {"color": ACCENT},
        "name": label,
        "hovertemplate": "%{x}<br>" + label + ": %{y:,}<extra></extra>",
    }
    return _figure([trace], xaxis=MONTH_AXIS)


def bars_height(rows: int) -> int:
    """A horizontal bar chart's height: 36px a row, 20px a row past a dozen (a group's
    seventy clinicians would otherwise stretch the chart, and the panel beside it,
    over 2,500px)."""
    return max(220, 60 + 36 * min(rows, 12) + 20 * max(rows - 12, 0))


def comparison_bars(
    frame: pd.DataFrame,
    *,
    value: str,
    label: str,
    reference: float | None,
    money: bool,
    percent: bool = False,
) -> dict:
    """Horizontal bars per clinic (or payer…), with the group's value as a dashed line."""
    ordered = frame.sort_values(value, na_position="first")
    trace = {
        "type": "bar",
        "y": ordered["label"],
        "x": ordered[value],
        "orientation": "h",
        "marker": {"color": ACCENT},
        "name": label,
        "hovertemplate": "%{y}<br>"
        + label
        + ": "
        + ("$%{x:,.2f}" if money else "%{x:.1%}" if percent else "%{x:,}")
        + "<extra></extra>",
    }
    xaxis = dict(LAYOUT["xaxis"])
    if percent:
        xaxis["tickformat"] = ".0%"
    elif money:
        xaxis["tickprefix"] = "$"
    return _figure(
        [trace],
        height=bars_height(len(ordered)),
        margin=NAME_MARGIN,
        xaxis=xaxis,
        yaxis=name_axis(ordered["label"]),
        **(reference_line(reference, "group") if reference is not None else {}),
    )


PALETTE = ["#0b6e4f", "#3d7ea6", "#d08c34", "#a61b1b", "#7b5ea7", "#9aa5b1", "#2f9e77"]
LEGEND = {"orientation": "h", "y": -0.2}
# Above the plot: below it, a tall chart's legend would sit far from the bars and
# collide with an axis grown by automargin.
LEGEND_ABOVE = {"orientation": "h", "x": 0, "y": 1, "yanchor": "bottom"}


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
) -> dict:
    """Vertical bars over a category (month, root cause, weekday…)."""
    trace = {
        "type": "bar",
        "x": frame[x],
        "y": frame[value],
        "marker": {"color": ACCENT},
        "name": label,
        "hovertemplate": "%{x}<br>"
        + label
        + ": "
        + _hover_format(money, percent)
        + "<extra></extra>",
    }
    return _figure(
        [trace],
        xaxis=name_axis(frame[x], **LAYOUT["xaxis"]),
        yaxis=_value_axis(money, percent),
    )


def multi_line(
    frame: pd.DataFrame,
    *,
    x: str,
    series: dict[str, str],
    money: bool = False,
    percent: bool = False,
) -> dict:
    """Several series (columns → labels) over months, one line each."""
    traces = [
        {
            "type": "scatter",
            "x": frame[x],
            "y": frame[column],
            "mode": "lines+markers",
            "name": name,
            "line": {"color": PALETTE[index % len(PALETTE)]},
            "marker": {"size": 8},
            "hovertemplate": "%{x}<br>"
            + name
            + ": "
            + _hover_format(money, percent)
            + "<extra></extra>",
        }
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
    horizontal: bool = True,
) -> dict:
    """One bar per category ``x`` (payer, clinic…), stacked by ``columns`` (aging
    buckets…). Horizontal by default: one row per name, top to bottom in the frame's
    order (as in the table beside it), so long payer names read along their own line
    instead of crowding an axis."""
    traces = []
    for index, column in enumerate(columns):
        values = frame[column]
        traces.append(
            {
                "type": "bar",
                "x": values if horizontal else frame[x],
                "y": frame[x] if horizontal else values,
                "orientation": "h" if horizontal else "v",
                "name": column,
                "marker": {"color": PALETTE[index % len(PALETTE)]},
                "hovertemplate": ("%{y}" if horizontal else "%{x}")
                + "<br>"
                + column
                + ": "
                + _hover_format(money, False, "x" if horizontal else "y")
                + "<extra></extra>",
            }
        )
    if horizontal:
        return _figure(
            traces,
            barmode="relative",
            showlegend=True,
            legend=LEGEND_ABOVE,
            height=max(240, 110 + 30 * len(frame)),
            margin={**NAME_MARGIN, "t": 50},
            xaxis=_value_axis(money, False),
            yaxis=name_axis(frame[x], autorange="reversed"),
        )
    return _figure(
        traces,
        barmode="relative",
        showlegend=True,
        legend=LEGEND,
        xaxis=name_axis(frame[x], **LAYOUT["xaxis"]),
        yaxis=_value_axis(money, False),
    )


def grouped_bars(
    frame: pd.DataFrame,
    *,
    y: str,
    columns: dict[str, str],
    money: bool = False,
    percent: bool = False,
) -> dict:
    """Horizontal bars per row (source…), one bar per column (prior vs current…).
    ``percent``: the value axis's ticks as percentages (shares of a whole)."""
    traces = [
        {
            "type": "bar",
            "y": frame[y],
            "x": frame[column],
            "orientation": "h",
            "name": name,
            "marker": {"color": [MUTED, ACCENT, *PALETTE[1:]][index % (len(PALETTE) + 1)]},
            "hovertemplate": "%{y}<br>"
            + name
            + ": "
            + _hover_format(money, False, "x")
            + "<extra></extra>",
        }
        for index, (column, name) in enumerate(columns.items())
    ]
    xaxis = dict(LAYOUT["xaxis"])
    if percent:
        xaxis["tickformat"] = ".0%"
    return _figure(
        traces,
        barmode="group",
        showlegend=True,
        legend=LEGEND,
        height=max(240, 90 + 44 * len(frame)),
        margin=NAME_MARGIN,
        xaxis=xaxis,
        yaxis=name_axis(frame[y]),
    )


def heatmap(z: list[list], *, x: list, y: list, label: str) -> dict:
    """A weekday × hour grid (rows ``y``, columns ``x``)."""
    trace = {
        "type": "heatmap",
        "z": z,
        "x": x,
        "y": y,
        "colorscale": [[0, "#f5f7fa"], [1, ACCENT]],
        "hovertemplate": "%{y} %{x}:00<br>" + label + ": %{z:,}<extra></extra>",
        "colorbar": {"title": {"text": label}},
        "xgap": 2,
        "ygap": 2,
    }
    return _figure(
        [trace],
        xaxis={"type": "category", "title": {"text": "hour (clinic local time)"}},
        yaxis={"type": "category", "autorange": "reversed"},
    )


def has_data(figure: dict) -> bool:
    """Whether any trace has something to draw: a point, a non-zero bar or heatmap cell."""
    for trace in figure["data"]:
        if trace["type"] == "heatmap":
            rows = trace.get("z")
            if rows is None:
                rows = []
            if any(cell and not pd.isna(cell) for row in rows for cell in row):
                return True
            continue
        raw = trace.get("x") if trace.get("orientation") == "h" else trace.get("y")
        values = [value for value in ([] if raw is None else list(raw)) if not pd.isna(value)]
        # Points show even at 0; bars of height 0 draw nothing.
        if any(values) if trace["type"] == "bar" else values:
            return True
    return False


def to_json(figure: dict) -> str:
    """JSON safe to embed in a <script type="application/json"> block: clinic and payer
    names come from imported files, so "<" is escaped to keep them from closing it.
    plotly's encoder writes the numpy/pandas values (NaN as null); no validation.

    A figure with nothing to draw gives "": the panel shows its table alone rather than
    an empty chart."""
    if not has_data(figure):
        return ""
    text = pio.to_json(figure, validate=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
