"""`migrate`, run as the table owner rather than the application role."""

from django.core.management.commands.migrate import Command as DjangoMigrateCommand

from ptrevops.tenancy.roles import owner_role


class Command(DjangoMigrateCommand):
    def handle(self, *args, **options):
        with owner_role():
            return super().handle(*args, **options)
