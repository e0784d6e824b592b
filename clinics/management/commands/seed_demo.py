"""The demo organization: two clinics and one user per role."""

from __future__ import annotations

import json
import secrets

from django.conf import settings
from django.core.management.base import BaseCommand

from clinics.choices import Role
from clinics.models import User
from clinics.services import clinic_ensure, membership_ensure, organization_create
from ptrevops.tenancy.context import tenant_context
from ptrevops.tenancy.roles import owner_role

DEMO_SLUG = "demo"
DEMO_DOMAIN = "demo.ptrevops.test"


def _credentials() -> dict[str, str]:
    """Passwords are made once per machine and kept in var/, never in the repo."""
    path = settings.PTREVOPS_VAR_DIR / "demo-credentials.json"
    if path.exists():
        return json.loads(path.read_text())
    credentials = {role.value: secrets.token_urlsafe(9) for role in Role}
    path.write_text(json.dumps(credentials, indent=2))
    path.chmod(0o600)
    return credentials


class Command(BaseCommand):
    help = "Create the demo organization, its clinics and one user per role (idempotent)."

    def handle(self, *args, **options):
        passwords = _credentials()
        owner_email = f"owner@{DEMO_DOMAIN}"
        organization, _, _ = organization_create(
            slug=DEMO_SLUG,
            name="Summit Physical Therapy (demo)",
            owner_email=owner_email,
            owner_password=passwords[Role.OWNER],
        )
        with tenant_context(organization.pk):
            north = clinic_ensure(
                external_id="C001",
                name="Summit PT – Northside",
                state="CO",
                timezone="America/Denver",
            )
            clinic_ensure(
                external_id="C002",
                name="Summit PT – Riverside",
                state="CO",
                timezone="America/Denver",
            )
        for role in Role:
            if role == Role.OWNER:
                continue
            email = f"{role.value.replace('_', '-')}@{DEMO_DOMAIN}"
            with owner_role():
                user = User.objects.filter(email=email).first() or User.objects.create_user(email)
                user.set_password(passwords[role])
                user.save(update_fields=["password"])
            with tenant_context(organization.pk):
                # The front desk works at one clinic: shows the clinic subset.
                clinics = [north] if role == Role.FRONT_DESK else None
                membership_ensure(user=user, role=role, clinics=clinics)

        self.stdout.write("Demo users (organization 'demo'):")
        for role in Role:
            email = f"{role.value.replace('_', '-')}@{DEMO_DOMAIN}"
            self.stdout.write(f"  {role.label:<11} {email:<32} password: {passwords[role]}")
