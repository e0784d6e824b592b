"""Build the metrics of a selection (spec/metrics.md) from the family queries.

``compute_metrics`` runs each family's SQL once for the whole selection and, when
grouping by an attribute, once more grouped (``GROUP BY`` in SQL, not per group);
a period grouping (month, week) runs the selection per sub-period, each with its
point-in-time figures as of the sub-period's end (unless ``as_of`` was given).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from analytics.metrics.filters import GroupBy, MetricFilters
from analytics.metrics.queries import ALL, QUERIES
from analytics.metrics.queries.receivables import AGING_BUCKETS
from analytics.metrics.values import (
    Count,
    Metric,
    Money,
    NotApplicable,
    Ratio,
    money,
    ratio_value,
)
from billing.choices import RootCause
from billing.models import Payer
from clinics.models import Clinic, Clinician
from episodes.models import ReferralSource

# The output names, in the spec's order.
METRIC_NAMES = (
    "visits",
    "billable_visits",
    "units_per_visit",
    "gross_charges",
    "insurance_paid",
    "patient_paid",
    "net_collected_revenue",
    "ncrpv",
    "expected_allowed",
    "payer_yield",
    "underpaid_lines",
    "schedule_utilization",
    "arrival_rate",
    "cancellation_rate",
    "no_show_rate",
    "discharged_episodes",
    "poc_completion_rate",
    "visit_adherence",
    "drop_off_rate",
    "visits_per_episode",
    "referrals_received",
    "referral_conversion",
    "visits_per_referral",
    "claims_first_adjudicated",
    "denied_claims",
    "denial_rate",
    "clean_claim_rate",
    "denials_by_root_cause",
    "copay_collected_at_tos",
    "plb_total",
    "days_in_ar",
    "ar_aging",
    "at_risk_episodes",
)
ROOT_CAUSE_MAPS = "claim_root_causes"
# Likewise A/R's aging buckets and credit balances (``ar_aging``): days in A/R needs
# the A/R total alone, which the rollups keep apart (far fewer rows to read).
AR_DETAIL = "receivable_detail"
# The family queries each metric is built from (``metrics=`` computes only these).
METRIC_FAMILIES: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(
        (
            "visits",
            "billable_visits",
            "units_per_visit",
            "gross_charges",
            "insurance_paid",
            "patient_paid",
            "net_collected_revenue",
            "ncrpv",
            "copay_collected_at_tos",
        ),
        ("visits",),
    ),
    **dict.fromkeys(("expected_allowed", "payer_yield", "underpaid_lines"), ("charge_lines",)),
    **dict.fromkeys(
        ("schedule_utilization", "arrival_rate", "cancellation_rate", "no_show_rate"),
        ("appointments", "capacity"),
    ),
    **dict.fromkeys(
        (
            "discharged_episodes",
            "poc_completion_rate",
            "visit_adherence",
            "drop_off_rate",
            "visits_per_episode",
        ),
        ("discharges",),
    ),
    **dict.fromkeys(
        ("referrals_received", "referral_conversion", "visits_per_referral"), ("referrals",)
    ),
    **dict.fromkeys(
        (
            "claims_first_adjudicated",
            "denied_claims",
            "denial_rate",
            "clean_claim_rate",
        ),
        ("claims",),
    ),
    # The rollups merge the per-day root-cause maps only when asked (a read of its own).
    "denials_by_root_cause": ("claims", ROOT_CAUSE_MAPS),
    "days_in_ar": ("receivables", "charges_90_days"),
    "ar_aging": ("receivables", "charges_90_days", AR_DETAIL),
    "at_risk_episodes": ("at_risk",),
    "plb_total": ("provider_adjustments",),
}
DAYS_IN_AR_WINDOW = 90
ORGANIZATION_LEVEL = "provider-level adjustments are organization level only"


@dataclass(frozen=True)
class MetricGroup:
    label: str | None
    metrics: dict[str, Metric]


@dataclass(frozen=True)
class MetricsReport:
    organization_slug: str
    filters: MetricFilters
    metrics: dict[str, Metric]
    groups: list[MetricGroup] | None


SOURCES = ("direct", "rollup")


def compute_metrics(
    filters: MetricFilters,
    *,
    organization_slug: str,
    source: str = "direct",
    metrics: tuple[str, ...] | None = None,
) -> MetricsReport:
    """Every metric of spec/metrics.md for ``filters``; run inside the tenant scope.

    ``source="direct"`` computes every family from the normalized tables;
    ``"rollup"`` reads the additive families from the daily rollups (refreshing any
    dirty days first) and the point-in-time ones (A/R, at-risk) directly. Both give
    the same document (tests/rollups). ``metrics`` (names) computes only the
    families those metrics need and reports only them (for pages showing a few).
    """
    if source not in SOURCES:
        raise ValueError(f"unknown metrics source {source!r}")
    names = METRIC_NAMES if metrics is None else tuple(metrics)
    unknown = set(names) - set(METRIC_NAMES)
    if unknown:
        raise ValueError(f"unknown metrics: {sorted(unknown)}")
    families = {family for name in names for family in METRIC_FAMILIES[name]}
    if source == "rollup":
        from analytics.rollups import ensure_fresh

        ensure_fresh(filters.organization_id)

    def fetch(selection: MetricFilters):
        return _fetch(selection, source, families)

    def metric_set(results, key, dimension):
        built = _metric_set(results, key, dimension)
        return {name: built[name] for name in names}

    whole = _replace_group(filters, None)
    grouped: dict[str, Any] | None = None
    if source == "rollup" and filters.dimension is not None:
        # One read per family gives the groups and the whole selection's total.
        grouped, totals = _split_totals(_fetch(filters, source, families, totals=True))
        missing = {family for family in families if family in grouped and not totals[family]}
        if missing:
            rest = _fetch(whole, source, missing)
            totals.update({family: rest[family] for family in missing})
        overall = metric_set(totals, ALL, dimension=None)
    else:
        overall = metric_set(fetch(whole), ALL, dimension=None)
    groups: list[MetricGroup] | None = None
    if filters.group_by in (GroupBy.MONTH, GroupBy.WEEK):
        periods = split_period(filters.start, filters.end, filters.group_by)
        by_period: dict[str, dict] = {}
        if source == "rollup":
            # The additive families in one read grouped by period; only the
            # point-in-time ones (as of each period's end) run per period.
            from analytics.rollups.read import period_results

            by_period = period_results(
                whole, filters.group_by, families, root_causes=ROOT_CAUSE_MAPS in families
            )
        groups = []
        for label, start, end in periods:
            batched = by_period.get(label, {})
            results = _fetch(whole.for_period(start, end), source, families - set(batched))
            results.update(batched)
            groups.append(MetricGroup(label, metric_set(results, ALL, None)))
    elif filters.dimension is not None:
        results = fetch(filters) if grouped is None else grouped
        # Capacity has no payer or source: its single row is shared, not a group.
        shared = {"capacity"} if filters.dimension in ("payer", "source") else set()
        keys = {
            key for family, rows in results.items() if rows and family not in shared for key in rows
        }
        labels = _labels(filters.dimension, keys)
        ordered = sorted(keys, key=lambda key: (labels.get(key) is None, labels.get(key) or ""))
        groups = [
            MetricGroup(labels.get(key), metric_set(results, key, filters.dimension))
            for key in ordered
        ]
    return MetricsReport(
        organization_slug=organization_slug, filters=filters, metrics=overall, groups=groups
    )


def split_period(
    start: datetime.date, end: datetime.date, group_by: GroupBy
) -> list[tuple[str, datetime.date, datetime.date]]:
    """The calendar months (``YYYY-MM``) or ISO weeks (``YYYY-Www``) of [start, end],
    clipped to it."""
    periods = []
    cursor = start
    while cursor <= end:
        if group_by == GroupBy.MONTH:
            following = (cursor.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
            label = f"{cursor.year:04d}-{cursor.month:02d}"
        else:
            following = cursor + datetime.timedelta(days=7 - cursor.weekday())
            iso = cursor.isocalendar()
            label = f"{iso.year:04d}-W{iso.week:02d}"
        last = min(end, following - datetime.timedelta(days=1))
        periods.append((label, cursor, last))
        cursor = following
    return periods


def _replace_group(filters: MetricFilters, group_by: GroupBy | None) -> MetricFilters:
    return replace(filters, group_by=group_by)


def _fetch(
    filters: MetricFilters, source: str, families: set[str], *, totals: bool = False
) -> dict[str, dict[Any, dict[str, Any]] | None]:
    """Each family's rows; a family not needed is ``{}`` (its metrics are dropped).
    With ``totals`` (rollups, grouped by an attribute), the rolled-up families also
    return the whole selection's row under ``ALL``."""
    queries = {name: query(filters) for name, query in QUERIES.items()}
    if source == "rollup":
        from analytics.rollups.read import rollup_queries

        rolled = rollup_queries(
            filters,
            root_causes=ROOT_CAUSE_MAPS in families,
            ar_detail=AR_DETAIL in families,
        )
        for query in rolled.values():
            query.with_total = totals
        queries.update(rolled)
    return {name: query.fetch() if name in families else {} for name, query in queries.items()}


