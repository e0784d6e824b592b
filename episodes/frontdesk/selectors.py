"""Reads of the front-desk page: one clinic's schedule for one local date, with each
patient's copay due and collected and the authorization status of each visit.

Every query goes through the tenant managers (current organization only, row-level
security underneath) and through the member's clinics: another organization's or
another clinic's id is simply not there (404).

The page costs a fixed number of queries whatever the number of appointments: the
appointments (with patient, clinician, episode and payer joined in), then one query
each for the day's eligibility rows, copays collected, authorizations and the
authorized visits they already consumed.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from analytics.selectors import authorizations_of
from billing.choices import PatientPaymentKind
from billing.models import PatientPayment
from billing.rules.authorizations import (
    COVERED,
    EXPIRED,
    NO_AUTHORIZATION,
    NOT_YET_STARTED,
    UNIT_CAP_REACHED,
    VISIT_CAP_REACHED,
    AuthorizationCoverage,
    authorization_coverage,
)
from clinics.models import Clinic, Membership, Organization
from clinics.selectors import clinics_visible_to
from episodes.choices import AppointmentStatus
from episodes.models import Appointment, Eligibility, Visit

ZERO = Decimal("0.00")
# Appointments that are (or will be) a visit: they owe a copay and get authorization
# warnings. A cancellation, no-show or rescheduled slot owes no copay.
VISIT_STATUSES = (
    AppointmentStatus.SCHEDULED,
    AppointmentStatus.ARRIVED,
    AppointmentStatus.COMPLETED,
)


def clinic_zone(clinic: Clinic, organization: Organization) -> ZoneInfo:
    """The clinic's time zone, else the organization's."""
    return ZoneInfo(clinic.timezone or organization.timezone)


def clinic_today(clinic: Clinic, organization: Organization) -> datetime.date:
    return datetime.datetime.now(clinic_zone(clinic, organization)).date()


def frontdesk_clinics(membership: Membership) -> list[Clinic]:
    """The clinics this member may see, by name (the picker; the first is the default)."""
    return list(clinics_visible_to(membership).order_by("name", "pk"))


def appointment_for_member(membership: Membership, appointment_id: int) -> Appointment:
    """One appointment of a clinic the member may see, with its clinic and patient;
    404 for any other id (another organization's, another clinic's, none)."""
    return get_object_or_404(
        Appointment.objects.filter(clinic_id__in=clinics_visible_to(membership).values("pk"))
        .select_related("clinic", "patient")
        .annotate(visit_id=_first_visit_id()),
        pk=appointment_id,
    )


def _first_visit_id() -> Subquery:
    return Subquery(
        Visit.objects.filter(appointment_id=OuterRef("pk")).order_by("pk").values("pk")[:1]
    )


# -- copays -------------------------------------------------------------------------


def eligibility_in_force(patient_ids, on_date: datetime.date) -> dict[int, list[Eligibility]]:
    """Each patient's eligibility rows in force on ``on_date`` (active,
    ``effective_from ≤ date ≤ effective_to``, blanks open-ended): one query."""
    rows = defaultdict(list)
    for row in Eligibility.objects.filter(
        patient_id__in=patient_ids,
        active=True,
    ).filter(
        Q(effective_from__isnull=True) | Q(effective_from__lte=on_date),
        Q(effective_to__isnull=True) | Q(effective_to__gte=on_date),
    ):
        rows[row.patient_id].append(row)
    return rows


def pick_eligibility(rows: list[Eligibility], primary_payer_id: int | None) -> Eligibility | None:
    """The one row that counts when several are in force — the choice of the copay
    metric (analytics/metrics/queries/visits.py ``_eligibility``), so the desk and the
    dashboard agree: the episode's primary payer's first, then one with a copay, then
    the latest check, then the latest row."""
    if not rows:
        return None
    return max(
        rows,
        key=lambda row: (
            primary_payer_id is not None and row.payer_id == primary_payer_id,
            row.copay_amount is not None,
            row.checked_on,
            row.pk,
        ),
    )


def copays_collected(appointments, on_date: datetime.date) -> dict[int, Decimal]:
    """Σ copays collected on the clinic-local date per appointment: those logged for
    it at the desk and those paid on its visit (as the EMR exports them). One query.

    Per appointment, not per patient: "copay collected at time of service" counts a
    copay against its visit, so a patient with two visits owes two, and money taken
    at another clinic (which a member limited to this one may not see) clears nothing
    here."""
    by_visit = {a.visit_id: a.pk for a in appointments if a.visit_id is not None}
    appointment_ids = {a.pk for a in appointments}
    totals: dict[int, Decimal] = {}
    payments = (
        PatientPayment.objects.filter(kind=PatientPaymentKind.COPAY, collected_on=on_date)
        .filter(Q(appointment_id__in=appointment_ids) | Q(visit_id__in=list(by_visit)))
        .values_list("appointment_id", "visit_id", "amount")
    )
    for appointment_id, visit_id, amount in payments:
        if appointment_id not in appointment_ids:
            appointment_id = by_visit[visit_id]
        totals[appointment_id] = totals.get(appointment_id, ZERO) + amount
    return totals


# -- authorizations ---------------------------------------------------------------------


def coverage_warning(coverage: AuthorizationCoverage) -> str:
    """The prominent badge's text for a visit no authorization covers."""
    auth = coverage.authorization
    if coverage.reason == NO_AUTHORIZATION or auth is None:
        return "No authorization on file"
    if coverage.reason == EXPIRED:
        return f"Authorization expired {auth.end_date.isoformat()}"
    if coverage.reason == NOT_YET_STARTED:
        return f"Authorization starts {auth.start_date.isoformat()}"
    if coverage.reason == VISIT_CAP_REACHED:
        return f"Visit cap reached ({auth.visits_used}/{auth.visits_authorized})"
    if coverage.reason == UNIT_CAP_REACHED:
        return "Unit cap reached"
    return "Not covered"


