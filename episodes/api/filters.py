"""Filters of the record endpoints: external ids and date ranges (django-filter)."""

from __future__ import annotations

import django_filters

from episodes.models import Appointment, Episode, Referral, Visit


def by_external_id(path: str, what: str) -> django_filters.CharFilter:
    return django_filters.CharFilter(
        field_name=f"{path}__external_id", help_text=f"The {what}'s external id."
    )


class ReferralFilter(django_filters.FilterSet):
    clinic = by_external_id("clinic", "clinic")
    patient = by_external_id("patient", "patient")
    source = by_external_id("source", "referral source")
    received_after = django_filters.DateFilter(field_name="received_on", lookup_expr="gte")
    received_before = django_filters.DateFilter(field_name="received_on", lookup_expr="lte")

    class Meta:
        model = Referral
        fields = ["external_id", "status"]


class EpisodeFilter(django_filters.FilterSet):
    clinic = by_external_id("clinic", "clinic")
    patient = by_external_id("patient", "patient")
    started_after = django_filters.DateFilter(field_name="start_date", lookup_expr="gte")
    started_before = django_filters.DateFilter(field_name="start_date", lookup_expr="lte")
    discharged = django_filters.BooleanFilter(
        field_name="discharge_date", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = Episode
        fields = ["external_id"]


class AppointmentFilter(django_filters.FilterSet):
    clinic = by_external_id("clinic", "clinic")
    clinician = by_external_id("clinician", "clinician")
    patient = by_external_id("patient", "patient")
    date = django_filters.DateFilter(field_name="local_date", help_text="The clinic's date.")
    date_after = django_filters.DateFilter(field_name="local_date", lookup_expr="gte")
    date_before = django_filters.DateFilter(field_name="local_date", lookup_expr="lte")

    class Meta:
        model = Appointment
        fields = ["external_id", "status", "visit_type"]


class VisitFilter(django_filters.FilterSet):
    clinic = by_external_id("clinic", "clinic")
    clinician = by_external_id("clinician", "clinician")
    episode = by_external_id("episode", "episode")
    served_after = django_filters.DateFilter(field_name="date_of_service", lookup_expr="gte")
    served_before = django_filters.DateFilter(field_name="date_of_service", lookup_expr="lte")

    class Meta:
        model = Visit
        fields = ["external_id"]
