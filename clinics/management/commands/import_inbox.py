from django.core.management.base import BaseCommand

from analytics.rollups import refresh_after_import
from clinics.inbox import inbox_dir, inbox_import
from clinics.management.commands._import_cli import organization_by_slug
from clinics.tasks import import_inbox


class Command(BaseCommand):
    help = (
        "Import every file in an organization's inbox folder now (bundles first, then "
        "835s), or with --queue hand it to the Celery worker."
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="organization slug")
        parser.add_argument("--queue", action="store_true", help="run in the Celery worker")

    def handle(self, *args, org, queue, **options):
        organization = organization_by_slug(org)
        if queue:
            import_inbox.delay(organization_id=organization.pk)
            self.stdout.write(f"queued the import of {inbox_dir(organization)}")
            return
        for name, status in inbox_import(organization=organization):
            self.stdout.write(f"{name}: {status}")
        refresh_after_import(organization.pk)
