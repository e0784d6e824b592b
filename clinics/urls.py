from django.urls import path

from clinics import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("organization/switch/", views.switch_organization, name="switch-organization"),
    path(
        "organization/settings/",
        views.OrganizationSettingsView.as_view(),
        name="organization-settings",
    ),
    path("organization/members/", views.MembersView.as_view(), name="members"),
]
