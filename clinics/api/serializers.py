from rest_framework import serializers

from clinics.models import Clinic


class ClinicSerializer(serializers.ModelSerializer):
    class Meta:
        model = Clinic
        fields = ["id", "external_id", "name", "state", "timezone"]
