"""Every app's API routes under /api/v1/."""

from django.urls import include, path

urlpatterns = [
    path("", include("clinics.api.urls")),
    path("", include("analytics.api.urls")),
    path("", include("billing.api.urls")),
    path("", include("episodes.api.urls")),
]
