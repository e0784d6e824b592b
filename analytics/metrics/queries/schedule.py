"""Schedule: utilization, arrival, cancellation and no-show rates over the
appointments dated (clinic-local date of ``starts_at``) in the period."""

from __future__ import annotations

from analytics.metrics.queries.base import (
    ATTENDED,
    Attribution,
    MetricQuery,
)
from clinics.models import Organization

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


# An appointment's start in its clinic's local time (the organization's time zone,
# ``default_tz``, when the clinic has none).
LOCAL_START = (
    "(a.starts_at AT TIME ZONE (SELECT coalesce(nullif(ck.timezone, ''), %(default_tz)s)"
    " FROM clinics_clinic ck WHERE ck.id = a.clinic_id AND ck.organization_id = %(org)s))"
)
# Its schedule slot: "ISO weekday|hour" (the Schedule page's heatmap cell).
SLOT_KEY = f"to_char({LOCAL_START}, 'ID|HH24')"


class AppointmentSlotQuery(AppointmentQuery):
    """Grain rows of ``AppointmentSlotRollup`` (refresh only): attended appointments and
    minutes per grain key and schedule slot (ISO weekday, hour of the local start)."""

    def __init__(self, filters, **options) -> None:
        super().__init__(filters, **options)
        # The time zone of a clinic without one (the heatmap reads the same).
        self.params["default_tz"] = (
            Organization.objects.filter(pk=filters.organization_id)
            .values_list("timezone", flat=True)
            .get()
        )

    def group(self, attribution) -> str:
        # One time-zone lookup per appointment: [weekday, hour] from SLOT_KEY's text.
        slot = f"string_to_array({SLOT_KEY}, '|')::bigint[]"
        return f"({super().group(attribution)} || {slot})"

    def sql(self) -> str:
        return (
            super().sql()
            + "        HAVING count(*) FILTER (WHERE a.status = ANY(%(attended)s)) > 0\n"
        )


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
