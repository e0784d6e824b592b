"""Create (or update) an organization and its owner. Works across tenants."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from clinics.models import slug_validator
from clinics.services import organization_create


class Command(BaseCommand):
    help = (
        "Create an organization (clinic group) with an owner. Idempotent: running it "
        "again updates the name and keeps the owner a member. Cross-tenant: runs as "
        "the database owner role."
    )

    def add_arguments(self, parser):
        parser.add_argument("--slug", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument("--owner-email", required=True)
        parser.add_argument("--owner-password")
        parser.add_argument("--timezone", default="America/New_York")

    def handle(self, *args, slug, name, owner_email, owner_password, timezone, **options):
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            slug_validator(slug)
        except ValidationError as error:
            raise CommandError(f"--slug {slug!r}: {error.messages[0]}") from None
        try:
            validate_email(owner_email)
        except ValidationError:
            raise CommandError(f"--owner-email {owner_email!r} is not an email address") from None
        if not name.strip():
            raise CommandError("--name must not be empty")
        if owner_password is not None and len(owner_password) < 10:
            raise CommandError("--owner-password must be at least 10 characters")
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise CommandError(f"--timezone {timezone!r} is not an IANA time zone") from None

        organization, user, created = organization_create(
            slug=slug,
            name=name.strip(),
            owner_email=owner_email,
            owner_password=owner_password,
            timezone=timezone,
        )
        verb = "Created" if created else "Updated"
        self.stdout.write(
            f"{verb} organization {organization.slug} ({organization.name}); owner {user.email}"
        )