def coverage_notice(coverage: AuthorizationCoverage) -> str:
    """The softer notice of a covered visit: expiring soon, visits running low."""
    auth = coverage.authorization
    if not coverage.covered or auth is None:
        return ""
    parts = []
    if coverage.expiring_soon:
        parts.append(f"expires {auth.end_date.isoformat()}")
    if coverage.visits_running_low:
        parts.append(f"{coverage.visits_remaining} of {auth.visits_authorized} visits left")
    return "Authorization " + ", ".join(parts) if parts else ""


# -- the schedule -------------------------------------------------------------------------


@dataclass
class ScheduleRow:
    appointment: Appointment
    starts_local: datetime.time
    payer: object | None
    eligibility: Eligibility | None
    copay_due: Decimal | None  # None: no eligibility row in force
    collected: Decimal
    to_collect: Decimal
    auth_required: bool
    coverage: AuthorizationCoverage | None
    expected: bool = True  # a visit, not a cancellation: a copay is due
    warning: str = ""
    notice: str = ""

    @property
    def warning_words(self) -> list[str]:
        """The badge's words: the page breaks its lines between words only (never
        inside a date)."""
        return self.warning.split()

    @property
    def notice_words(self) -> list[str]:
        return self.notice.split()

    @property
    def auth_status(self) -> str:
        if self.payer is None:
            return "No payer"
        if not self.auth_required:
            return "Not required"
        return "Covered" if self.coverage and self.coverage.covered else "Not covered"


@dataclass
class Schedule:
    clinic: Clinic
    on_date: datetime.date
    today: datetime.date
    zone: ZoneInfo
    rows: list[ScheduleRow] = field(default_factory=list)

    @property
    def is_today(self) -> bool:
        return self.on_date == self.today

    @property
    def warnings(self) -> int:
        return sum(1 for row in self.rows if row.warning)

    @property
    def notices(self) -> int:
        return sum(1 for row in self.rows if row.notice)

    @property
    def to_collect(self) -> Decimal:
        return sum((row.to_collect for row in self.rows), ZERO)

    @property
    def collected(self) -> Decimal:
        return sum((row.collected for row in self.rows), ZERO)


def appointments_on(clinic: Clinic, on_date: datetime.date) -> QuerySet[Appointment]:
    return (
        Appointment.objects.filter(clinic=clinic, local_date=on_date)
        .select_related("patient", "clinician", "episode__primary_payer")
        .annotate(visit_id=_first_visit_id())
        .order_by("starts_at", "pk")
    )


def schedule(
    clinic: Clinic, on_date: datetime.date, organization: Organization, today: datetime.date
) -> Schedule:
    """The clinic's appointments on its local date ``on_date``, by start time, each
    with the copay due/collected and the visit's authorization status. ``today``:
    the clinic's (``clinic_today``), read once by the caller for the whole page."""
    zone = clinic_zone(clinic, organization)
    result = Schedule(clinic=clinic, on_date=on_date, today=today, zone=zone)
    appointments = list(appointments_on(clinic, on_date))
    if not appointments:
        return result
    patient_ids = {appointment.patient_id for appointment in appointments}
    eligibility = eligibility_in_force(patient_ids, on_date)
    collected = copays_collected(appointments, on_date)
    authorizations = authorizations_of(patient_ids, on_date, organization.pk)

    for appointment in appointments:
        payer = appointment.episode.primary_payer if appointment.episode else None
        expected = appointment.status in VISIT_STATUSES
        chosen = pick_eligibility(eligibility.get(appointment.patient_id, []), payer and payer.pk)
        due = None if chosen is None else (chosen.copay_amount or ZERO)
        paid = collected.get(appointment.pk, ZERO)
        patient_auths = authorizations.get(appointment.patient_id, [])
        coverage = None
        if payer is not None:
            coverage = authorization_coverage(patient_auths, str(payer.pk), on_date)
        row = ScheduleRow(
            appointment=appointment,
            starts_local=appointment.starts_at.astimezone(zone).time(),
            payer=payer,
            eligibility=chosen,
            copay_due=due,
            collected=paid,
            to_collect=max((due or ZERO) - paid, ZERO) if expected else ZERO,
            auth_required=bool(payer and payer.requires_auth),
            coverage=coverage,
            expected=expected,
        )
        if row.auth_required and coverage is not None and row.expected:
            if coverage.reason != COVERED:
                row.warning = coverage_warning(coverage)
            else:
                row.notice = coverage_notice(coverage)
        result.rows.append(row)
    return result
