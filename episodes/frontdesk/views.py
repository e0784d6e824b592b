"""The front desk's page: one clinic's schedule for a day, and logging a copay.

Thin views: the reads are in ``episodes.frontdesk.selectors``, the write in
``billing.copays.services``. ``OrganizationViewMixin`` checks the ``front_desk``
capability; the clinic and the appointment are looked up among the member's clinics.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from billing.copays import services
from billing.copays.forms import CopayForm
from clinics.permissions import Capability
from clinics.services import audit_record
from episodes.frontdesk import selectors
from ptrevops.tenancy.views import OrganizationViewMixin


def schedule_url(clinic_id: int, on_date: datetime.date) -> str:
    query = urlencode({"clinic": clinic_id, "date": on_date.isoformat()})
    return f"{reverse('front-desk')}?{query}"


class FrontDeskView(OrganizationViewMixin, TemplateView):
    template_name = "frontdesk/schedule.html"
    capability = Capability.FRONT_DESK

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        clinics = selectors.frontdesk_clinics(self.membership)
        clinic = self._chosen_clinic(clinics)
        if clinic is None:
            context.update(clinics=[], clinic=None)
            return context
        today = selectors.clinic_today(clinic, self.organization)
        on_date = self._chosen_date(today)
        schedule = selectors.schedule(clinic, on_date, self.organization, today)
        # Patient names and balances on the page: access is audit-logged.
        audit_record(
            action="frontdesk.schedule_viewed",
            actor=self.request.user,
            obj=clinic,
            detail={"date": on_date.isoformat(), "rows": len(schedule.rows)},
        )
        context.update(
            clinics=clinics,
            clinic=clinic,
            schedule=schedule,
            today=today,
            previous_url=schedule_url(clinic.pk, on_date - datetime.timedelta(days=1)),
            next_url=schedule_url(clinic.pk, on_date + datetime.timedelta(days=1)),
            today_url=schedule_url(clinic.pk, today),
            methods=CopayForm.base_fields["method"].choices,
            default_method=CopayForm.base_fields["method"].initial,
        )
        return context

    def _chosen_clinic(self, clinics):
        wanted = self.request.GET.get("clinic")
        if not wanted:
            return clinics[0] if clinics else None
        for clinic in clinics:
            if str(clinic.pk) == wanted:
                return clinic
        raise Http404("No such clinic.")

    def _chosen_date(self, today: datetime.date) -> datetime.date:
        try:
            chosen = datetime.date.fromisoformat(self.request.GET.get("date") or "")
        except ValueError:
            return today
        # The previous/next-day links must exist (date.min - 1 day overflows).
        return chosen if datetime.date.min < chosen < datetime.date.max else today


class CopayLogView(OrganizationViewMixin, View):
    """POST only: log a copay for one appointment, then back to its day (PRG)."""

    capability = Capability.FRONT_DESK
    http_method_names = ["post"]

    def post(self, request, pk):
        appointment = selectors.appointment_for_member(self.membership, pk)
        back = schedule_url(appointment.clinic_id, appointment.local_date)
        form = CopayForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Not saved. Enter an amount and a method.")
            return redirect(back)
        try:
            payment = services.copay_log(
                appointment=appointment,
                amount=form.cleaned_data["amount"],
                method=form.cleaned_data["method"],
                acting_user=request.user,
                organization=self.organization,
            )
        except services.CopayError as error:
            messages.error(request, f"Not saved. {error}")
        else:
            messages.success(
                request,
                f"Copay of ${payment.amount:,.2f} ({payment.get_method_display().lower()}) "
                f"logged for {appointment.patient}.",
            )
        return redirect(back)
