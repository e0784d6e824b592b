"""The base of every tenant-owned model."""

from __future__ import annotations

from django.db import models

from ptrevops.tenancy.context import current_organization_id


class TenantQuerySet(models.QuerySet):
    def for_organization(self, organization_id: int) -> TenantQuerySet:
        return self.filter(organization_id=organization_id)


class TenantManager(models.Manager.from_queryset(TenantQuerySet)):
    """Returns only the current organization's rows; nothing when none is set.

    Failing closed means a view or task that forgot to set the scope shows an
    empty page rather than another tenant's data. `unscoped()` is the explicit
    exit for cross-tenant jobs (still bounded by row-level security unless run
    inside `owner_role()`).
    """

    def get_queryset(self) -> TenantQuerySet:
        queryset = super().get_queryset()
        organization_id = current_organization_id()
        if organization_id is None:
            return queryset.none()
        return queryset.filter(organization_id=organization_id)

    def unscoped(self) -> TenantQuerySet:
        return super().get_queryset()


class TenantModel(models.Model):
    """A row owned by one organization (clinic group).

    Every subclass's table gets a row-level-security policy from its migration
    (`ptrevops.tenancy.operations.EnableRowLevelSecurity`); a test fails for any
    table with `organization_id` that lacks an enabled, forced policy.
    """

    organization = models.ForeignKey(
        "clinics.Organization", on_delete=models.CASCADE, related_name="+", editable=False
    )

    objects = TenantManager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.organization_id is None:
            organization_id = current_organization_id()
            if organization_id is None:
                raise RuntimeError(
                    f"{type(self).__name__} saved without an organization or tenant scope"
                )
            self.organization_id = organization_id
        super().save(*args, **kwargs)


class ImportedModel(TenantModel):
    """A tenant row that mirrors an EMR record: unique by the EMR's own id.

    Upserts by `(organization_id, external_id)` make re-importing a bundle a no-op.
    """

    external_id = models.CharField(max_length=64)

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "external_id"],
                name="%(app_label)s_%(class)s_external_id",
            )
        ]

    def __str__(self) -> str:
        return self.external_id
