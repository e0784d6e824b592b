from clinics.permissions import capabilities_of


def tenant(request):
    membership = getattr(request, "membership", None)
    return {
        "organization": getattr(request, "organization", None),
        "membership": membership,
        "memberships": getattr(request, "memberships", []),
        "capabilities": capabilities_of(membership.role) if membership else set(),
    }
