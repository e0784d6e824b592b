from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from analytics.rollups import refresh_after_import
from clinics.choices import ImportKind, ImportStatus
from clinics.management.commands._import_cli import organization_by_slug, run_file


class Command(BaseCommand):
    help = "Import X12 835 remittance files synchronously and print each report."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="organization slug")
        parser.add_argument("files", nargs="+", type=Path)

    def handle(self, *args, org, files, **options):
        self.verbosity = options.get("verbosity", 1)
        organization = organization_by_slug(org)
        failed = [
            path
            for path in files
            if run_file(self, organization, path, ImportKind.REMITTANCE_835).status
            == ImportStatus.FAILED
        ]
        refresh_after_import(organization.pk)
        if failed:
            raise CommandError(f"{len(failed)} of {len(files)} files failed")
