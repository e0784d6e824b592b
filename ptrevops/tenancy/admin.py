"""Admin for tenant models: the current organization's rows only (the manager and
row-level security scope them); new rows are stamped with it."""

from django.contrib import admin

from ptrevops.tenancy.context import current_organization_id


class TenantAdmin(admin.ModelAdmin):
    list_per_page = 50
    show_full_result_count = False  # counting millions of rows on every page is slow

    def save_model(self, request, obj, form, change):
        if not change and obj.organization_id is None:
            obj.organization_id = current_organization_id()
        super().save_model(request, obj, form, change)


def register_tenant_models(*specs) -> None:
    """Register (model, list_display, search_fields, raw_id_fields) tuples."""
    for model, list_display, search_fields, raw_ids in specs:
        admin.site.register(
            model,
            type(
                f"{model.__name__}Admin",
                (TenantAdmin,),
                {
                    "list_display": list_display,
                    "search_fields": search_fields,
                    "raw_id_fields": raw_ids,
                },
            ),
        )
