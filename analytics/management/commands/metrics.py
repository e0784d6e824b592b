"""Print the metrics of one organization (spec/metrics.md) as JSON or a table."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from analytics.metrics import (
    GroupBy,
    MetricFilterError,
    compute_metrics,
    parse_date,
    report_document,
    report_table,
    resolve_filters,
)
from analytics.metrics.compute import SOURCES
from clinics.models import Organization
from ptrevops.tenancy.context import tenant_context
from ptrevops.tenancy.roles import owner_role


class Command(BaseCommand):
    help = (
        "Print the metrics of an organization for a period [start, end] (both inclusive, "
        "clinic-local dates). Point-in-time metrics (A/R, at-risk episodes) are as of --end "
        "unless --as-of is given. Filters and groups use the EMR's external ids."
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="organization slug")
        parser.add_argument("--start", required=True, help="YYYY-MM-DD, inclusive")
        parser.add_argument("--end", required=True, help="YYYY-MM-DD, inclusive")
        parser.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD (default: --end)")
        parser.add_argument("--clinic", action="append", default=[], help="clinic id (repeat)")
        parser.add_argument("--payer", action="append", default=[], help="payer id (repeat)")
        parser.add_argument(
            "--clinician", action="append", default=[], help="clinician id (repeat)"
        )
        parser.add_argument(
            "--source", action="append", default=[], help="referral source id (repeat)"
        )
        parser.add_argument("--group-by", dest="group_by", choices=[item.value for item in GroupBy])
        parser.add_argument("--format", dest="output_format", choices=["json", "table"])
        parser.add_argument(
            "--compute-from",
            dest="compute_from",
            choices=list(SOURCES),
            default="direct",
            help="compute on the normalized tables (default) or read the daily rollups"
            " (what the dashboards and the API do; the same numbers)",
        )

    def handle(self, *args, **options):
        import json

        try:
            start = parse_date(options["start"], "--start")
            end = parse_date(options["end"], "--end")
            as_of = parse_date(options["as_of"], "--as-of") if options["as_of"] else None
        except MetricFilterError as error:
            raise CommandError(str(error)) from None
        if start > end:
            raise CommandError(f"--start {start} is after --end {end}")

        # Finding the organization by slug is cross-tenant: the operator's exit.
        with owner_role():
            organization = Organization.objects.filter(slug=options["org"]).first()
        if organization is None:
            raise CommandError(f"no organization with slug {options['org']!r}")

        with tenant_context(organization.pk):
            try:
                filters = resolve_filters(
                    organization_id=organization.pk,
                    start=start,
                    end=end,
                    clinics=_split(options["clinic"]),
                    payers=_split(options["payer"]),
                    clinicians=_split(options["clinician"]),
                    sources=_split(options["source"]),
                    as_of=as_of,
                    group_by=options["group_by"],
                )
            except MetricFilterError as error:
                raise CommandError(str(error)) from None
            report = compute_metrics(
                filters, organization_slug=organization.slug, source=options["compute_from"]
            )

        if options["output_format"] == "json":
            self.stdout.write(json.dumps(report_document(report), indent=2))
        else:
            self.stdout.write(report_table(report), ending="")


def _split(values: list[str]) -> list[str]:
    """``--clinic C1 --clinic C2`` or ``--clinic C1,C2``."""
    return [item.strip() for value in values for item in value.split(",") if item.strip()]
