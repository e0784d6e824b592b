"""What every metric query shares: the tenant bound in every WHERE, the period and
as-of dates as parameters, and filtering / grouping by the four attributes.

Each metric family says, per attribute (clinic, clinician, payer, referral source),
which SQL expression attributes its rows — or that it cannot (provider-level
adjustments belong to no clinic). Filter values are always parameters
(``= ANY(%(ids_clinic)s)``); SQL text is built only from the fixed fragments here.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection

from analytics.metrics.filters import DIMENSIONS, MetricFilters

# Appointment statuses (episodes.choices.AppointmentStatus) that make a visit.
ATTENDED = ("arrived", "completed")
# Adjustment groups that can deny; CARC 45 (charge above the fee schedule) never does.
DENYING_GROUPS = ("CO", "OA", "PI")
CONTRACTUAL_CARC = "45"
# Reductions the contract explains: multiple-procedure (59) and sequestration (253).
CONTRACT_EXPLAINED_CARCS = ("59", "253")

# A CARC as written may carry padding or leading zeros ("045") or lower case ("b7").
# The same normalisation as billing.rules.codes.carc_root_cause.
NORMALISED_CARC = (
    "(CASE WHEN btrim({col}) ~ '^[0-9]+$' THEN coalesce(nullif(ltrim(btrim({col}), '0'), ''), '0')"
    " ELSE upper(btrim({col})) END)"
)


def normalised_carc(column: str) -> str:
    return NORMALISED_CARC.format(col=column)


# The primary claim of a visit: the payer of the visit for visit metrics. Duplicate
# primary claims share the payer; the first submitted wins the tie.
VISIT_PAYER_JOIN = """
    LEFT JOIN LATERAL (
        SELECT pc.payer_id FROM billing_claim pc
        WHERE pc.organization_id = %(org)s AND pc.visit_id = {visit}.id
        ORDER BY (pc.payer_rank = 'primary') DESC, pc.submitted_on, pc.id
        LIMIT 1
    ) {alias} ON TRUE
"""

# The clinician of an episode: who saw the patient at its first visit.
EPISODE_CLINICIAN_JOIN = """
    LEFT JOIN LATERAL (
        SELECT fv.clinician_id FROM episodes_visit fv
        WHERE fv.organization_id = %(org)s AND fv.episode_id = {episode}.id
        ORDER BY fv.date_of_service, fv.id
        LIMIT 1
    ) {alias} ON TRUE
"""


# Day numbers of the grain key count from this date.
GRAIN_EPOCH = "2000-01-01"
# Rollup refresh ranges shorter than this are "narrow" (MetricQuery.narrow).
NARROW_DAYS = 32


def grain_key(attribution: Attribution) -> str:
    """The rollup grain of a row: its day and its four attributes (NULL where the
    family has none), as one ``bigint[]`` so that ``GROUP BY grp`` serves both."""
    if attribution.day is None:
        raise NotAttributable("day")
    parts = [f"({attribution.day} - DATE '{GRAIN_EPOCH}')"]
    parts += [attribution.expression(name) or "NULL" for name in DIMENSIONS]
    return f"ARRAY[{', '.join(parts)}]::bigint[]"


@dataclass(frozen=True)
class Attribution:
    """SQL expressions attributing a family's rows; ``None`` = not attributable."""

    clinic: str | None
    clinician: str | None
    payer: str | None
    source: str | None
    # The date a row counts on (its period column): the rollup grain's day.
    day: str | None = None

    def expression(self, dimension: str) -> str | None:
        return getattr(self, dimension)


class NotAttributable(Exception):
    """The selection filters on an attribute this family's rows do not have."""


@contextmanager
def whole_set_plan(cursor):
    """Plan settings for statements aggregating whole sets through materialized CTEs.

    The CTEs carry no statistics, so the planner estimates a handful of rows and
    picks nested loops over CTE scans: quadratic on a real group (minutes for one
    year of three clinics), where hash joins are right. Restored after the statement
    (a failed statement aborts the transaction, which restores it too).
    Whole-organization aggregates (A/R sorts every adjustment) spill to disk at the
    default 4 MB of work_mem; that setting lasts to the end of the transaction.
    """
    cursor.execute("SET LOCAL enable_nestloop = off")
    cursor.execute("SET LOCAL work_mem = '64MB'")
    yield
    cursor.execute("SET LOCAL enable_nestloop = on")


