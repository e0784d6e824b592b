"""The biller's work on a denial: assign, note, appeal deadline, status transitions.

Each write locks the denial's row (two billers appending notes at once both keep
their line), appends a dated line with the acting user's email to ``notes`` (the
notes are the denial's history: never overwritten) and records an audit event.
The denial is looked up again in the current tenant scope, so an id of another
organization is never written.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from billing.choices import DenialStatus
from billing.models import Denial
from clinics.models import Membership, Organization, User
from clinics.permissions import Capability, role_can
from clinics.services import audit_record

S = DenialStatus
# Allowed status changes and the button that makes each one.
TRANSITIONS: dict[str, dict[str, str]] = {
    S.OPEN: {
        S.IN_PROGRESS: "Start work",
        S.APPEALED: "Mark appealed",
        S.RESOLVED: "Resolve",
        S.WRITTEN_OFF: "Write off",
    },
    S.IN_PROGRESS: {
        S.APPEALED: "Mark appealed",
        S.RESOLVED: "Resolve",
        S.WRITTEN_OFF: "Write off",
        S.OPEN: "Back to open",
    },
    S.APPEALED: {
        S.IN_PROGRESS: "Appeal lost: back to work",
        S.RESOLVED: "Resolve",
        S.WRITTEN_OFF: "Write off",
    },
    S.RESOLVED: {S.OPEN: "Reopen"},
    S.WRITTEN_OFF: {S.OPEN: "Reopen"},
}
NOTE_MAX_LENGTH = 2000


class DenialWorkError(ValueError):
    """A change the rules refuse; its message is shown to the biller."""


def allowed_transitions(status: str) -> dict[str, str]:
    return TRANSITIONS.get(status, {})


def _locked(denial: Denial) -> Denial:
    return Denial.objects.select_for_update().select_related("organization").get(pk=denial.pk)


def _note_line(organization: Organization, user: User, text: str) -> str:
    now = timezone.now().astimezone(ZoneInfo(organization.timezone))
    return f"{now:%Y-%m-%d %H:%M} {user.email}: {text}"


def _append(denial: Denial, user: User, text: str) -> None:
    line = _note_line(denial.organization, user, text)
    denial.notes = f"{denial.notes.rstrip()}\n{line}" if denial.notes.strip() else line


def _save(denial: Denial, fields: list[str], *, user: User, action: str, detail: dict) -> Denial:
    denial.save(update_fields=[*fields, "notes", "updated_at"])
    audit_record(action=f"denial.{action}", actor=user, obj=denial, detail=detail)
    return denial


def denial_assign(*, denial: Denial, assignee_id: int | None, acting_user: User) -> Denial:
    """Assign to a member of this organization whose role works denials (or nobody)."""
    assignee = None
    if assignee_id is not None:
        membership = Membership.objects.select_related("user").filter(user_id=assignee_id).first()
        if membership is None:
            raise DenialWorkError("That person is not a member of this organization.")
        if not role_can(membership.role, Capability.WORK_DENIALS):
            raise DenialWorkError(
                f"{membership.user.email} ({membership.get_role_display()}) cannot work denials."
            )
        # A member limited to some clinics would neither see it in their queue nor
        # open it.
        clinic_id = denial.claim.visit.clinic_id
        if (
            not membership.all_clinics
            and not membership.clinic_links.filter(clinic_id=clinic_id).exists()
        ):
            raise DenialWorkError(
                f"{membership.user.email} does not work on this claim's clinic's denials."
            )
        assignee = membership.user
    with transaction.atomic():
        denial = _locked(denial)
        if denial.assignee_id == (assignee.pk if assignee else None):
            return denial
        denial.assignee = assignee
        _append(
            denial,
            acting_user,
            f"assigned to {assignee.email}." if assignee else "unassigned.",
        )
        return _save(
            denial,
            ["assignee"],
            user=acting_user,
            action="assigned",
            detail={"assignee": assignee.email if assignee else None},
        )


def denial_add_note(*, denial: Denial, text: str, acting_user: User) -> Denial:
    text = " ".join(text.split())  # one line per note: the history stays line-based
    if not text:
        raise DenialWorkError("The note is empty.")
    if len(text) > NOTE_MAX_LENGTH:
        raise DenialWorkError(f"A note is at most {NOTE_MAX_LENGTH} characters.")
    with transaction.atomic():
        denial = _locked(denial)
        _append(denial, acting_user, text)
        return _save(denial, [], user=acting_user, action="noted", detail={})


def denial_set_appeal_deadline(
    *, denial: Denial, deadline: datetime.date | None, acting_user: User
) -> Denial:
    with transaction.atomic():
        denial = _locked(denial)
        if denial.appeal_deadline == deadline:
            return denial
        before = denial.appeal_deadline
        denial.appeal_deadline = deadline
        _append(
            denial,
            acting_user,
            f"appeal deadline {before.isoformat() if before else 'none'} → "
            f"{deadline.isoformat() if deadline else 'none'}.",
        )
        return _save(
            denial,
            ["appeal_deadline"],
            user=acting_user,
            action="deadline_set",
            detail={"appeal_deadline": deadline.isoformat() if deadline else None},
        )


def denial_transition(
    *, denial: Denial, to_status: str, acting_user: User, note: str = ""
) -> Denial:
    """Move the denial to ``to_status`` if ``TRANSITIONS`` allows it from its status
    (read under the row lock, so a stale page cannot skip a step)."""
    note = " ".join(note.split())
    if len(note) > NOTE_MAX_LENGTH:
        raise DenialWorkError(f"A note is at most {NOTE_MAX_LENGTH} characters.")
    with transaction.atomic():
        denial = _locked(denial)
        before = denial.status
        if to_status not in allowed_transitions(before):
            raise DenialWorkError(
                f"A denial that is {S(before).label.lower()} cannot become "
                f"{_label(to_status).lower()}."
            )
        denial.status = to_status
        text = f"status {S(before).label.lower()} → {S(to_status).label.lower()}."
        _append(denial, acting_user, f"{text} {note}" if note else text)
        return _save(
            denial,
            ["status"],
            user=acting_user,
            action="status_changed",
            detail={"from": before, "to": to_status},
        )


def _label(status: str) -> str:
    try:
        return S(status).label
    except ValueError:
        return repr(status)
