"""Answer a metric family from its rollup table: a SUM over its daily and monthly rows,
of the clinic tier when the selection needs no finer attribute.

``RollupQuery`` has the interface of the direct family queries
(``analytics.metrics.queries``): ``fetch()`` returns ``{group key: row}`` with the
same columns, or ``None`` when the selection's filters cannot apply to the family —
so ``compute_metrics`` builds the same metrics from either.
"""

from __future__ import annotations

import datetime

from django.db import connection

from analytics.metrics.filters import DIMENSIONS, MetricFilters
from analytics.metrics.queries.base import ALL, MetricQuery, NotAttributable
from analytics.models import (
    CapacityRollup,
    ClaimRollup,
    ProviderAdjustmentRollup,
    Rollup,
    VisitRollup,
)

# Attributes each family's rows carry (the direct queries' Attribution, non-None).
CARRIED: dict[type[Rollup], tuple[str, ...]] = {
    CapacityRollup: ("clinic", "clinician"),
    ProviderAdjustmentRollup: ("payer",),
}
# Capacity has no payer or source: such a filter keeps the whole capacity and such a
# grouping shares one row (as CapacityQuery does).
IGNORES_UNCARRIED = {CapacityRollup}


class RollupQuery(MetricQuery):
    model: type[Rollup]

    whole_set_plans = False

    def __init__(
        self,
        filters: MetricFilters,
        model: type[Rollup],
        *,
        span: tuple[datetime.date, datetime.date] | None = None,
        renamed: dict[str, str] | None = None,
        period: str | None = None,
        root_causes: bool = True,
    ) -> None:
        super().__init__(filters)
        self.model = model
        # Claims: whether to merge the root-cause maps too (a read of its own).
        self.root_causes = root_causes
        # Group by calendar period (a ``PERIOD_LABELS`` key) instead of an attribute.
        self.period = period
        if span is not None:
            self.params["start"], self.params["end"] = span
        self.renamed = renamed or {}
        self.carried = CARRIED.get(model, DIMENSIONS)
        # Grouped by an attribute: also the whole selection's row (key ``ALL``) from the
        # same read, by a grouping set (the document needs both).
        self.with_total = False

    def _by_clinic(self, model: type[Rollup]) -> bool:
        """Whether the clinic tier answers: nothing beyond the clinic is filtered or
        grouped on (an attribute the family ignores does not count)."""
        if not model.has_clinic_tier:
            return False
        used = {dimension for dimension in DIMENSIONS if self.filters.ids(dimension)}
        if self.period is None and self.filters.dimension is not None:
            used.add(self.filters.dimension)
        if model in IGNORES_UNCARRIED:
            used &= set(CARRIED.get(model, DIMENSIONS))
        return used <= {"clinic"}

    def _conditions(self) -> str:
        conditions = ""
        for dimension in DIMENSIONS:
            if not self.filters.ids(dimension):
                continue
            if dimension not in self.carried:
                if self.model in IGNORES_UNCARRIED:
                    continue
                raise NotAttributable(dimension)
            conditions += f" AND {dimension}_id = ANY(%(ids_{dimension})s)"
        return conditions

    @property
    def keyed(self) -> bool:
        return self.period is not None or super().keyed

    def _group(self) -> str:
        if self.period is not None:
            return PERIOD_LABELS[self.period]
        dimension = self.filters.dimension
        if dimension is None:
            return "NULL::bigint"
        if dimension in self.carried:
            return f"{dimension}_id"
        if self.model in IGNORES_UNCARRIED:
            return "NULL::bigint"
        raise NotAttributable(dimension)

    def _totalled(self) -> bool:
        return self.with_total and self.period is None and self.filters.dimension is not None

    def _grouping(self, *extra: str, group: str | None = None) -> str:
        """``GROUP BY`` the group (and ``extra`` columns), plus the total's grouping set."""
        group = group or self._group()
        keys = ", ".join([group, *extra])
        if not self._totalled():
            return f"GROUP BY {keys}"
        return f"GROUP BY GROUPING SETS (({keys}), ({', '.join(extra)}))"

    def _total_flag(self, group: str | None = None) -> str:
        """A ``total_row`` column (1 on the total's row) when totalling."""
        if not self._totalled():
            return ""
        return f", GROUPING({group or self._group()}) AS total_row"

    def _sum(self, name: str) -> str:
        field = self.model._meta.get_field(name)
        cast = "::bigint" if field.get_internal_type() == "BigIntegerField" else ""
        return f"coalesce(sum({name}), 0){cast} AS {self.renamed.get(name, name)}"

    def _measures(self) -> list[str]:
        return [
            name
            for name in self.model.measures()
            if name != "root_causes" and (not self.renamed or name in self.renamed)
        ]

    def _from(self, also: str = "", model: type[Rollup] | None = None) -> str:
        model = model or self.model
        return (
            f"FROM {model._meta.db_table}{also}"
            f" WHERE organization_id = %(org)s AND by_clinic = {self._by_clinic(model)}"
            f" AND {self._days()}{self._conditions()}"
        )

    def _days(self) -> str:
        """The rows covering [start, end]: monthly rows for its whole months, daily
        rows for the partial months at its edges (daily only for weekly trends)."""
        daily = "(NOT monthly AND day BETWEEN %(start)s AND %(end)s)"
        if not self.model.has_monthly_tier or self.period == "week":
            return daily
        start, end = self.params["start"], self.params["end"]
        first = start if start.day == 1 else _next_month(start)
        following = _next_month(end)
        last = end.replace(day=1) if end + datetime.timedelta(days=1) == following else None
        if last is None:
            last = (end.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
        if first > last:
            return daily
        self.params.update(
            month_first=first,
            month_last=last,
            head_end=first - datetime.timedelta(days=1),
            tail_start=_next_month(last),
        )
        return (
            "((monthly AND day BETWEEN %(month_first)s AND %(month_last)s)"
            " OR (NOT monthly AND (day BETWEEN %(start)s AND %(head_end)s"
            " OR day BETWEEN %(tail_start)s AND %(end)s)))"
        )

    def rows_sql(self, columns: str, also: str = "", tail: str = "") -> str:
        """``SELECT columns`` of the rollup rows of the selection (no grouping): for
        tables keyed finer than a group (claims, underpaid lines), or their groups;
        ``also`` joins more FROM items, ``tail`` follows the WHERE (a GROUP BY)."""
        return f"SELECT {columns} {self._from(also)} {tail}"

    def sql(self) -> str:
        sums = ", ".join(self._sum(name) for name in self._measures())
        return (
            f"SELECT {self._group()} AS grp{self._total_flag()}, {sums} {self._from()}"
            f" {self._grouping()}"
        )

    def fetch(self):
        rows = super().fetch()
        if rows is None or self.model is not ClaimRollup or not self.root_causes:
            return rows
        # Denied claims per root cause: the per-day maps summed key by key.
        with connection.cursor() as cursor:
            flag = self._total_flag() or ", 0"
            cursor.execute(
                f"SELECT {self._group()} AS grp{flag}, cause.key, sum(cause.value::bigint)"
                f" {self._from(', jsonb_each_text(root_causes) cause')}"
                f" {self._grouping('cause.key')}",
                self.params,
            )
            grouped = self.keyed
            for group, total, cause, count in cursor.fetchall():
                key = ALL if total or not grouped else group
                rows[key].setdefault("root_causes", {})[cause] = int(count)
        return rows


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


# Period labels as split_period writes them (YYYY-MM, ISO YYYY-Www).
PERIOD_LABELS = {
    "month": "to_char(day::timestamp, 'YYYY-MM')",
    "week": "to_char(day::timestamp, 'IYYY-\"W\"IW')",
}


def period_results(
    filters: MetricFilters, group_by: str, families: set[str], *, root_causes: bool = True
) -> dict:
    """``{period label: {family: rows}}`` for the families whose rollup sums over days
    (not the as-of ones), each family in one read grouped by period."""
    from analytics.models import ROLLUPS

    results: dict[str, dict] = {}
    answered = []
    for model in ROLLUPS:
        if model.key_fields or model.family not in families:
            continue
        rows = RollupQuery(filters, model, period=str(group_by), root_causes=root_causes).fetch()
        if rows is None:  # the filters cannot apply: left to the per-period path
            continue
        answered.append(model.family)
        for label, row in rows.items():
            results.setdefault(label, {})[model.family] = {ALL: row}
    # A family with no row in a period has nothing there (zeros), not "not applicable".
    for label in results:
        for family in answered:
            results[label].setdefault(family, {})
    return results


def rollup_queries(
    filters: MetricFilters, *, root_causes: bool = True, ar_detail: bool = True
) -> dict[str, MetricQuery]:
    """The rolled-up families of the selection, by family name; ``charges_90_days``
    (the days-in-A/R denominator) is the visits rollup's gross charges over
    [as of − 89, as of]. ``root_causes``: also merge the claims' root-cause maps;
    ``ar_detail``: A/R with its aging buckets and credits (the open balance intervals),
    else its totals alone (the movements: far fewer rows)."""
    from analytics.models import ROLLUPS
    from analytics.rollups.receivables import ReceivablesRollupQuery, ReceivableTotalsQuery

    queries: dict[str, MetricQuery] = {
        model.family: RollupQuery(filters, model, root_causes=root_causes)
        for model in ROLLUPS
        if not model.key_fields
    }
    queries["receivables"] = (
        ReceivablesRollupQuery(filters) if ar_detail else ReceivableTotalsQuery(filters)
    )
    as_of = filters.as_of_date
    queries["charges_90_days"] = RollupQuery(
        filters,
        VisitRollup,
        span=(as_of - datetime.timedelta(days=89), as_of),
        renamed={"gross_charges": "gross_charges_90_days"},
    )
    return queries
