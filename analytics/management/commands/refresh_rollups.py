"""Refresh an organization's daily rollups: the dirty days, or (--full) everything."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from analytics.rollups import analyze_stale_rollups, rebuild, refresh
from clinics.management.commands._import_cli import organization_by_slug
from clinics.models import Organization
from ptrevops.tenancy.context import tenant_context
from ptrevops.tenancy.roles import owner_role


class Command(BaseCommand):
    help = (
        "Rewrite the rollup days marked dirty (or, with --full, all of them) and report. "
        "Run with --all after `migrate`: a migration adding a rollup marks its days dirty, "
        "and this fills it before the first page view has to."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--org", help="organization slug")
        which.add_argument("--all", action="store_true", help="every organization")
        parser.add_argument("--full", action="store_true", help="rebuild every day")

    def handle(self, *args, org, all, full, **options):
        if all:
            with owner_role():
                organizations = list(Organization.objects.order_by("slug"))
        else:
            organizations = [organization_by_slug(org)]
        reports = {}
        for organization in organizations:
            with tenant_context(organization.pk):
                reports[organization.slug] = (rebuild if full else refresh)(organization.pk)
        analyze_stale_rollups()
        if all:
            output = {slug: report.as_dict() for slug, report in reports.items()}
        else:
            output = reports[organizations[0].slug].as_dict()
        self.stdout.write(json.dumps(output, indent=2))
