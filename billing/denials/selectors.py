"""Reads for the biller's denial work queue and a denial's detail page.

Every query goes through the tenant managers (current organization only, row-level
security underneath) and, for a member limited to some clinics, through those clinics
(the claim's visit's clinic): another organization's or another clinic's denial is
simply not there.

Age of a denial: days since the payment date of the remittance that denied it (the
835's BPR16, when the payer adjudicated); the denial's ``created_at`` date when the
835 had no payment date.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, DateField, Prefetch, QuerySet, Sum
from django.db.models.functions import Cast, Coalesce
from django.shortcuts import get_object_or_404

from billing.choices import DenialStatus, RootCause
from billing.models import Adjustment, ChargeLine, ClaimPayment, Denial, ServicePayment
from clinics.models import Clinic, Membership
from clinics.permissions import ROLE_CAPABILITIES, Capability
from clinics.selectors import clinic_limit, clinics_visible_to

# Statuses still to be worked (the queue's default); the others are final.
WORK_STATUSES = (DenialStatus.OPEN, DenialStatus.IN_PROGRESS, DenialStatus.APPEALED)
FINAL_STATUSES = (DenialStatus.RESOLVED, DenialStatus.WRITTEN_OFF)

# Age buckets (days since the denying remittance's payment date): key -> (min, max).
AGE_BUCKETS: dict[str, tuple[str, int, int | None]] = {
    "0-30": ("0–30 days", 0, 30),
    "31-60": ("31–60 days", 31, 60),
    "61-90": ("61–90 days", 61, 90),
    "91-plus": ("Over 90 days", 91, None),
}


def organization_today(organization) -> datetime.date:
    """Today in the organization's time zone (ages count whole days there)."""
    return datetime.datetime.now(ZoneInfo(organization.timezone)).date()


def denials_visible_to(membership: Membership | None) -> QuerySet[Denial]:
    """The organization's denials this member may see (their clinics, or all; an API
    token, ``None``, acts for the whole organization)."""
    denials = Denial.objects.all()
    if (limit := clinic_limit(membership)) is not None:
        denials = denials.filter(claim__visit__clinic_id__in=limit)
    return denials.annotate(
        aged_from=Coalesce(
            "claim_payment__remittance__payment_date",
            Cast("created_at", output_field=DateField()),
        )
    )


def denial_queue_rows(denials: QuerySet[Denial]) -> QuerySet[Denial]:
    """The queue's rows with everything a row shows joined in: one query per page."""
    return denials.select_related(
        "claim__payer",
        "claim__visit__episode__patient",
        "claim_payment__remittance",
        "assignee",
    )


def with_age(denials, today: datetime.date) -> list[Denial]:
    """Set ``age_days`` on each denial of a page (``aged_from`` annotated)."""
    denials = list(denials)
    for denial in denials:
        denial.age_days = (today - denial.aged_from).days if denial.aged_from else None
    return denials


def filter_age_bucket(denials: QuerySet[Denial], bucket: str, today: datetime.date):
    _, low, high = AGE_BUCKETS[bucket]
    denials = denials.filter(aged_from__lte=today - datetime.timedelta(days=low))
    if high is not None:
        denials = denials.filter(aged_from__gte=today - datetime.timedelta(days=high))
    return denials


@dataclass(frozen=True)
class RootCauseTotal:
    root_cause: str
    label: str
    count: int
    amount: Decimal


def root_cause_totals(denials: QuerySet[Denial]) -> list[RootCauseTotal]:
    """Count and dollars per root cause (one grouped query), largest dollars first;
    every root cause is listed, with zeros, so the links stay in one place."""
    grouped = {
        row["root_cause"]: row
        for row in denials.order_by()
        .values("root_cause")
        .annotate(count=Count("pk"), amount=Sum("amount"))
    }
    totals = []
    for cause in RootCause:
        row = grouped.get(cause.value) or {"count": 0, "amount": Decimal("0")}
        totals.append(
            RootCauseTotal(cause.value, cause.label, row["count"], row["amount"] or Decimal("0"))
        )
    return sorted(totals, key=lambda total: (-total.amount, -total.count, total.label))


def denial_workers() -> QuerySet[Membership]:
    """Members of the current organization whose role may work denials."""
    roles = [role.value for role in ROLE_CAPABILITIES[Capability.WORK_DENIALS]]
    return Membership.objects.filter(role__in=roles).select_related("user").order_by("user__email")


def queue_clinics(membership: Membership) -> QuerySet[Clinic]:
    return clinics_visible_to(membership).order_by("name")


def denial_for_member(membership: Membership, denial_id: int) -> Denial:
    """One denial the member may see, with its claim; 404 for any other id."""
    return get_object_or_404(
        denials_visible_to(membership).select_related(
            "claim__payer",
            "claim__visit__episode__patient",
            "claim__visit__clinic",
            "claim_payment__remittance",
            "service_payment",
            "assignee",
        ),
        pk=denial_id,
    )


def with_payment_detail(
    payments: QuerySet[ClaimPayment], *, with_remittance: bool = True, with_denials: bool = True
) -> QuerySet[ClaimPayment]:
    """Claim payments with their service lines (and their charge lines), claim- and
    line-level adjustments, and optionally their remittance and denials: a fixed
    number of queries."""
    services = (
        ServicePayment.objects.order_by("pk")
        .select_related("charge_line")
        .prefetch_related(Prefetch("adjustments", queryset=Adjustment.objects.order_by("pk")))
    )
    payments = payments.prefetch_related(
        Prefetch("services", queryset=services),
        Prefetch(
            "adjustments",
            queryset=Adjustment.objects.filter(service_payment__isnull=True).order_by("pk"),
            to_attr="claim_adjustments",
        ),
    )
    if with_remittance:
        payments = payments.select_related("remittance__payer")
    if with_denials:
        payments = payments.prefetch_related(
            Prefetch("denials", queryset=Denial.objects.order_by("pk"))
        )
    return payments


def claim_remittances(claim, *, with_denials: bool = True) -> list[ClaimPayment]:
    """Every claim payment (CLP) of every remittance posted against the claim, oldest
    payment first, with its remittance, service lines, adjustments and RARCs."""
    return list(
        with_payment_detail(
            ClaimPayment.objects.filter(claim=claim), with_denials=with_denials
        ).order_by(
            Coalesce("remittance__payment_date", Cast("remittance__imported_at", DateField())),
            "remittance__file_sequence",
            "sequence",
            "pk",
        )
    )


def claim_charge_lines(claim) -> list[ChargeLine]:
    return list(ChargeLine.objects.filter(claim=claim).order_by("external_id"))


def claim_denials(claim) -> list[Denial]:
    """Every denial of the claim (the one on the page and its siblings)."""
    return list(
        Denial.objects.filter(claim=claim)
        .select_related("assignee", "service_payment")
        .order_by("pk")
    )
