"""Refresh an organization's daily rollups: the dirty days, or (--full) everything."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from analytics.rollups import analyze_stale_rollups, rebuild, refresh
from clinics.management.commands._import_cli import organization_by_slug
from ptrevops.tenancy.context import tenant_context


class Command(BaseCommand):
    help = "Rewrite the rollup days marked dirty (or, with --full, all of them) and report."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="organization slug")
        parser.add_argument("--full", action="store_true", help="rebuild every day")

    def handle(self, *args, org, full, **options):
        organization = organization_by_slug(org)
        with tenant_context(organization.pk):
            report = (rebuild if full else refresh)(organization.pk)
        analyze_stale_rollups()
        self.stdout.write(json.dumps(report.as_dict(), indent=2))
