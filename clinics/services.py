"""Writes about organizations, clinics and members. Each is atomic and audited."""

from __future__ import annotations

from django.db import transaction

from clinics.choices import Role
from clinics.models import AuditEvent, Clinic, Membership, Organization, User
from ptrevops.tenancy.context import current_organization_id, tenant_context
from ptrevops.tenancy.roles import owner_role


def audit_record(
    *, action: str, actor: User | None = None, obj=None, detail: dict | None = None
) -> AuditEvent:
    return AuditEvent.objects.create(
        organization_id=current_organization_id(),
        actor=actor,
        action=action,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        detail=detail or {},
    )


def actor_identity(identity) -> tuple[User | None, str]:
    """(the audit actor, the name recorded on the row) of who made a change: a
    signed-in user, or an API token (``clinics.api.authentication.TokenUser``), which
    has no user and is named by its name and prefix."""
    token = getattr(identity, "token", None)
    if token is not None:
        return None, f"API token {token.name} ({token.prefix})"
    return identity, identity.email


def organization_create(
    *,
    slug: str,
    name: str,
    owner_email: str,
    owner_password: str | None = None,
    timezone: str = "America/New_York",
) -> tuple[Organization, User, bool]:
    """Create (or find) an organization with its owner. Operators only: cross-tenant.

    Idempotent: running it again with the same slug changes nothing but the name
    and makes sure the owner is a member with the owner role. Returns whether the
    organization was created.
    """
    with owner_role(), transaction.atomic():
        organization, created = Organization.objects.get_or_create(
            slug=slug, defaults={"name": name, "timezone": timezone}
        )
        if organization.name != name:
            organization.name = name
            organization.save(update_fields=["name"])
        user = User.objects.filter(email__iexact=owner_email).first()
        if user is None:
            user = User.objects.create_user(owner_email, owner_password)
        elif owner_password:
            user.set_password(owner_password)
            user.save(update_fields=["password"])
    with tenant_context(organization.pk):
        membership_ensure(user=user, role=Role.OWNER)
        if created:
            audit_record(action="organization.created", actor=user, obj=organization)
    return organization, user, created


def membership_ensure(*, user: User, role: str, clinics: list[Clinic] | None = None) -> Membership:
    """Make `user` a member of the current organization with `role` (and clinics)."""
    membership, _ = Membership.objects.update_or_create(
        organization_id=current_organization_id(), user=user, defaults={"role": role}
    )
    if clinics is not None:
        membership.clinic_links.all().delete()
        for clinic in clinics:
            membership.clinic_links.create(
                organization_id=membership.organization_id, clinic=clinic
            )
    return membership


def clinic_ensure(*, external_id: str, name: str, state: str = "", timezone: str = "") -> Clinic:
    clinic, _ = Clinic.objects.update_or_create(
        organization_id=current_organization_id(),
        external_id=external_id,
        defaults={"name": name, "state": state, "timezone": timezone},
    )
    return clinic


def organization_update_settings(
    *, organization: Organization, acting_user: User, require_mfa: bool
) -> Organization:
    with transaction.atomic():
        organization.require_mfa = require_mfa
        organization.save(update_fields=["require_mfa"])
        audit_record(
            action="organization.settings_changed",
            actor=acting_user,
            obj=organization,
            detail={"require_mfa": require_mfa},
        )
    return organization
