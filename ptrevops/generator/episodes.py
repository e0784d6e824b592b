"""The care path of one referral: evaluation, plan of care, visits, discharge.

A referral either never turns into care (declined, lost, or the evaluation is missed and
never rebooked) or becomes an episode: an evaluation by a therapist, a certified plan of
care (visits per week x weeks, at most 90 days for Medicare, recertified with a
re-evaluation when care runs past it), treatment visits 1-3 times a week with the
therapist or an assistant, and a discharge. Each episode has a fate drawn up front
(goals met, plan completed, patient stopped coming, no-shows, referred out, benefits
exhausted, other) that sets how many treatment visits the patient will attend; every
booked appointment can still be cancelled, cancelled late, missed or rescheduled.

Appointments after the export date are the booked schedule (status ``scheduled``, up to a
few weeks ahead), so episodes in progress at the export are open and the front desk sees
their future visits against the authorization.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ptrevops.generator.catalog.clinical import BodyRegion
from ptrevops.generator.catalog.payers import PayerPlan
from ptrevops.generator.staffing import BLOCK_MINUTES, DAY_START_MINUTE, Clinician

if TYPE_CHECKING:
    from ptrevops.generator.clinic_simulation import ClinicSimulation
    from ptrevops.generator.patients import Patient

# (share declined, share lost) of referrals by source kind
REFERRAL_LOSS: dict[str, tuple[float, float]] = {
    "physician": (0.06, 0.10),
    "practice": (0.06, 0.11),
    "direct_access": (0.05, 0.08),
    "self": (0.03, 0.05),
    "marketing": (0.10, 0.24),
    "other": (0.06, 0.12),
}
WEEKDAY_PATTERNS: dict[int, tuple[tuple[int, ...], ...]] = {
    1: ((0,), (1,), (2,), (3,), (4,)),
    2: ((0, 2), (1, 3), (2, 4), (0, 3), (1, 4)),
    3: ((0, 2, 4), (0, 2, 4), (1, 3, 4), (0, 1, 3)),
}
FATES = (
    ("goals_met", 0.38),
    ("plan_completed", 0.15),
    ("self_discharged", 0.27),
    ("no_show_discharge", 0.07),
    ("referred_out", 0.03),
    ("insurance_exhausted", 0.04),
    ("other", 0.06),
)
COMPLETING_FATES = frozenset({"goals_met", "plan_completed"})
AUTH_VISIT_CHUNKS = (6, 8, 8, 10, 12, 12, 20)
AUTH_DAY_WINDOWS = (30, 45, 60, 60, 90)


class Authorization:
    __slots__ = ("authorization_id", "start", "end", "visits", "used", "units", "number")

    def __init__(
        self, authorization_id: str, start: int, end: int, visits: int, units: int, number: str
    ):
        self.authorization_id = authorization_id
        self.start = start
        self.end = end
        self.visits = visits
        self.used = 0
        self.units = units
        self.number = number


class Episode:
    """State of one episode of care while it is simulated (and billed)."""

    __slots__ = (
        "episode_id",
        "patient",
        "payer",
        "secondary",
        "region",
        "pointers",
        "self_pay_from",
        "coverage_end",
        "current_visit_id",
        "current_start_minute",
        "current_desk",
        "therapist",
        "assistant",
        "authorizations",
        "authorization_gap",
    )

    def __init__(self, episode_id: str, patient: Patient, region: BodyRegion, pointers: str):
        self.episode_id = episode_id
        self.patient = patient
        self.payer: PayerPlan = patient.primary
        self.secondary: PayerPlan | None = patient.secondary
        self.region = region
        self.pointers = pointers
        self.self_pay_from: int | None = None
        self.coverage_end: int | None = None
        self.current_visit_id = ""
        self.current_start_minute = 0
        self.current_desk = 0
        self.therapist: Clinician | None = None
        self.assistant: Clinician | None = None
        self.authorizations: list[Authorization] = []
        self.authorization_gap = 0  # visits that will go unauthorized at the next renewal


class CarePath:
    """Simulates referrals of one clinic; writes referrals, episodes, appointments, visits."""

    def __init__(self, sim: ClinicSimulation) -> None:
        self.sim = sim
        self.rng = sim.rng
        self.referral_number = 0
        self.episode_number = 0
        self.plan_number = 0
        self.authorization_number = 0
        self.appointment_number = 0
        self.visit_number = 0
        self.status_numbers = sim.status_numbers
        self.appointment_rows = sim.writer.buffers["appointments"]
        self.not_before = 0  # earliest day a status change can be stamped (see _changed_at)
        self.visit_rows = sim.writer.buffers["visits"]

    # -- appointments -------------------------------------------------------------------

    def _status(self, day: int, reliability: float) -> str:
        sim = self.sim
        if day > sim.end_day:
            return "scheduled"
        draw = self.rng.random()
        scale = reliability * sim.attendance_factor
        if draw < 0.03 * scale:
            return "no_show"
        draw -= 0.03 * scale
        if draw < 0.025 * scale:
            return "late_cancel"
        draw -= 0.025 * scale
        if draw < 0.055 * scale:
            return "cancelled"
        draw -= 0.055 * scale
        if draw < 0.03:
            return "rescheduled"
        if day >= sim.end_day - 2 and self.rng.random() < 0.3:
            return "arrived"  # note not finalized yet at the export
        return "completed"

    def _changed_at(self, day: int, start: int, duration: int, status: str) -> str:
        rng_random = self.rng.random
        stamp = self.sim.clock.stamp
        end_day = self.sim.end_day
        if status == "completed":
            return stamp(day, start + duration + int(rng_random() * 25))
        if status == "arrived":
            return stamp(day, start - int(rng_random() * 10))
        if status == "no_show":
            return stamp(day, start + 15 + int(rng_random() * 30))
        if status == "late_cancel":
            return stamp(day, start - 30 - int(rng_random() * 600))
        # Changes happen after the booking existed: not before the referral arrived (an
        # evaluation) or the evaluation took place (a treatment visit).
        not_before = self.not_before
        if status in ("cancelled", "rescheduled"):
            back = 1 + int(rng_random() * 6)
            return stamp(max(day - back, not_before), 8 * 60 + int(rng_random() * 600))
        # scheduled: when it was booked (at an earlier visit or by phone), never after export
        booked = min(max(day - 2 - int(rng_random() * 26), not_before), end_day)
        return stamp(booked, 8 * 60 + int(rng_random() * 600))

    def _appointment(
        self,
        episode_id: str,
        patient: Patient,
        day: int,
        preferred: tuple[Clinician, ...],
        credentials: tuple[str, ...],
        block: int,
        duration: int,
        visit_type: str,
        forced_status: str | None = None,
    ) -> tuple[str, str, Clinician, int, int] | None:
        """Book and write one appointment; (id, status, clinician, day, start minute)."""
        sim = self.sim
        book = sim.book
        status = forced_status or self._status(day, patient.reliability)
        occupy = status not in ("cancelled", "rescheduled")
        booked = None
        for _ in range(6):
            booked = book.book(
                day, preferred, credentials, block, duration // BLOCK_MINUTES, occupy
            )
            if booked is not None:
                break
            day = book.next_open_day(day + 1)
            if day > sim.booked_until_day:
                return None
            if day > sim.end_day and status != "scheduled":
                status = "scheduled"  # moved past the export date: still in the future
                occupy = True
        if booked is None:
            return None
        clinician, start_block = booked
        self.appointment_number += 1
        appointment_id = f"A{sim.clinic_number:03d}{self.appointment_number:07d}"
        start = DAY_START_MINUTE + start_block * BLOCK_MINUTES
        if day >= sim.start_day:
            self.appointment_rows.append(
                f"{appointment_id},{patient.patient_id},{sim.clinic.clinic_id},"
                f"{clinician.clinician_id},{sim.clock.stamp(day, start)},{duration},{status},"
                f"{episode_id},{visit_type},{self._changed_at(day, start, duration, status)}",
            )
            self.status_numbers[status] += 1
        return appointment_id, status, clinician, day, start

    # -- the referral -------------------------------------------------------------------

    def run_referral(self, day: int) -> None:
        sim = self.sim
        rng_random = self.rng.random
        patient, returning = sim.patients.pick_patient(day)
        region = sim.patients.pick_region(patient)
        diagnoses = sim.patients.diagnoses(region, day)
        source = sim.pick_source(patient, returning)
        self.referral_number += 1
        referral_id = f"R{sim.clinic_number:03d}{self.referral_number:07d}"
        self.not_before = day
        declined, lost = REFERRAL_LOSS[source.kind]
        draw = rng_random()
        status = ""
        if draw < declined:
            status = "declined"
        elif draw < declined + lost:
            status = "lost"
        if status:
            patient.busy_until = day
            self._write_referral(referral_id, patient, day, source.source_id, diagnoses, status)
            return
        therapist_credentials = (
            ("OT",) if region.occupational_therapy and sim.has_occupational_therapy else ("PT",)
        )
        preferred_block = sim.preferred_block()
        evaluation_day = sim.book.next_open_day(
            day + 1 + int(rng_random() * 3) + int(rng_random() * 5)
        )
        attended = None
        pending: list[tuple[str, str, Clinician, int, int]] = []
        for _ in range(4):
            if evaluation_day > sim.booked_until_day:
                break
            booked = self._appointment_deferred(
                patient, evaluation_day, therapist_credentials, preferred_block, pending
            )
            if booked is None:
                break
            appointment_id, booked_status, clinician, booked_day, start = booked
            if booked_status in ("completed", "arrived"):
                attended = booked
                break
            if booked_status == "scheduled":
                break
            if booked_status == "no_show" and rng_random() < 0.5:
                break
            if booked_status in ("cancelled", "late_cancel") and rng_random() < 0.3:
                break
            evaluation_day = sim.book.next_open_day(booked_day + 2 + int(rng_random() * 6))
        if attended is None:
            future = any(entry[1] == "scheduled" for entry in pending)
            if future:
                status = "scheduled"
            elif pending or day < sim.end_day - 7:
                status = "lost"  # missed and never rebooked, or no slot the patient could take
            else:
                status = "received"  # not scheduled yet at the export
            self._flush_pending(pending, "", patient, "evaluation")
            patient.busy_until = max((entry[3] for entry in pending), default=day)
            self._write_referral(referral_id, patient, day, source.source_id, diagnoses, status)
            return
        self._write_referral(referral_id, patient, day, source.source_id, diagnoses, "evaluated")
        self._episode(referral_id, patient, region, diagnoses, attended, pending, preferred_block)

    def _appointment_deferred(
        self,
        patient: Patient,
        day: int,
        credentials: tuple[str, ...],
        block: int,
        pending: list[tuple[str, str, Clinician, int, int]],
    ) -> tuple[str, str, Clinician, int, int] | None:
        """An evaluation appointment whose row waits until we know if an episode follows."""
        sim = self.sim
        status = self._status(day, patient.reliability)
        occupy = status not in ("cancelled", "rescheduled")
        booked = None
        for _ in range(10):
            booked = sim.book.book(day, (), credentials, block, 4, occupy, True)
            if booked is not None:
                break
            day = sim.book.next_open_day(day + 1)
            if day > sim.booked_until_day:
                return None
            if day > sim.end_day:
                status = "scheduled"
                occupy = True
        if booked is None:
            return None
        clinician, start_block = booked
        self.appointment_number += 1
        appointment_id = f"A{sim.clinic_number:03d}{self.appointment_number:07d}"
        entry = (
            appointment_id,
            status,
            clinician,
            day,
            DAY_START_MINUTE + start_block * BLOCK_MINUTES,
        )
        pending.append(entry)
        return entry

    def _flush_pending(
        self,
        pending: list[tuple[str, str, Clinician, int, int]],
        episode_id: str,
        patient: Patient,
        visit_type: str,
    ) -> None:
        sim = self.sim
        for appointment_id, status, clinician, day, start in pending:
            if day < sim.start_day:
                continue
            sim.writer.add(
                "appointments",
                f"{appointment_id},{patient.patient_id},{sim.clinic.clinic_id},"
                f"{clinician.clinician_id},{sim.clock.stamp(day, start)},60,{status},"
                f"{episode_id},{visit_type},{self._changed_at(day, start, 60, status)}",
            )
            self.status_numbers[status] += 1

    def _write_referral(
        self,
        referral_id: str,
        patient: Patient,
        day: int,
        source_id: str,
        diagnoses: list[str],
        status: str,
    ) -> None:
        sim = self.sim
        sim.writer.add(
            "referrals",
            f"{referral_id},{patient.patient_id},{sim.clinic.clinic_id},{sim.clock.date_text(day)},"
            f"{source_id},{';'.join(diagnoses)},{status}",
        )

    # -- the episode --------------------------------------------------------------------

    def _episode(
        self,
        referral_id: str,
        patient: Patient,
        region: BodyRegion,
        diagnoses: list[str],
        evaluation: tuple[str, str, Clinician, int, int],
        pending: list[tuple[str, str, Clinician, int, int]],
        preferred_block: int,
    ) -> None:
        sim = self.sim
        rng_random = self.rng.random
        clinic_number = sim.clinic_number
        self.episode_number += 1
        episode_id = f"EP{clinic_number:03d}{self.episode_number:06d}"
        pointers = "1;2" if len(diagnoses) > 1 and rng_random() < 0.6 else "1"
        episode = Episode(episode_id, patient, region, pointers)
        payer = episode.payer
        appointment_id, eval_status, therapist, eval_day, eval_start = evaluation
        episode.therapist = therapist
        self._flush_pending(pending, episode_id, patient, "evaluation")
        self.not_before = eval_day
        assistant_credential = "COTA" if therapist.credential == "OT" else "PTA"
        assistants = [
            c
            for c in sim.book.working[eval_day - sim.book.first_day]
            if c.credential == assistant_credential
        ]
        if assistants:
            episode.assistant = assistants[int(rng_random() * len(assistants))]
        # Plan of care.
        draw = rng_random()
        per_week = 1 if draw < 0.12 else (2 if draw < 0.72 else 3)
        weeks = sim.pick_weeks()
        planned = per_week * weeks
        cert_end = eval_day + min(weeks * 7, 90) - 1
        plans: list[str] = []
        plans.append(self._plan_row(episode_id, eval_day, cert_end, planned, per_week, weeks))
        # Fate.
        draw = rng_random()
        fate = "other"
        for name, share in FATES:
            if draw < share:
                fate = name
                break
            draw -= share
        treatments = planned - 1
        if fate == "plan_completed":
            target = treatments
        elif fate == "goals_met":
            target = max(2, round(treatments * (0.5 + 0.45 * rng_random())))
        elif fate == "self_discharged":
            target = (
                int(rng_random() * 3)
                if rng_random() < 0.35
                else round(treatments * (0.2 + 0.6 * rng_random()))
            )
        elif fate == "no_show_discharge":
            target = round(treatments * (0.15 + 0.55 * rng_random()))
        elif fate == "referred_out":
            target = int(rng_random() * 4)
        elif fate == "insurance_exhausted":
            target = treatments
        else:
            target = round(treatments * (0.1 + 0.8 * rng_random()))
        if fate in COMPLETING_FATES and weeks >= 6 and rng_random() < 0.18:
            target += per_week * (4 + int(rng_random() * 5))
        # Coverage events decided up front.
        bills = payer.bills_claims
        if (
            bills
            and payer.type in ("commercial", "medicare_advantage", "medicaid")
            and rng_random() < 0.012
        ):
            episode.coverage_end = eval_day + 14 + int(rng_random() * 47)
        limit_left = None
        if bills:
            plan = sim.patients.plan_year(patient, payer, eval_day)
            if plan.visit_limit:
                limit_left = max(0, plan.visit_limit - plan.visits_used - 1)
                if target > limit_left:
                    # The plan-year visit limit ends care; a few clinics overshoot by a visit
                    # or two (denied as benefit maximum reached).
                    fate = "insurance_exhausted"
                    target = limit_left + (1 + int(rng_random() * 2) if rng_random() < 0.15 else 0)
        if fate == "insurance_exhausted" and (limit_left is None or limit_left >= treatments):
            fate = "goals_met"  # nothing to exhaust: the plan ends normally
        if bills and payer.requires_auth:
            self._authorize(episode, eval_day, planned, None)
            if rng_random() < 0.09:
                episode.authorization_gap = 1 + int(rng_random() * 3)
        # Evaluation visit.
        if eval_status in ("completed", "arrived"):
            self._visit(
                episode,
                appointment_id,
                eval_day,
                eval_start,
                60,
                therapist,
                "evaluation",
                eval_status,
            )
        # Treatment visits.
        pattern = WEEKDAY_PATTERNS[per_week]
        pattern = pattern[int(rng_random() * len(pattern))]
        horizon = sim.end_day + (
            7 + int(rng_random() * 8) if rng_random() < 0.15 else 14 + int(rng_random() * 29)
        )
        horizon = min(horizon, sim.booked_until_day)
        therapist_credential = therapist.credential
        credentials = ("COTA", "OT") if therapist_credential == "OT" else ("PTA", "PT")
        if payer.type in ("self_pay", "workers_comp") and sim.has_athletic_trainer:
            credentials = credentials + ("ATC",)
        duration = sim.treatment_minutes
        attended = 0
        last_day = eval_day
        next_day = eval_day + 2 + int(rng_random() * 4)
        open_at_export = False
        appointments = 0
        while attended < target:
            day = self._next_pattern_day(next_day, pattern)
            if day > horizon:
                open_at_export = True
                break
            appointments += 1
            if appointments > target * 2 + 8:
                break
            following = self._next_pattern_day(day + 1, pattern)
            visit_type = "treatment"
            if following > cert_end and attended + 1 < target:
                visit_type = "re_evaluation"
            elif attended + 1 == target and fate in COMPLETING_FATES:
                visit_type = "discharge"
            if visit_type == "treatment":
                preferred = self._treatment_team(episode, day)
                allowed = credentials
            else:
                preferred = (episode.therapist,) if episode.therapist else ()
                allowed = (therapist_credential,)
            length = 45 if visit_type != "treatment" else duration
            booked = self._appointment(
                episode_id, patient, day, preferred, allowed, preferred_block, length, visit_type
            )
            if booked is None:
                next_day = day + 1
                continue
            appointment_id, status, clinician, day, start = booked
            if status == "rescheduled":
                new_day = sim.book.next_open_day(day + 1 + int(rng_random() * 3))
                booked = self._appointment(
                    episode_id,
                    patient,
                    new_day,
                    preferred,
                    allowed,
                    preferred_block,
                    length,
                    visit_type,
                    "scheduled"
                    if new_day > sim.end_day
                    else self._status(new_day, 0.3).replace("rescheduled", "completed"),
                )
                if booked is None:
                    next_day = day + 1
                    continue
                appointment_id, status, clinician, day, start = booked
            if clinician.credential == therapist_credential and (
                episode.therapist is None or episode.therapist.last_day < day
            ):
                episode.therapist = clinician
            if visit_type == "re_evaluation":
                # Recertify for the visits still needed (plus a little slack).
                remaining = max(2, target - attended - 1 + int(rng_random() * 3))
                weeks_more = min(12, (remaining + per_week - 1) // per_week + 1)
                new_start = cert_end + 1
                cert_end = new_start + min(weeks_more * 7, 90) - 1
                if new_start <= sim.end_day:
                    plans.append(
                        self._plan_row(
                            episode_id, new_start, cert_end, remaining, per_week, weeks_more
                        )
                    )
            if status in ("completed", "arrived"):
                attended += 1
                last_day = day
                self._visit(
                    episode, appointment_id, day, start, length, clinician, visit_type, status
                )
            elif status == "scheduled":
                attended += 1  # counts toward the plan; it happens after the export
            next_day = day + 1
        last_activity = last_day
        if not open_at_export:
            if fate == "no_show_discharge":
                day = last_day
                for _ in range(2):
                    day = self._next_pattern_day(day + 1, pattern)
                    if day > sim.end_day:
                        open_at_export = True
                        break
                    booked = self._appointment(
                        episode_id,
                        patient,
                        day,
                        self._treatment_team(episode, day),
                        credentials,
                        preferred_block,
                        duration,
                        "treatment",
                        "no_show",
                    )
                    if booked is not None:
                        day = booked[3]
                        last_activity = day
            elif fate == "self_discharged" and rng_random() < 0.5:
                day = self._next_pattern_day(last_day + 1, pattern)
                if day <= sim.end_day:
                    booked = self._appointment(
                        episode_id,
                        patient,
                        day,
                        self._treatment_team(episode, day),
                        credentials,
                        preferred_block,
                        duration,
                        "treatment",
                        "cancelled",
                    )
                    if booked is not None:
                        last_activity = booked[3]
        discharge = None
        if not open_at_export:
            if fate in COMPLETING_FATES:
                discharge = last_day
            elif fate == "self_discharged":
                discharge = last_activity + 14 + int(rng_random() * 32)
            elif fate == "no_show_discharge":
                discharge = last_activity + 3 + int(rng_random() * 12)
            elif fate == "referred_out":
                discharge = last_day + int(rng_random() * 4)
            elif fate == "insurance_exhausted":
                discharge = last_day + int(rng_random() * 8)
            else:
                discharge = last_day + int(rng_random() * 22)
            if discharge > sim.end_day:
                discharge = None
        patient.busy_until = discharge if discharge is not None else 10**7
        if discharge is not None:
            sim.patients.returning_pool.append(patient)
        secondary = episode.secondary.payer_id if episode.secondary else ""
        sim.writer.add(
            "episodes",
            f"{episode_id},{patient.patient_id},{sim.clinic.clinic_id},{sim.clock.date_text(eval_day)},"
            f"{referral_id},{payer.payer_id},{secondary},"
            f"{sim.clock.date_text(discharge) if discharge is not None else ''},"
            f"{fate if discharge is not None else ''}",
        )
        for row in plans:
            sim.writer.add("plans_of_care", row)
        for authorization in episode.authorizations:
            if authorization.start <= sim.end_day:
                units = str(authorization.units) if authorization.units else ""
                sim.writer.add(
                    "authorizations",
                    f"{authorization.authorization_id},{patient.patient_id},{payer.payer_id},"
                    f"{authorization.visits},{sim.clock.date_text(authorization.start)},"
                    f"{sim.clock.date_text(authorization.end)},{episode_id},{units},"
                    f"{authorization.number}",
                )

    def _plan_row(
        self, episode_id: str, start: int, end: int, planned: int, per_week: int, weeks: int
    ) -> str:
        sim = self.sim
        rng_random = self.rng.random
        self.plan_number += 1
        signed = start + 3 + int(rng_random() * 19)
        certified = (
            sim.clock.date_text(signed) if signed <= sim.end_day and rng_random() < 0.97 else ""
        )
        return (
            f"POC{sim.clinic_number:03d}{self.plan_number:06d},{episode_id},{sim.clock.date_text(start)},"
            f"{sim.clock.date_text(end)},{planned},{per_week},{weeks},{certified}"
        )

    def _next_pattern_day(self, day: int, pattern: tuple[int, ...]) -> int:
        """First open day on or after ``day`` that falls on one of the pattern's weekdays."""
        book = self.sim.book
        open_day = book.open_day
        index = day - book.first_day
        last = len(open_day)
        weekday = (day - 1) % 7
        for _ in range(14):
            if weekday in pattern and 0 <= index < last and open_day[index]:
                return book.first_day + index
            index += 1
            weekday = weekday + 1 if weekday < 6 else 0
        return book.next_open_day(day + 14)

    def _treatment_team(self, episode: Episode, day: int) -> tuple[Clinician, ...]:
        therapist = episode.therapist
        assistant = episode.assistant
        if assistant is not None and (assistant.last_day < day):
            assistant = None
        if assistant is not None and self.rng.random() < self.sim.assistant_share:
            return (assistant, therapist) if therapist else (assistant,)
        if therapist is None:
            return (assistant,) if assistant else ()
        return (therapist, assistant) if assistant else (therapist,)

    # -- authorization ------------------------------------------------------------------

    def _authorize(
        self, episode: Episode, start: int, planned: int, previous: Authorization | None
    ) -> Authorization:
        sim = self.sim
        rng_random = self.rng.random
        self.authorization_number += 1
        visits = min(AUTH_VISIT_CHUNKS[int(rng_random() * len(AUTH_VISIT_CHUNKS))], max(planned, 4))
        window = AUTH_DAY_WINDOWS[int(rng_random() * len(AUTH_DAY_WINDOWS))]
        units = visits * 5 if episode.payer.type == "workers_comp" else 0
        letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
        number = (
            letters[int(rng_random() * 24)]
            + letters[int(rng_random() * 24)]
            + f"{int(rng_random() * 10**8):08d}"
        )
        authorization = Authorization(
            f"AU{sim.clinic_number:03d}{self.authorization_number:06d}",
            start,
            start + window - 1,
            visits,
            units,
            number,
        )
        episode.authorizations.append(authorization)
        return authorization

    def _coverage(self, episode: Episode, day: int) -> tuple[str, str, str] | None:
        """Consume an authorized visit; the denial (CARC, RARC, scrubber finding) if none."""
        authorizations = episode.authorizations
        for authorization in authorizations:
            if (
                authorization.start <= day <= authorization.end
                and authorization.used < authorization.visits
            ):
                authorization.used += 1
                return None
        if episode.authorization_gap > 0:
            episode.authorization_gap -= 1
            if any(a.start <= day <= a.end for a in authorizations):
                return ("198", "N54", "authorization_visit_cap_reached")
            if all(a.end < day for a in authorizations):
                return ("302", "N54", "authorization_expired")
            return ("197", "N54", "no_authorization")
        last = authorizations[-1]
        if day > last.end:
            start = last.end + 1
        else:
            start = max(last.start + 1, day - int(self.rng.random() * 4))
        renewal = self._authorize(episode, start, 8, last)
        if renewal.end < day:
            renewal.end = day + 29
        renewal.used = 1
        return None

    # -- the visit ----------------------------------------------------------------------

    def _visit(
        self,
        episode: Episode,
        appointment_id: str,
        day: int,
        start: int,
        duration: int,
        clinician: Clinician,
        visit_type: str,
        status: str,
    ) -> None:
        sim = self.sim
        payer = episode.payer
        problem = None
        billable = payer.bills_claims and (
            episode.self_pay_from is None or day < episode.self_pay_from
        )
        if billable:
            if payer.requires_auth:
                problem = self._coverage(episode, day)
            plan = sim.patients.plan_year(episode.patient, payer, day)
            if plan.visit_limit and plan.visits_used >= plan.visit_limit and problem is None:
                problem = ("119", "N640", "plan_year_visit_limit_reached")
            plan.visits_used += 1
        if day < sim.start_day:
            return
        self.visit_number += 1
        visit_id = f"V{sim.clinic_number:03d}{self.visit_number:07d}"
        episode.current_visit_id = visit_id
        episode.current_start_minute = start
        minutes = ""
        if status == "completed":
            minutes = str(
                sim.biller.bill_visit(
                    episode, visit_id, day, clinician, visit_type, duration, problem
                )
            )
        self.visit_rows.append(
            f"{visit_id},{appointment_id},{episode.episode_id},{sim.clock.date_text(day)},"
            f"{clinician.clinician_id},{minutes}",
        )
