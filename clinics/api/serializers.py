from rest_framework import serializers

from clinics.choices import ImportKind
from clinics.models import Clinic, ImportRun


class ClinicSerializer(serializers.ModelSerializer):
    class Meta:
        model = Clinic
        fields = ["id", "external_id", "name", "state", "timezone"]


class ImportRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = ImportRun
        fields = [
            "id",
            "kind",
            "source",
            "profile",
            "original_filename",
            "sha256",
            "size_bytes",
            "partial",
            "status",
            "duplicate_of",
            "created_at",
            "started_at",
            "finished_at",
            "attempts",
            "error_message",
            "error_count",
            "report",
        ]
        read_only_fields = fields


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    kind = serializers.ChoiceField(choices=ImportKind.choices, required=False)
    partial = serializers.BooleanField(default=False)
