"""Log a copay collected at the front desk.

The payment is a ``PatientPayment`` of kind copay, exactly as the EMR export would
bring one, with an ``external_id`` in a namespace of our own (``ptrevops-copay-…``) so
it never collides with, nor is overwritten by, an imported payment. Its insert marks
the visit's day dirty for the rollups (the statement trigger on the table, in this
transaction); once the transaction commits, the same refresh an import ends with is
queued for the organization so the dashboards catch up without waiting for a reader.
"""

from __future__ import annotations

import datetime
import re
import uuid
from decimal import Decimal, InvalidOperation

from django.db import connection, transaction
from django.utils import timezone

from billing.choices import PatientPaymentKind, PaymentMethod
from billing.models import PatientPayment
from billing.remittances.tenancy import require_tenant
from clinics.models import Organization
from clinics.services import actor_identity, audit_record
from episodes.frontdesk.selectors import VISIT_STATUSES, clinic_zone
from episodes.models import Appointment

EXTERNAL_ID_PREFIX = "ptrevops-copay-"
MAX_COPAY = Decimal("1000.00")
# The same amount for the same appointment this soon again is a double submit.
REPEAT_WINDOW = datetime.timedelta(minutes=1)
AMOUNT = re.compile(r"-?\d*\.?\d+|-?\d+\.")


class CopayError(ValueError):
    """A copay the rules refuse; its message is shown at the desk."""


def copay_amount_parse(value) -> Decimal:
    """A positive amount of dollars and cents, at most ``MAX_COPAY``."""
    text = str(value).strip().lstrip("$").replace(",", "")
    if not AMOUNT.fullmatch(text):  # no exponents ("1e2"), signs are checked below
        raise CopayError(f"“{value}” is not an amount.")
    try:
        amount = Decimal(text)
    except (InvalidOperation, ValueError):
        raise CopayError(f"“{value}” is not an amount.") from None
    if amount <= 0:
        raise CopayError("The amount must be more than $0.00.")
    if amount > MAX_COPAY:
        raise CopayError(f"A copay is at most ${MAX_COPAY:,.2f}.")
    if amount != amount.quantize(Decimal("0.01")):
        raise CopayError("The amount has at most 2 decimals (cents).")
    return amount.quantize(Decimal("0.01"))


def copay_log(
    *,
    appointment: Appointment,
    amount,
    method: str,
    acting_user,
    organization: Organization,
    now: datetime.datetime | None = None,
) -> PatientPayment:
    """Record a copay for the appointment's patient, collected now at the desk.

    ``appointment`` must come from a tenant- and clinic-scoped lookup
    (``episodes.frontdesk.selectors.appointment_for_member``). Refused for an
    appointment on any other clinic-local date than today. ``acting_user`` is the
    signed-in user or the API token's identity (``actor_identity``).
    """
    amount = copay_amount_parse(amount)
    if method not in PaymentMethod.values:
        raise CopayError("Choose a payment method.")
    actor, collected_by = actor_identity(acting_user)
    now = now or timezone.now()
    today = now.astimezone(clinic_zone(appointment.clinic, organization)).date()
    if appointment.local_date != today:
        raise CopayError(
            f"Copays are logged at the desk on the day of the visit: this appointment is "
            f"on {appointment.local_date:%b %-d, %Y}, today is {today:%b %-d, %Y}."
        )
    if appointment.status not in VISIT_STATUSES:
        raise CopayError(
            f"This appointment is {appointment.get_status_display().lower()}: no copay is due."
        )
    visit_id = getattr(appointment, "visit_id", None)
    if visit_id is None:
        visit = appointment.visits.order_by("pk").first()
        visit_id = visit.pk if visit else None
    with transaction.atomic():
        # A second Enter on the same row (the page not reloaded yet) is one copay,
        # not two: the appointment's row lock orders two such requests.
        Appointment.objects.select_for_update().filter(pk=appointment.pk).exists()
        if PatientPayment.objects.filter(
            appointment_id=appointment.pk,
            amount=amount,
            collected_at__gte=now - REPEAT_WINDOW,
        ).exists():
            raise CopayError(
                f"A copay of ${amount:,.2f} was just logged for this appointment;"
                " reload the page to see it."
            )
        payment = PatientPayment.objects.create(
            external_id=f"{EXTERNAL_ID_PREFIX}{uuid.uuid4().hex}",
            patient_id=appointment.patient_id,
            visit_id=visit_id,
            # Until the EMR's export brings the visit (link_desk_copays).
            appointment_id=appointment.pk,
            amount=amount,
            collected_at=now,
            collected_on=today,
            kind=PatientPaymentKind.COPAY,
            method=method,
            collected_by=collected_by[:100],
        )
        audit_record(
            action="copay.logged",
            actor=actor,
            obj=payment,
            detail={
                "appointment": appointment.pk,
                "amount": str(amount),
                "method": method,
                "by": collected_by,
            },
        )
        organization_id = organization.pk
        transaction.on_commit(lambda: _refresh_rollups(organization_id), robust=True)
    return payment


def _refresh_rollups(organization_id: int) -> None:
    from analytics.tasks import refresh_rollups

    refresh_rollups.delay(organization_id=organization_id)


# The visit of each desk copay logged before its visit existed: the visit of the
# copay's appointment (the first, should the EMR have split one appointment).
LINK_DESK_COPAYS = """
    UPDATE billing_patientpayment p SET visit_id = v.visit_id
    FROM (
        SELECT v.appointment_id, min(v.id) AS visit_id FROM episodes_visit v
        WHERE v.organization_id = %(org)s AND v.appointment_id IN (
            SELECT appointment_id FROM billing_patientpayment
            WHERE organization_id = %(org)s AND visit_id IS NULL
              AND appointment_id IS NOT NULL)
        GROUP BY v.appointment_id
    ) v
    WHERE p.organization_id = %(org)s AND p.visit_id IS NULL
      AND p.appointment_id = v.appointment_id
"""


def link_desk_copays(*, organization_id: int) -> int:
    """Give the copays logged at the desk before their visit existed that visit, now
    that an import has brought it; returns how many were linked.

    Only then does "copay collected at time of service" count them (it reads copays
    by visit), and the update's trigger marks the visit's day for the rollups. Run
    by the import runs after a bundle, inside ``tenant_context(organization_id)``.
    """
    require_tenant(organization_id)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(LINK_DESK_COPAYS, {"org": organization_id})
        return cursor.rowcount
