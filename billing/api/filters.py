"""Query filters of the denial and copay endpoints (django-filter).

Related rows are named by external id (what the caller's systems know); a value
that names nothing of this organization simply matches nothing.
"""

from __future__ import annotations

import django_filters

from billing.choices import DenialStatus, RootCause
from billing.models import Claim, Denial, PatientPayment, Remittance


class DenialFilter(django_filters.FilterSet):
    root_cause = django_filters.MultipleChoiceFilter(choices=RootCause.choices)
    status = django_filters.MultipleChoiceFilter(choices=DenialStatus.choices)
    payer = django_filters.CharFilter(
        field_name="claim__payer__external_id", help_text="The payer's external id."
    )
    clinic = django_filters.CharFilter(
        field_name="claim__visit__clinic__external_id", help_text="The clinic's external id."
    )
    claim = django_filters.CharFilter(
        field_name="claim__external_id", help_text="The claim's external id."
    )
    assignee = django_filters.CharFilter(
        field_name="assignee__email", lookup_expr="iexact", help_text="The assignee's email."
    )
    denied_after = django_filters.DateFilter(field_name="aged_from", lookup_expr="gte")
    denied_before = django_filters.DateFilter(field_name="aged_from", lookup_expr="lte")
    updated_after = django_filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", help_text="For incremental syncs."
    )

    class Meta:
        model = Denial
        fields = ["root_cause", "status", "group_code", "reason_code"]


class CopayFilter(django_filters.FilterSet):
    collected_on = django_filters.DateFilter()
    collected_after = django_filters.DateFilter(field_name="collected_on", lookup_expr="gte")
    collected_before = django_filters.DateFilter(field_name="collected_on", lookup_expr="lte")
    patient = django_filters.CharFilter(
        field_name="patient__external_id", help_text="The patient's external id."
    )
    # A number, not a model choice: the choices would be read with no tenant in scope.
    appointment = django_filters.NumberFilter(
        field_name="appointment_id", help_text="The appointment's id."
    )

    class Meta:
        model = PatientPayment
        fields = ["method"]


class ClaimFilter(django_filters.FilterSet):
    payer = django_filters.CharFilter(
        field_name="payer__external_id", help_text="The payer's external id."
    )
    clinic = django_filters.CharFilter(
        field_name="visit__clinic__external_id", help_text="The clinic's external id."
    )
    visit = django_filters.CharFilter(
        field_name="visit__external_id", help_text="The visit's external id."
    )
    submitted_after = django_filters.DateFilter(field_name="submitted_on", lookup_expr="gte")
    submitted_before = django_filters.DateFilter(field_name="submitted_on", lookup_expr="lte")

    class Meta:
        model = Claim
        fields = ["external_id", "payer_rank"]


class RemittanceFilter(django_filters.FilterSet):
    payer = django_filters.CharFilter(
        field_name="payer__external_id", help_text="The payer's external id."
    )
    paid_after = django_filters.DateFilter(field_name="payment_date", lookup_expr="gte")
    paid_before = django_filters.DateFilter(field_name="payment_date", lookup_expr="lte")

    class Meta:
        model = Remittance
        fields = ["trace_number", "import_run_id"]
