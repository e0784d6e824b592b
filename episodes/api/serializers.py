"""Referrals, episodes, appointments and visits as the API shows them: related rows
by the external ids the EMR uses (patients by id only: no names or birth dates)."""

from __future__ import annotations

from rest_framework import serializers

from episodes.models import Appointment, Episode, Referral, Visit


def external(source: str, **kwargs) -> serializers.CharField:
    return serializers.CharField(source=f"{source}.external_id", default=None, **kwargs)


class ReferralSerializer(serializers.ModelSerializer):
    patient = external("patient")
    clinic = external("clinic")
    source = external("source")
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
    patient = external("patient")
    clinic = external("clinic")
    referral = external("referral")
    primary_payer = external("primary_payer")
    secondary_payer = external("secondary_payer")

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
    patient = external("patient")
    clinic = external("clinic")
    clinician = external("clinician")
    episode = external("episode")

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
    patient = external("episode.patient")
    clinic = external("clinic")
    clinician = external("clinician")
    episode = external("episode")
    appointment = external("appointment")

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
