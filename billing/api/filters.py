"""Query filters of the denial and copay endpoints (django-filter).

Related rows are named by external id (what the caller's systems know); a value
that names nothing of this organization simply matches nothing.
"""

from __future__ import annotations

import django_filters

from billing.choices import DenialStatus, RootCause
from billing.models import Claim, Denial, PatientPayment, Remittance
from ptrevops.api_fields import date_range, external_id_filter


class DenialFilter(django_filters.FilterSet):
    root_cause = django_filters.MultipleChoiceFilter(choices=RootCause.choices)
    status = django_filters.MultipleChoiceFilter(choices=DenialStatus.choices)
    payer = external_id_filter("claim__payer", "payer")
    clinic = external_id_filter("claim__visit__clinic", "clinic")
    claim = external_id_filter("claim", "claim")
    assignee = django_filters.CharFilter(
        field_name="assignee__email", lookup_expr="iexact", help_text="The assignee's email."
    )
    denied_after, denied_before = date_range("aged_from")
    updated_after = django_filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", help_text="For incremental syncs."
    )

    class Meta:
        model = Denial
        fields = ["root_cause", "status", "group_code", "reason_code"]


class CopayFilter(django_filters.FilterSet):
    collected_on = django_filters.DateFilter()
    collected_after, collected_before = date_range("collected_on")
    patient = external_id_filter("patient", "patient")
    # A number, not a model choice: the choices would be read with no tenant in scope.
    appointment = django_filters.NumberFilter(
        field_name="appointment_id", help_text="The appointment's id."
    )

    class Meta:
        model = PatientPayment
        fields = ["method"]


class ClaimFilter(django_filters.FilterSet):
    payer = external_id_filter("payer", "payer")
    clinic = external_id_filter("visit__clinic", "clinic")
    visit = external_id_filter("visit", "visit")
    submitted_after, submitted_before = date_range("submitted_on")

    class Meta:
        model = Claim
        fields = ["external_id", "payer_rank"]


class RemittanceFilter(django_filters.FilterSet):
    payer = external_id_filter("payer", "payer")
    paid_after, paid_before = date_range("payment_date")

    class Meta:
        model = Remittance
        fields = ["trace_number", "import_run_id"]
