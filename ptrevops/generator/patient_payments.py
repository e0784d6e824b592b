"""What patients pay: copays at the desk, statements after the payer pays, refunds, cash.

* Copays are asked for at check-in; a clinic collects 80-97% of them on the date of
  service (its own rate), some later with the statement, some never. The timestamp is the
  check-in time, so with a UTC-stamping EMR an evening copay lands on the next UTC date.
* Deductible and coinsurance are billed on a statement once the payers have paid; about
  60% pay in full, some pay part, the rest never.
* When the desk took more than the patient owed (copay above the allowed amount, a
  prepayment above the deductible applied), most clinics refund the difference: a
  ``refund`` row with a positive amount.
* Self-pay visits are paid at a flat cash price, usually at the desk.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ptrevops.generator.money import format_cents

if TYPE_CHECKING:
    from ptrevops.generator.clinic_simulation import ClinicSimulation
    from ptrevops.generator.episodes import Episode

DESK_METHODS = ("card",) * 72 + ("cash",) * 8 + ("hsa",) * 12 + ("check",) * 8
LATER_METHODS = ("card",) * 55 + ("check",) * 25 + ("hsa",) * 10 + ("other",) * 10
LATER_COLLECTORS = ("billing-office", "patient-portal", "lockbox")


class PatientLedger:
    """Writes ``patient_payments.csv`` rows for one clinic."""

    def __init__(self, sim: ClinicSimulation, desk_rate: float, prepayment_policy: bool) -> None:
        self.sim = sim
        self.rng = sim.rng
        self.desk_rate = desk_rate
        self.prepayment_policy = prepayment_policy
        self.number = 0
        self.cash_evaluation = 14000 + int(self.rng.random() * 5) * 1000
        self.cash_treatment = 9500 + int(self.rng.random() * 5) * 500

    def _write(
        self,
        episode: Episode,
        amount: int,
        stamp: str,
        kind: str,
        visit_id: str,
        method: str,
        collected_by: str,
    ) -> None:
        self.number += 1
        sim = self.sim
        sim.writer.add(
            "patient_payments",
            f"PP{sim.clinic_number:03d}{self.number:07d},{episode.patient.patient_id},"
            f"{format_cents(amount)},{stamp},{kind},{visit_id},{method},{collected_by}",
        )

    def _later(self, episode: Episode, amount: int, day: int, kind: str, visit_id: str) -> None:
        sim = self.sim
        if day > sim.end_day or amount <= 0:
            return
        rng_random = self.rng.random
        minute = 8 * 60 + int(rng_random() * 600)
        self._write(
            episode,
            amount,
            sim.clock.stamp(day, minute),
            kind,
            visit_id,
            LATER_METHODS[int(rng_random() * len(LATER_METHODS))],
            LATER_COLLECTORS[int(rng_random() * len(LATER_COLLECTORS))],
        )

    def _desk(self, episode: Episode, amount: int, day: int, kind: str, visit_id: str) -> None:
        sim = self.sim
        rng_random = self.rng.random
        minute = episode.current_start_minute - int(rng_random() * 8)
        desk = sim.front_desk[int(rng_random() * len(sim.front_desk))]
        self._write(
            episode,
            amount,
            sim.clock.stamp(day, minute),
            kind,
            visit_id,
            DESK_METHODS[int(rng_random() * len(DESK_METHODS))],
            desk,
        )

    def at_visit(
        self, episode: Episode, visit_id: str, day: int, visit_type: str, self_pay: bool
    ) -> None:
        """Money taken at check-in; remembers it on the episode for the statement."""
        rng_random = self.rng.random
        episode.current_desk = 0
        if self_pay:
            price = self.cash_evaluation if visit_type == "evaluation" else self.cash_treatment
            if rng_random() < 0.88:
                self._desk(episode, price, day, "self_pay", visit_id)
            elif rng_random() < 0.6:
                self._later(episode, price, day + 10 + int(rng_random() * 30), "self_pay", visit_id)
            return
        plan = self.sim.patients.plan_year(episode.patient, episode.payer, day)
        if plan.copay:
            if rng_random() < self.desk_rate:
                self._desk(episode, plan.copay, day, "copay", visit_id)
                episode.current_desk = plan.copay
        elif (
            self.prepayment_policy
            and visit_type == "evaluation"
            and plan.deductible_left > 0
            and plan.coinsurance
        ):
            amount = (7500, 10000, 15000)[int(rng_random() * 3)]
            self._desk(episode, amount, day, "prepayment", visit_id)
            episode.current_desk = amount

    def after_adjudication(
        self,
        episode: Episode,
        visit_id: str,
        patient_share: int,
        copay_share: int,
        deductible_share: int,
        final_day: int,
    ) -> None:
        """The statement after the payers paid: the patient pays, partly, or not at all."""
        rng_random = self.rng.random
        collected = episode.current_desk
        due = patient_share - collected
        if due < 0:
            if rng_random() < 0.75:
                self._later(
                    episode, -due, final_day + 10 + int(rng_random() * 30), "refund", visit_id
                )
            return
        copay_due = max(0, min(due, copay_share - collected)) if copay_share else 0
        if copay_due and rng_random() < 0.5:
            self._later(
                episode, copay_due, final_day + 7 + int(rng_random() * 38), "copay", visit_id
            )
        rest = due - copay_due
        if rest <= 0:
            return
        draw = rng_random()
        if draw < 0.58:
            amount = rest
        elif draw < 0.7:
            amount = rest // 2
        else:
            return
        kind = (
            "deductible" if deductible_share * 2 >= patient_share - copay_share else "coinsurance"
        )
        self._later(episode, amount, final_day + 14 + int(rng_random() * 62), kind, visit_id)
