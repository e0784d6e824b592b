"""`flush` empties every table across tenants, so it runs as the table owner."""

from django.core.management.commands.flush import Command as DjangoFlushCommand

from ptrevops.tenancy.roles import owner_role


class Command(DjangoFlushCommand):
    def handle(self, *args, **options):
        with owner_role():
            return super().handle(*args, **options)
