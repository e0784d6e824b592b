"""What the owner dashboards share: the resolved filters, the documents per grouping,
names for external ids, cell formats and the "compare by clinic / payer …" panel."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from analytics.dashboards import figures
from analytics.dashboards.documents import document, groups_frame, metric_value
from analytics.dashboards.panels import Panel, _missing

# The cell formats live with Panel (the Overview uses them too); pages import them here.
from analytics.dashboards.panels import count as count
from analytics.dashboards.panels import money as money
from analytics.dashboards.panels import number as number
from analytics.dashboards.panels import pct as pct
from analytics.dashboards.views import DashboardView, drill_url
from analytics.metrics import resolve_filters
from billing.models import Payer
from clinics.models import Clinic, Clinician
from episodes.models import ReferralSource

NAME_MODELS = {
    "clinic": Clinic,
    "payer": Payer,
    "clinician": Clinician,
    "source": ReferralSource,
}
DIMENSION_TITLES = {
    "clinic": "Clinic",
    "payer": "Payer",
    "clinician": "Clinician",
    "source": "Referral source",
}
NO_VALUE = {"payer": "no payer", "source": "no source", "clinician": "no clinician"}


def as_float(value):
    if _missing(value):
        return None
    return float(value)


class PageView(DashboardView):
    """A dashboard page; ``build`` gets the selection, these helpers the numbers."""

    # The metrics the page shows: its documents compute only these (every family of a
    # by-month document costs a read per month; at-risk episodes one scan each).
    page_metrics: tuple[str, ...] | None = None

    def metric_filters(self, selection, **overrides):
        kwargs = {**selection.as_kwargs(), **overrides}
        return resolve_filters(organization_id=self.organization.pk, **kwargs)

    def doc(self, selection, group_by: str | None = None, metrics: list[str] | None = None) -> dict:
        return document(self.organization, selection, group_by, metrics or self.page_metrics)

    def names(self, dimension: str) -> dict[str, str]:
        model = NAME_MODELS[dimension]
        return dict(model.objects.values_list("external_id", "name"))

    def frame(self, selection, dimension: str, names: list[str]) -> pd.DataFrame:
        """One row per group of ``dimension`` (``period`` = the group's id, ``label`` its
        name) with the named metrics' values."""
        labels = {} if dimension in ("month", "week") else self.names(dimension)
        frame = groups_frame(self.doc(selection, dimension, names), names, labels=labels)
        if dimension in NO_VALUE:
            # Rows with no value for the attribute (visits with no claim…) stay only when
            # they hold something.
            empty = frame["period"].isna() & frame[names].fillna(0).eq(0).all(axis=1)
            frame = frame[~empty].reset_index(drop=True)
            frame["label"] = frame["label"].where(frame["label"].notna(), NO_VALUE[dimension])
        return frame


def value_of(metrics: dict, name: str):
    return as_float(metric_value(metrics, name))


def comparison_panel(
    *,
    id: str,
    title: str,
    definition: str,
    frame: pd.DataFrame,
    value: str,
    label: str,
    reference,
    dimension: str,
    columns: list[tuple[str, str, callable]],
    selection,
    drill: str | None,
    money_axis: bool = False,
    percent: bool = False,
    note: str = "",
) -> Panel:
    """Bars per clinic (payer, clinician, source) with the whole selection as a dashed
    line — clinic vs clinic and clinic vs group — and the table beside it, each row
    drilling down to its rows."""
    figure = figures.comparison_bars(
        frame,
        value=value,
        label=label,
        money=money_axis,
        percent=percent,
        reference=as_float(reference),
    )
    rows = [
        [row["label"], *[fmt(row[column]) for _, column, fmt in columns]]
        for row in frame.to_dict("records")
    ]
    links = [
        drill_url(drill, selection, dimension, row["period"]) if drill else None
        for row in frame.to_dict("records")
    ]
    return Panel(
        id=id,
        title=title,
        definition=definition,
        figure_json=figures.to_json(figure),
        columns=[DIMENSION_TITLES.get(dimension, dimension.title()), *[c[0] for c in columns]],
        rows=rows,
        links=links,
        note=note or "The dashed line is the whole selection (group).",
    )


def decimal(value) -> Decimal:
    return Decimal(str(value)) if value not in (None, "") else Decimal("0")
