from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from analytics.rollups import refresh_after_import
from clinics.choices import ImportKind, ImportStatus
from clinics.management.commands._import_cli import organization_by_slug, run_file


class Command(BaseCommand):
    help = "Import an EMR export bundle (folder or .zip) synchronously and print the report."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="organization slug")
        parser.add_argument(
            "--partial", action="store_true", help="import the good rows even if some rows fail"
        )
        parser.add_argument("path", type=Path)

    def handle(self, *args, org, path, partial, **options):
        self.verbosity = options.get("verbosity", 1)
        organization = organization_by_slug(org)
        run = run_file(self, organization, path, ImportKind.BUNDLE, partial=partial)
        refresh_after_import(organization.pk)
        if run.status == ImportStatus.FAILED:
            raise CommandError("import failed")
