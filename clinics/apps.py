from django.apps import AppConfig


class ClinicsConfig(AppConfig):
    name = "clinics"
    verbose_name = "Organizations and clinics"

    def ready(self) -> None:
        from clinics.api import schema  # noqa: F401  registers the OpenAPI auth scheme
