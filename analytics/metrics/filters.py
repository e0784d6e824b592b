"""What a metrics request selects: the period, the filters, the as-of date, the grouping.

Filters arrive as the EMR's external ids (clinic, payer, clinician and referral source
ids, as in the export bundle) and are resolved once, here, to the database ids the
queries bind as parameters. An unknown id is an error, never an empty filter: a typo
must not silently widen or empty a dashboard.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace
from enum import StrEnum

from billing.models import Payer
from clinics.models import Clinic, Clinician
from episodes.models import ReferralSource


class GroupBy(StrEnum):
    MONTH = "month"
    WEEK = "week"
    CLINIC = "clinic"
    CLINICIAN = "clinician"
    PAYER = "payer"
    SOURCE = "source"


# Groupings by a period split the selection in time; the others by an attribute.
PERIOD_GROUPINGS = frozenset({GroupBy.MONTH, GroupBy.WEEK})
DIMENSIONS = ("clinic", "clinician", "payer", "source")


class MetricFilterError(ValueError):
    """A request the metrics module cannot answer (bad dates, unknown ids, …)."""


@dataclass(frozen=True)
class MetricFilters:
    """One metrics selection, with every id already resolved to a database id.

    ``clinics`` … ``sources`` hold database ids (empty = no filter); ``external_ids``
    keeps the ids the user gave, for echoing them back. ``as_of`` is the date of the
    point-in-time figures (A/R, at-risk episodes); by default the period end.
    """

    organization_id: int
    start: datetime.date
    end: datetime.date
    clinics: tuple[int, ...] = ()
    clinicians: tuple[int, ...] = ()
    payers: tuple[int, ...] = ()
    sources: tuple[int, ...] = ()
    as_of: datetime.date | None = None
    group_by: GroupBy | None = None
    external_ids: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise MetricFilterError(
                f"start {self.start.isoformat()} is after end {self.end.isoformat()}"
            )

    @property
    def as_of_date(self) -> datetime.date:
        return self.as_of or self.end

    def ids(self, dimension: str) -> tuple[int, ...]:
        """The database ids filtered on for ``dimension`` (clinic, clinician, payer, source)."""
        return {
            "clinic": self.clinics,
            "clinician": self.clinicians,
            "payer": self.payers,
            "source": self.sources,
        }[dimension]

    @property
    def dimension(self) -> str | None:
        """The attribute grouped by, when grouping by one (not by a period)."""
        if self.group_by is None or self.group_by in PERIOD_GROUPINGS:
            return None
        return str(self.group_by)

    def for_period(self, start: datetime.date, end: datetime.date) -> MetricFilters:
        """The same selection over a sub-period, without grouping (one month of a trend).

        Point-in-time figures of a sub-period are as of its end, unless the request
        fixed ``as_of``.
        """
        return replace(self, start=start, end=end, group_by=None)


def parse_date(value: str, name: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise MetricFilterError(f"{name} {value!r} is not a date (YYYY-MM-DD)") from None


def parse_group_by(value: str | None) -> GroupBy | None:
    if value in (None, ""):
        return None
    try:
        return GroupBy(value)
    except ValueError:
        choices = ", ".join(item.value for item in GroupBy)
        raise MetricFilterError(f"group_by {value!r} is not one of: {choices}") from None


def _resolve(model, organization_id: int, name: str, external_ids) -> tuple[int, ...]:
    wanted = tuple(dict.fromkeys(item.strip() for item in external_ids if item and item.strip()))
    if not wanted:
        return ()
    found = dict(
        model.objects.filter(organization_id=organization_id, external_id__in=wanted).values_list(
            "external_id", "pk"
        )
    )
    missing = [item for item in wanted if item not in found]
    if missing:
        raise MetricFilterError(f"unknown {name} id(s): {', '.join(missing)}")
    return tuple(sorted(found[item] for item in wanted))


def resolve_filters(
    *,
    organization_id: int,
    start: datetime.date,
    end: datetime.date,
    clinics: list[str] | tuple[str, ...] = (),
    clinicians: list[str] | tuple[str, ...] = (),
    payers: list[str] | tuple[str, ...] = (),
    sources: list[str] | tuple[str, ...] = (),
    as_of: datetime.date | None = None,
    group_by: GroupBy | str | None = None,
) -> MetricFilters:
    """Build a ``MetricFilters`` from external ids; must run inside the tenant scope."""
    if isinstance(group_by, str):
        group_by = parse_group_by(group_by)
    if start > end:
        raise MetricFilterError(f"start {start.isoformat()} is after end {end.isoformat()}")
    external = {
        "clinic": tuple(dict.fromkeys(c.strip() for c in clinics if c and c.strip())),
        "clinician": tuple(dict.fromkeys(c.strip() for c in clinicians if c and c.strip())),
        "payer": tuple(dict.fromkeys(c.strip() for c in payers if c and c.strip())),
        "source": tuple(dict.fromkeys(c.strip() for c in sources if c and c.strip())),
    }
    return MetricFilters(
        organization_id=organization_id,
        start=start,
        end=end,
        clinics=_resolve(Clinic, organization_id, "clinic", external["clinic"]),
        clinicians=_resolve(Clinician, organization_id, "clinician", external["clinician"]),
        payers=_resolve(Payer, organization_id, "payer", external["payer"]),
        sources=_resolve(ReferralSource, organization_id, "referral source", external["source"]),
        as_of=as_of,
        group_by=group_by,
        external_ids=external,
    )
