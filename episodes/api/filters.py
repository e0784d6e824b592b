"""Filters of the record endpoints: external ids and date ranges (django-filter)."""

from __future__ import annotations

import django_filters

from episodes.models import Appointment, Episode, Referral, Visit
from ptrevops.api_fields import date_range, external_id_filter


class ReferralFilter(django_filters.FilterSet):
    clinic = external_id_filter("clinic", "clinic")
    patient = external_id_filter("patient", "patient")
    source = external_id_filter("source", "referral source")
    received_after, received_before = date_range("received_on")

    class Meta:
        model = Referral
        fields = ["external_id", "status"]


class EpisodeFilter(django_filters.FilterSet):
    clinic = external_id_filter("clinic", "clinic")
    patient = external_id_filter("patient", "patient")
    started_after, started_before = date_range("start_date")
    discharged = django_filters.BooleanFilter(
        field_name="discharge_date", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = Episode
        fields = ["external_id"]


class AppointmentFilter(django_filters.FilterSet):
    clinic = external_id_filter("clinic", "clinic")
    clinician = external_id_filter("clinician", "clinician")
    patient = external_id_filter("patient", "patient")
    date = django_filters.DateFilter(field_name="local_date", help_text="The clinic's date.")
    date_after, date_before = date_range("local_date")

    class Meta:
        model = Appointment
        fields = ["external_id", "status", "visit_type"]


class VisitFilter(django_filters.FilterSet):
    clinic = external_id_filter("clinic", "clinic")
    clinician = external_id_filter("clinician", "clinician")
    episode = external_id_filter("episode", "episode")
    served_after, served_before = date_range("date_of_service")

    class Meta:
        model = Visit
        fields = ["external_id"]
