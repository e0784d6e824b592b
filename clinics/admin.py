from django.contrib import admin

from clinics.models import (
    ApiToken,
    AuditEvent,
    Clinic,
    Clinician,
    ColumnMappingProfile,
    ImportRowError,
    ImportRun,
    Membership,
    MembershipClinic,
    Organization,
    ScheduleCapacity,
    User,
)
from ptrevops.tenancy.admin import register_tenant_models


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "is_active", "is_staff", "last_login"]
    search_fields = ["email"]
    exclude = ["password"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "timezone", "require_mfa"]


@admin.register(Clinic)
class ClinicAdmin(admin.ModelAdmin):
    list_display = ["name", "external_id", "state", "timezone"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role"]


register_tenant_models(
    (
        Clinician,
        ["external_id", "name", "credential", "npi", "active"],
        ["external_id", "name"],
        ["clinic"],
    ),
    (
        ImportRun,
        ["created_at", "original_filename", "kind", "source", "status", "error_count"],
        ["original_filename", "sha256"],
        ["created_by", "duplicate_of"],
    ),
    (ImportRowError, ["run", "file", "line", "column", "reason"], ["file"], ["run"]),
    (MembershipClinic, ["membership", "clinic"], [], ["membership", "clinic"]),
    (
        ApiToken,
        ["name", "prefix", "role", "created_at", "last_used_at", "revoked_at"],
        ["name"],
        ["created_by"],
    ),
    (
        ColumnMappingProfile,
        ["name", "vendor", "source_table", "target", "created_by", "updated_at"],
        ["name", "vendor"],
        ["created_by"],
    ),
    (AuditEvent, ["at", "actor", "action", "object_type", "object_id"], ["action"], ["actor"]),
    (
        ScheduleCapacity,
        ["clinician", "clinic", "date", "available_minutes"],
        [],
        ["clinician", "clinic"],
    ),
)
