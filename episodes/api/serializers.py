"""Referrals, episodes, appointments and visits as the API shows them: related rows
by the external ids the EMR uses (patients by id only: no names or birth dates)."""

from __future__ import annotations

from rest_framework import serializers

from episodes.models import Appointment, Episode, Referral, Visit
from ptrevops.api_fields import external_id_field


class ReferralSerializer(serializers.ModelSerializer):
    patient = external_id_field("patient")
    clinic = external_id_field("clinic")
    source = external_id_field("source")
    source_name = serializers.CharField(source="source.name", default=None)

    class Meta:
        model = Referral
        fields = [
            "id",
            "external_id",
            "patient",
            "clinic",
            "source",
            "source_name",
            "received_on",
            "status",
        ]


class EpisodeSerializer(serializers.ModelSerializer):
    patient = external_id_field("patient")
    clinic = external_id_field("clinic")
    referral = external_id_field("referral")
    primary_payer = external_id_field("primary_payer")
    secondary_payer = external_id_field("secondary_payer")

    class Meta:
        model = Episode
        fields = [
            "id",
            "external_id",
            "patient",
            "clinic",
            "referral",
            "primary_payer",
            "secondary_payer",
            "start_date",
            "discharge_date",
            "discharge_reason",
        ]


class AppointmentSerializer(serializers.ModelSerializer):
    patient = external_id_field("patient")
    clinic = external_id_field("clinic")
    clinician = external_id_field("clinician")
    episode = external_id_field("episode")

    class Meta:
        model = Appointment
        fields = [
            "id",
            "external_id",
            "patient",
            "clinic",
            "clinician",
            "episode",
            "starts_at",
            "local_date",
            "duration_minutes",
            "visit_type",
            "status",
            "status_changed_at",
        ]


class VisitSerializer(serializers.ModelSerializer):
    patient = external_id_field("episode.patient")
    clinic = external_id_field("clinic")
    clinician = external_id_field("clinician")
    episode = external_id_field("episode")
    appointment = external_id_field("appointment")

    class Meta:
        model = Visit
        fields = [
            "id",
            "external_id",
            "patient",
            "clinic",
            "clinician",
            "episode",
            "appointment",
            "date_of_service",
            "total_timed_minutes",
        ]
