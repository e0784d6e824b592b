from django.urls import path

from clinics import import_views, mapping_views, views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("organization/switch/", views.switch_organization, name="switch-organization"),
    path(
        "organization/settings/",
        views.OrganizationSettingsView.as_view(),
        name="organization-settings",
    ),
    path("organization/members/", views.MembersView.as_view(), name="members"),
    path("imports/", import_views.ImportListView.as_view(), name="imports"),
    path("imports/<int:pk>/", import_views.ImportDetailView.as_view(), name="import-detail"),
    path(
        "imports/<int:pk>/progress.json",
        import_views.ImportProgressView.as_view(),
        name="import-progress",
    ),
    path(
        "imports/<int:pk>/errors.csv",
        import_views.ImportErrorsCsvView.as_view(),
        name="import-errors",
    ),
    path("imports/<int:pk>/retry/", import_views.ImportRetryView.as_view(), name="import-retry"),
    path("imports/vendor/", mapping_views.VendorUploadView.as_view(), name="import-vendor"),
    path("imports/mappings/", mapping_views.MappingListView.as_view(), name="mappings"),
    path("imports/mappings/new/", mapping_views.MappingCreateView.as_view(), name="mapping-create"),
    path(
        "imports/mappings/<int:pk>/", mapping_views.MappingEditView.as_view(), name="mapping-edit"
    ),
    path(
        "imports/mappings/<int:pk>/preview/",
        mapping_views.MappingPreviewView.as_view(),
        name="mapping-preview",
    ),
    path(
        "imports/mappings/<int:pk>/import/",
        mapping_views.MappingImportView.as_view(),
        name="mapping-import",
    ),
    path(
        "imports/mappings/<int:pk>/delete/",
        mapping_views.MappingDeleteView.as_view(),
        name="mapping-delete",
    ),
]