def _split_totals(results: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(rows by group, {family: {ALL: total}}) of a read with totals; a family without
    a total (not needed, not rolled up, or not attributable to the grouping) has
    ``{}``."""
    grouped: dict[str, Any] = {}
    totals: dict[str, Any] = dict.fromkeys(results, {})
    for family, rows in results.items():
        if rows and ALL in rows:
            totals[family] = {ALL: rows[ALL]}
            rows = {key: row for key, row in rows.items() if key != ALL}
        grouped[family] = rows
    return grouped, totals


_LABEL_MODELS = {
    "clinic": Clinic,
    "clinician": Clinician,
    "payer": Payer,
    "source": ReferralSource,
}


def _labels(dimension: str, keys) -> dict[Any, str]:
    ids = [key for key in keys if key is not None]
    model = _LABEL_MODELS[dimension]
    return dict(model.objects.filter(pk__in=ids).values_list("pk", "external_id"))


def _metric_set(
    results: dict[str, dict[Any, dict[str, Any]] | None], key: Any, dimension: str | None
) -> dict[str, Metric]:
    def row(family: str, *, shared: bool = False) -> dict[str, Any] | None:
        """The family's row for this group; ``{}`` (zeros) when it has none."""
        rows = results[family]
        if rows is None:
            return None
        if shared:  # one row for all groups (capacity under a payer/source grouping)
            return rows.get(None, rows.get(ALL, {}))
        return rows.get(key, {})

    metrics: dict[str, Metric] = {}
    metrics.update(_visit_metrics(row("visits")))
    metrics.update(_line_metrics(row("charge_lines")))
    capacity_shared = dimension in ("payer", "source")
    metrics.update(_schedule_metrics(row("appointments"), row("capacity", shared=capacity_shared)))
    metrics.update(_episode_metrics(row("discharges"), row("referrals")))
    metrics.update(_claim_metrics(row("claims")))
    metrics.update(_receivable_metrics(row("receivables"), row("charges_90_days")))
    metrics.update(_at_risk(row("at_risk")))
    plb = row("provider_adjustments")
    metrics["plb_total"] = (
        NotApplicable(ORGANIZATION_LEVEL) if plb is None else Money(money(plb.get("plb_total", 0)))
    )
    return {name: metrics[name] for name in METRIC_NAMES}


def _get(row: dict[str, Any], name: str, default: int | Decimal = 0):
    value = row.get(name)
    return default if value is None else value


def _cents(row: dict[str, Any], name: str) -> Decimal:
    return money(_get(row, name, Decimal(0)))


def _na(names: tuple[str, ...], ratios: tuple[str, ...] = ()) -> dict[str, Metric]:
    reason = "the selection's filters do not apply to this metric"
    return {name: NotApplicable(reason, ratio=name in ratios) for name in names}


def _guarded(names: tuple[str, ...], ratios: tuple[str, ...]):
    """Metrics of a family that cannot apply to the selection come out as null."""

    def decorate(build: Callable[..., dict[str, Metric]]):
        def wrapper(*rows):
            if any(item is None for item in rows):
                return _na(names, ratios)
            return build(*rows)

        return wrapper

    return decorate


@_guarded(
    (
        "visits",
        "billable_visits",
        "units_per_visit",
        "gross_charges",
        "insurance_paid",
        "patient_paid",
        "net_collected_revenue",
        "ncrpv",
        "copay_collected_at_tos",
    ),
    ("units_per_visit", "ncrpv", "copay_collected_at_tos"),
)
def _visit_metrics(row: dict[str, Any]) -> dict[str, Metric]:
    billable = _get(row, "billable_visits")
    insurance = _cents(row, "insurance_paid")
    patient = _cents(row, "patient_paid")
    maturity = Ratio(_get(row, "billable_remitted"), _get(row, "billable_with_claim"))
    return {
        "visits": Count(_get(row, "visits")),
        "billable_visits": Count(billable),
        "units_per_visit": Ratio(_get(row, "billable_units"), billable),
        "gross_charges": Money(_cents(row, "gross_charges")),
        "insurance_paid": Money(insurance),
        "patient_paid": Money(patient),
        "net_collected_revenue": Money(insurance + patient),
        "ncrpv": Ratio(
            _cents(row, "billable_net_collected"), billable, extras={"maturity": maturity}
        ),
        "copay_collected_at_tos": Ratio(
            _cents(row, "copay_collected_at_tos"), _cents(row, "copay_due")
        ),
    }


@_guarded(("expected_allowed", "payer_yield", "underpaid_lines"), ("payer_yield",))
def _line_metrics(row: dict[str, Any]) -> dict[str, Metric]:
    return {
        "expected_allowed": Money(
            _cents(row, "expected_allowed"),
            extras={"lines_no_contract_rate": _get(row, "lines_no_contract_rate")},
        ),
        "payer_yield": Ratio(
            _cents(row, "yield_received"),
            _cents(row, "yield_expected"),
            extras={
                "lines_denied": _get(row, "lines_denied"),
                "lines_adjudicated": _get(row, "lines_adjudicated"),
            },
        ),
        "underpaid_lines": Count(
            _get(row, "underpaid_lines"), extras={"amount": _cents(row, "underpaid_amount")}
        ),
    }


@_guarded(
    ("schedule_utilization", "arrival_rate", "cancellation_rate", "no_show_rate"),
    ("schedule_utilization", "arrival_rate", "cancellation_rate", "no_show_rate"),
)
def _schedule_metrics(appointments: dict[str, Any], capacity: dict[str, Any]):
    attended = _get(appointments, "attended")
    cancelled = _get(appointments, "cancelled") + _get(appointments, "late_cancel")
    no_show = _get(appointments, "no_show")
    outcomes = attended + cancelled + no_show
    return {
        "schedule_utilization": Ratio(
            _get(appointments, "attended_minutes"), _get(capacity, "available_minutes")
        ),
        "arrival_rate": Ratio(attended, outcomes),
        "cancellation_rate": Ratio(cancelled, outcomes),
        "no_show_rate": Ratio(no_show, outcomes),
    }


def _episode_metrics(discharges, referrals) -> dict[str, Metric]:
    metrics: dict[str, Metric] = {}
    discharge_names = (
        "discharged_episodes",
        "poc_completion_rate",
        "visit_adherence",
        "drop_off_rate",
        "visits_per_episode",
    )
    if discharges is None:
        metrics.update(_na(discharge_names, discharge_names[1:]))
    else:
        discharged = _get(discharges, "discharged_episodes")
        visits = _get(discharges, "episode_visits")
        metrics.update(
            {
                "discharged_episodes": Count(discharged),
                "poc_completion_rate": Ratio(_get(discharges, "completed"), discharged),
                "visit_adherence": Ratio(visits, _get(discharges, "planned_visits")),
                "drop_off_rate": Ratio(_get(discharges, "dropped_off"), discharged),
                "visits_per_episode": Ratio(visits, discharged),
            }
        )
    referral_names = ("referrals_received", "referral_conversion", "visits_per_referral")
    if referrals is None:
        metrics.update(_na(referral_names, referral_names[1:]))
    else:
        received = _get(referrals, "referrals_received")
        metrics.update(
            {
                "referrals_received": Count(received),
                "referral_conversion": Ratio(_get(referrals, "referrals_converted"), received),
                "visits_per_referral": Ratio(_get(referrals, "referral_visits"), received),
            }
        )
    return metrics


# Every denial root cause, zero included, so that a chart's categories are stable.
ROOT_CAUSES = tuple(RootCause.values)


@_guarded(
    (
        "claims_first_adjudicated",
        "denied_claims",
        "denial_rate",
        "clean_claim_rate",
        "denials_by_root_cause",
    ),
    ("denial_rate", "clean_claim_rate"),
)
def _claim_metrics(row: dict[str, Any]) -> dict[str, Metric]:
    adjudicated = _get(row, "claims_first_adjudicated")
    denied = _get(row, "denied_claims")
    found = row.get("root_causes") or {}
    if isinstance(found, str):  # Django's connection hands jsonb back as text
        found = json.loads(found)
    counts = {cause: int(found.get(cause, 0)) for cause in ROOT_CAUSES}
    # A CARC listed under a non-denial category (e.g. contractual 59) keeps its name.
    counts.update({cause: int(n) for cause, n in sorted(found.items()) if cause not in counts})
    return {
        "claims_first_adjudicated": Count(adjudicated),
        "denied_claims": Count(denied),
        "denial_rate": Ratio(denied, adjudicated),
        "clean_claim_rate": Ratio(_get(row, "clean_claims"), adjudicated),
        "denials_by_root_cause": Count(denied, extras={"counts": counts}),
    }


@_guarded(("days_in_ar", "ar_aging"), ("days_in_ar",))
def _receivable_metrics(row: dict[str, Any], window: dict[str, Any]) -> dict[str, Metric]:
    ar_total = _cents(row, "ar_total")
    gross = _cents(window, "gross_charges_90_days")
    daily = (gross / DAYS_IN_AR_WINDOW) if gross else Decimal(0)
    days = ratio_value(ar_total * DAYS_IN_AR_WINDOW, gross)
    return {
        "days_in_ar": Ratio(
            ar_total,
            daily.quantize(Decimal("0.000001")) if gross else 0,
            exact=days,
            denominator_places=6,
            extras={
                "ar_total": ar_total,
                "gross_charges_90_days": gross,
                "window_days": DAYS_IN_AR_WINDOW,
            },
        ),
        "ar_aging": Money(
            ar_total,
            extras={
                "buckets": {bucket: _cents(row, bucket) for bucket in AGING_BUCKETS},
                "claim_balances": _cents(row, "claim_balances"),
                "patient_balances": _cents(row, "patient_balances"),
                "patient_credit_balances": {
                    "count": _get(row, "credit_count"),
                    "amount": _cents(row, "credit_amount"),
                },
            },
        ),
    }


@_guarded(("at_risk_episodes",), ())
def _at_risk(row: dict[str, Any]) -> dict[str, Metric]:
    return {
        "at_risk_episodes": Count(
            _get(row, "at_risk_episodes"), extras={"episodes": list(row.get("episode_ids") or [])}
        )
    }
