"""What each role may do. Pages and API endpoints name a capability, never a role."""

from __future__ import annotations

from enum import StrEnum

from clinics.choices import Role


class Capability(StrEnum):
    VIEW_HOME = "view_home"
    VIEW_DASHBOARDS = "view_dashboards"
    READ_RECORDS = "read_records"
    WORK_DENIALS = "work_denials"
    FRONT_DESK = "front_desk"
    IMPORT_DATA = "import_data"
    MANAGE_MEMBERS = "manage_members"
    MANAGE_ORGANIZATION = "manage_organization"
    MANAGE_API_TOKENS = "manage_api_tokens"


_ALL = set(Role)
ROLE_CAPABILITIES: dict[Capability, set[Role]] = {
    Capability.VIEW_HOME: _ALL,
    Capability.VIEW_DASHBOARDS: {Role.OWNER, Role.MANAGER, Role.VIEWER},
    # The API's records (visits, claims, remittances, …): dashboards' readers and billers.
    Capability.READ_RECORDS: {Role.OWNER, Role.MANAGER, Role.VIEWER, Role.BILLER},
    Capability.WORK_DENIALS: {Role.OWNER, Role.MANAGER, Role.BILLER},
    Capability.FRONT_DESK: {Role.OWNER, Role.MANAGER, Role.FRONT_DESK, Role.CLINICIAN},
    Capability.IMPORT_DATA: {Role.OWNER, Role.MANAGER, Role.BILLER},
    Capability.MANAGE_MEMBERS: {Role.OWNER, Role.MANAGER},
    Capability.MANAGE_ORGANIZATION: {Role.OWNER},
    Capability.MANAGE_API_TOKENS: {Role.OWNER},
}


def role_can(role: str, capability: Capability) -> bool:
    return Role(role) in ROLE_CAPABILITIES[capability]


def capabilities_of(role: str) -> set[Capability]:
    return {cap for cap, roles in ROLE_CAPABILITIES.items() if Role(role) in roles}
