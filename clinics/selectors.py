"""Reads about organizations, clinics and members."""

from __future__ import annotations

from clinics.models import Clinic, Membership
from ptrevops.tenancy.context import tenant_context


def memberships_of_user(*, user_id: int) -> list[Membership]:
    """The user's memberships across organizations, ordered by organization name.

    Runs in the narrow "own memberships" scope: row-level security lets a user
    see their own membership rows and those organizations, nothing else.
    """
    with tenant_context(None, user_id=user_id):
        return list(
            Membership.objects.unscoped()
            .filter(user_id=user_id)
            .select_related("organization")
            .order_by("organization__name")
        )


def clinic_limit(membership: Membership | None):
    """The ids of the clinics a member is limited to (a subquery), or ``None`` when
    they see every clinic, as an API token (``None``) does."""
    if membership is None or membership.all_clinics:
        return None
    return membership.clinic_links.values("clinic_id")


def clinics_visible_to(membership: Membership | None):
    """The clinics this member may see: their subset, or every clinic (also for
    ``None``: an API token, which acts for the whole organization)."""
    clinics = Clinic.objects.all()
    if membership is None:
        return clinics
    linked = membership.clinic_links.values_list("clinic_id", flat=True)
    if linked.exists():
        clinics = clinics.filter(pk__in=linked)
    return clinics
