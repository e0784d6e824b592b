"""Schedule: utilization, arrival, cancellation and no-show rates over the
appointments dated (clinic-local date of ``starts_at``) in the period."""

from __future__ import annotations

from analytics.metrics.queries.base import (
    ATTENDED,
    Attribution,
    MetricQuery,
)

APPOINTMENT_ATTRIBUTION = Attribution(
    clinic="a.clinic_id",
    clinician="a.clinician_id",
    # An appointment has no claim yet: its episode's primary payer.
    payer="ae.primary_payer_id",
    source="asrc.source_id",
    day="a.local_date",
)

# Capacity is a clinician's time at a clinic: it has no payer and no referral source.
# Under a payer or source filter (or grouping) utilization keeps the whole capacity
# (of the selected clinics and clinicians) as its denominator, so it reads "share of
# the capacity used by this payer's patients" and the groups add up to the total.
CAPACITY_ATTRIBUTION = Attribution(
    clinic="sc.clinic_id", clinician="sc.clinician_id", payer=None, source=None, day="sc.date"
)


class AppointmentQuery(MetricQuery):
    def __init__(self, filters, **options) -> None:
        super().__init__(filters, **options)
        self.params["attended"] = list(ATTENDED)

    def sql(self) -> str:
        joins = ""
        if self.needs("payer") or self.needs("source"):
            joins += self.join_by_id("episodes_episode", "ae", "a.episode_id", left=True)
        if self.needs("source"):
            joins += self.source_join("asrc", "ae")
        return f"""
        SELECT {self.group(APPOINTMENT_ATTRIBUTION)} AS grp,
               coalesce(sum(a.duration_minutes) FILTER (
                   WHERE a.status = ANY(%(attended)s)), 0)::bigint AS attended_minutes,
               count(*) FILTER (WHERE a.status = ANY(%(attended)s)) AS attended,
               count(*) FILTER (WHERE a.status = 'cancelled') AS cancelled,
               count(*) FILTER (WHERE a.status = 'late_cancel') AS late_cancel,
               count(*) FILTER (WHERE a.status = 'no_show') AS no_show
        FROM episodes_appointment a
        {joins}
        WHERE a.organization_id = %(org)s
          AND a.local_date BETWEEN %(start)s AND %(end)s
          {self.where(APPOINTMENT_ATTRIBUTION)}
        GROUP BY 1
        """


class CapacityQuery(MetricQuery):
    """Σ available minutes of schedule capacity dated in period (clinic and clinician
    filters apply; payer and source filters cannot)."""

    def sql(self) -> str:
        conditions = ""
        for dimension in ("clinic", "clinician"):
            if self.filters.ids(dimension):
                expression = CAPACITY_ATTRIBUTION.expression(dimension)
                conditions += f" AND {expression} = ANY(%(ids_{dimension})s)"
        dimension = self.filters.dimension
        group = "NULL::bigint"
        if self.grain:
            group = self.group(CAPACITY_ATTRIBUTION)
        elif dimension in ("clinic", "clinician"):
            group = CAPACITY_ATTRIBUTION.expression(dimension)
        return f"""
        SELECT {group} AS grp, coalesce(sum(sc.available_minutes), 0)::bigint AS available_minutes
        FROM clinics_schedulecapacity sc
        WHERE sc.organization_id = %(org)s AND sc.date BETWEEN %(start)s AND %(end)s
          {conditions}
        GROUP BY 1
        """