class MetricQuery:
    """One SQL statement answering a family of metrics, grouped by ``grp``.

    Subclasses implement ``sql()`` using ``self.where(attribution)`` and
    ``self.group(attribution)``; ``fetch()`` returns ``{group key: row dict}`` where
    the key is the database id of the grouping attribute (``None`` for rows without
    one) or ``ALL`` when not grouping.
    """

    def __init__(self, filters: MetricFilters, *, grain: bool = False) -> None:
        self.filters = filters
        # Rollup grain: group by day and all four attributes at once (``grp`` is then
        # ``ARRAY[day - GRAIN_EPOCH, clinic, clinician, payer, source]``), with no
        # attribute filter. ``analytics.rollups`` stores these rows.
        self.grain = grain
        self.params: dict[str, Any] = {
            "org": filters.organization_id,
            "start": filters.start,
            "end": filters.end,
            "as_of": filters.as_of_date,
        }
        for dimension in DIMENSIONS:
            ids = filters.ids(dimension)
            if ids:
                self.params[f"ids_{dimension}"] = list(ids)

    @property
    def narrow(self) -> bool:
        """A rollup refresh of a few days (the nightly case). Its statements are written
        index-driven: every table is reached through an index on the range's own keys
        (``among``, ``also_among``, ``join_by_id``) rather than hashed whole, which is
        what the hash-join plan does to a join or ``IN`` on an organization's tables.
        Nested loops stay off either way (see ``whole_set_plan``)."""
        if not self.grain:
            return False
        return (self.filters.end - self.filters.start).days < NARROW_DAYS * self.narrow_scale

    # How many times NARROW_DAYS a range of this family may span and still be narrow:
    # families with few rows a day (referrals) stay index-driven over longer ranges.
    narrow_scale = 1

    def among(self, column: str, subquery: str) -> str:
        """``column IN (subquery)``; narrow: ``column = ANY(ARRAY(subquery))``, computed
        once and used as an index condition on the column's table."""
        if self.narrow:
            return f"{column} = ANY(ARRAY({subquery}))"
        return f"{column} IN ({subquery})"

    def also_among(self, column: str, subquery: str) -> str:
        """Narrow only: `` AND column = ANY(ARRAY(subquery))``, a restriction a join
        already implies, stated on the table's own indexed column."""
        return f" AND {self.among(column, subquery)}" if self.narrow else ""

    def join_by_id(self, table: str, alias: str, id_expression: str, *, left: bool = False) -> str:
        """Join the organization's row of ``table`` whose id is ``id_expression``: a
        hash join; narrow, an index probe per row (a LATERAL subquery with a LIMIT is
        not flattened into a join). Ids are unique, so both give the same rows."""
        kind = "LEFT JOIN" if left else "JOIN"
        if not self.narrow:
            return (
                f" {kind} {table} {alias}"
                f" ON {alias}.id = {id_expression} AND {alias}.organization_id = %(org)s"
            )
        return (
            f" {kind} LATERAL (SELECT * FROM {table} one"
            f" WHERE one.id = {id_expression} AND one.organization_id = %(org)s LIMIT 1)"
            f" {alias} ON TRUE"
        )

    def source_join(self, alias: str, episode: str) -> str:
        """The referral of an episode (its referral source): ``alias.source_id``."""
        return self.join_by_id("episodes_referral", alias, f"{episode}.referral_id", left=True)

    def needs(self, dimension: str) -> bool:
        """Whether the SQL must compute ``dimension`` (filtered or grouped by it)."""
        if self.grain:
            return True
        return bool(self.filters.ids(dimension)) or self.filters.dimension == dimension

    def where(self, attribution: Attribution) -> str:
        """`` AND …`` conditions for the active filters (values are parameters)."""
        conditions = []
        for dimension in DIMENSIONS:
            if not self.filters.ids(dimension):
                continue
            expression = attribution.expression(dimension)
            if expression is None:
                raise NotAttributable(dimension)
            conditions.append(f" AND {expression} = ANY(%(ids_{dimension})s)")
        return "".join(conditions)

    def group(self, attribution: Attribution) -> str:
        if self.grain:
            return grain_key(attribution)
        dimension = self.filters.dimension
        if dimension is None:
            return "NULL::bigint"
        expression = attribution.expression(dimension)
        if expression is None:
            raise NotAttributable(dimension)
        return expression

    @property
    def keyed(self) -> bool:
        """Whether rows come back by group key (else as the single ``ALL`` row)."""
        return self.filters.dimension is not None

    # Aggregates over whole sets: hash joins and more work_mem (see fetch). Rollup
    # reads (small, indexed sums) skip the extra round trips.
    whole_set_plans = True

    def sql(self) -> str:
        raise NotImplementedError

    def fetch(self) -> dict[Any, dict[str, Any]] | None:
        """Rows by group key, or ``None`` when the selection cannot apply to this family."""
        try:
            statement = self.sql()
        except NotAttributable:
            return None
        with connection.cursor() as cursor:
            if not self.whole_set_plans:
                cursor.execute(statement, self.params)
                return self._collect(cursor)
            with whole_set_plan(cursor):
                cursor.execute(statement, self.params)
                return self._collect(cursor)

    def _collect(self, cursor) -> dict[Any, dict[str, Any]]:
        columns = [column.name for column in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
        grouped = self.keyed
        result: dict[Any, dict[str, Any]] = {}
        for row in rows:  # one row per group, never per visit or line
            key = row.pop("grp")
            # A rollup read's grouping set also yields the whole selection's row.
            total = row.pop("total_row", False)
            result[key if grouped and not total else ALL] = row
        return result


# The key of the single row when the selection is not grouped by an attribute.
ALL = "__all__"
