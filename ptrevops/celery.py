"""The Celery app. Tasks take the organization id and run inside its scope."""

from __future__ import annotations

import logging
import os
import time

from celery import Celery, Task

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ptrevops.settings.local")

app = Celery("ptrevops")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger("ptrevops.tasks")


class TenantTask(Task):
    """A task scoped to one organization: pass `organization_id` as a keyword.

    The body runs in one transaction with the organization's row-level-security
    setting, as the application role; duration and outcome are logged.
    """

    abstract = True
    # False: the task opens its own `tenant_context` transactions (imports commit
    # their status apart from their data).
    single_transaction = True

    def __call__(self, *args, **kwargs):
        from ptrevops.tenancy.context import tenant_context, tenant_scope

        organization_id = kwargs.get("organization_id")
        if organization_id is None:
            raise TypeError(f"{self.name} needs organization_id=")
        started = time.perf_counter()
        outcome = "failed"
        try:
            scope = tenant_context if self.single_transaction else tenant_scope
            with scope(int(organization_id)):
                result = super().__call__(*args, **kwargs)
            outcome = "succeeded"
            return result
        finally:
            logger.info(
                "task finished",
                extra={
                    "task": self.name,
                    "task_id": getattr(self.request, "id", None),
                    "organization_id": organization_id,
                    "outcome": outcome,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
