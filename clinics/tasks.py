"""Celery tasks of imports: run one, and scan the inbox folders nightly."""

from __future__ import annotations

from ptrevops.celery import TenantTask, app


class ImportTask(TenantTask):
    single_transaction = False


@app.task(base=ImportTask, name="imports.run_import", acks_late=True, time_limit=3 * 3600)
def run_import(*, run_id: int, organization_id: int) -> str:
    """Run one import. Safe to run again: a finished run is left alone, and a run
    interrupted by a killed worker committed nothing and simply runs again."""
    from analytics.rollups import refresh_after_import
    from clinics.import_runs import import_run_execute

    status = import_run_execute(run_id=run_id).status
    refresh_after_import(organization_id)
    return status


@app.task(base=ImportTask, name="imports.import_inbox", time_limit=6 * 3600)
def import_inbox(*, organization_id: int) -> list:
    from analytics.rollups import refresh_after_import
    from clinics.inbox import inbox_import
    from clinics.models import Organization
    from ptrevops.tenancy.context import tenant_context

    with tenant_context(organization_id):
        organization = Organization.objects.get(pk=organization_id)
    runs = inbox_import(organization=organization)
    refresh_after_import(organization_id)
    return runs


@app.task(name="imports.scan_inboxes")
def scan_inboxes() -> int:
    """Every few minutes: queue the inbox import of each organization that is due.

    Cross-tenant by nature: it lists organizations as the owner role and hands
    each one to a task scoped to it.
    """
    from django.core.cache import cache
    from django.utils import timezone

    from clinics.inbox import import_due, local_date
    from clinics.models import Organization
    from ptrevops.tenancy.roles import owner_role

    now, queued = timezone.now(), 0
    with owner_role():
        organizations = list(Organization.objects.all())
    for organization in organizations:
        key = f"inbox-last-run:{organization.pk}"
        if import_due(organization, now, cache.get(key)):
            cache.set(key, local_date(organization, now), None)
            import_inbox.delay(organization_id=organization.pk)
            queued += 1
    return queued
