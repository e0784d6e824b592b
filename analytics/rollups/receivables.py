"""The A/R ledger rollups: grain SQL (per DOS and event date) and the as-of-D read.

A/R as of D (spec: A/R and copays; ``analytics.metrics.queries.receivables``) is a sum
of dated events on the claims and visits with DOS ≤ D:

* a claim billed (+billed, on its DOS) and each of its remittances (−CLP04 − Σ CAS,
  on the payment date) make the claim balances, attributed like the direct query's
  claim balances (the claim's payer);
* each remittance's PR adjustments (+) and each patient payment applied to the visit
  (−, refunds +, on the collection date) make the patient balance of a visit that has
  a claim, attributed to the visit (its primary claim's payer).

So A/R(D) per aging bucket = Σ of ledger rows with day ≤ D and event_day ≤ D, by
D − day; the read sums ``ReceivableBalance``, the same running sums kept as intervals,
so that it touches only the balances open at D. Patient credit balances (visits whose
balance as of D is negative) are not a sum of rows: ``PatientCreditRollup`` keeps,
per visit, the events of just the visits whose running balance goes below zero after
some event date, and ``PatientCreditBalance`` their negative stretches as intervals,
read like the balances.
"""

from __future__ import annotations

import datetime

from django.db import connection

from analytics.metrics.queries.base import (
    ALL,
    GRAIN_EPOCH,
    VISIT_PAYER_JOIN,
    MetricQuery,
)
from analytics.metrics.queries.receivables import AGING_BUCKETS, AGING_CASE
from analytics.models import PatientCreditBalance, ReceivableBalance, ReceivableMovement
from analytics.rollups.read import RollupQuery


def _events_sql(query: MetricQuery) -> str:
    """CTEs of the ledger events of the visits with a claim and DOS in [start, end]."""
    if query.narrow:
        with_claim = """v.id = ANY(ARRAY(
                SELECT bc.visit_id FROM billing_claim bc WHERE bc.organization_id = %(org)s
                  AND bc.visit_id = ANY(ARRAY(
                      SELECT rv.id FROM episodes_visit rv WHERE rv.organization_id = %(org)s
                        AND rv.date_of_service BETWEEN %(start)s AND %(end)s))))"""
    else:
        with_claim = """EXISTS (SELECT 1 FROM billing_claim bc
                          WHERE bc.organization_id = %(org)s AND bc.visit_id = v.id)"""
    return f"""
        v AS MATERIALIZED (
            SELECT v.id AS visit_id, v.date_of_service AS dos, v.clinic_id, v.clinician_id,
                   vp.payer_id AS visit_payer_id, vs.source_id
            FROM episodes_visit v
            {query.join_by_id("episodes_episode", "ve", "v.episode_id")}
            {VISIT_PAYER_JOIN.format(visit="v", alias="vp")}
            {query.source_join("vs", "ve")}
            WHERE v.organization_id = %(org)s
              AND v.date_of_service BETWEEN %(start)s AND %(end)s
              AND {with_claim}
        ),
        claims AS MATERIALIZED (
            SELECT c.id, c.billed_amount, c.payer_id, v.*
            FROM billing_claim c JOIN v ON v.visit_id = c.visit_id
            WHERE c.organization_id = %(org)s
              {query.also_among("c.visit_id", "SELECT visit_id FROM v")}
        ),
        payments AS MATERIALIZED (
            SELECT cp.id, cp.claim_id, cp.paid_amount, r.payment_date
            FROM billing_claimpayment cp
            {query.join_by_id("billing_remittance", "r", "cp.remittance_id")}
            WHERE cp.organization_id = %(org)s AND r.payment_date IS NOT NULL
              AND {query.among("cp.claim_id", "SELECT id FROM claims")}
        ),
        adjustments AS (
            SELECT a.claim_payment_id, sum(a.amount) AS total,
                   coalesce(sum(a.amount) FILTER (WHERE a.group_code = 'PR'), 0) AS pr
            FROM billing_adjustment a
            WHERE a.organization_id = %(org)s
              AND {query.among("a.claim_payment_id", "SELECT id FROM payments")}
            GROUP BY a.claim_payment_id
        ),
        remitted AS (
            SELECT c.*, p.payment_date, p.paid_amount,
                   coalesce(a.total, 0) AS adjusted, coalesce(a.pr, 0) AS pr
            FROM payments p JOIN claims c ON c.id = p.claim_id
            LEFT JOIN adjustments a ON a.claim_payment_id = p.id
        ),
        patient_events AS (
            SELECT visit_id, dos, payment_date AS event_day, clinic_id, clinician_id,
                   visit_payer_id, source_id, pr AS amount
            FROM remitted
            UNION ALL
            SELECT v.visit_id, v.dos, pp.collected_on, v.clinic_id, v.clinician_id,
                   v.visit_payer_id, v.source_id,
                   CASE WHEN pp.kind = 'refund' THEN pp.amount ELSE -pp.amount END
            FROM billing_patientpayment pp JOIN v ON v.visit_id = pp.visit_id
            WHERE pp.organization_id = %(org)s
              {query.also_among("pp.visit_id", "SELECT visit_id FROM v")}
        )"""


def _key(dos: str, payer: str, *extra: str) -> str:
    parts = [f"{dos} - DATE '{GRAIN_EPOCH}'", "clinic_id", "clinician_id", payer, "source_id"]
    return f"ARRAY[{', '.join(parts + list(extra))}]::bigint[]"


class ReceivableLedgerQuery(MetricQuery):
    """Grain rows of ``ReceivableRollup`` for DOS in [start, end] (refresh only)."""

    def sql(self) -> str:
        event = f"event_day - DATE '{GRAIN_EPOCH}'"
        return f"""
        WITH {_events_sql(self)},
        events AS (
            SELECT {_key("dos", "payer_id", "dos - DATE '" + GRAIN_EPOCH + "'")} AS grp,
                   billed_amount AS claim_amount, 0::numeric AS patient_amount
            FROM claims
            UNION ALL
            SELECT {_key("dos", "payer_id", "payment_date - DATE '" + GRAIN_EPOCH + "'")},
                   -(paid_amount + adjusted), 0
            FROM remitted
            UNION ALL
            SELECT {_key("dos", "visit_payer_id", event)}, 0, amount
            FROM patient_events
        )
        SELECT grp, sum(claim_amount) AS claim_amount, sum(patient_amount) AS patient_amount
        FROM events GROUP BY grp
        """


class PatientCreditLedgerQuery(MetricQuery):
    """Grain rows of ``PatientCreditRollup`` for DOS in [start, end] (refresh only)."""

    def sql(self) -> str:
        event = f"event_day - DATE '{GRAIN_EPOCH}'"
        return f"""
        WITH {_events_sql(self)},
        daily AS (
            SELECT visit_id, event_day, sum(amount) AS amount
            FROM patient_events GROUP BY visit_id, event_day
        ),
        -- A visit can be in credit as of some date only if its balance is negative
        -- after some event date.
        candidates AS (
            SELECT DISTINCT visit_id FROM (
                SELECT visit_id,
                       sum(amount) OVER (PARTITION BY visit_id ORDER BY event_day) AS balance
                FROM daily
            ) running
            WHERE balance < 0
        )
        SELECT {_key("dos", "visit_payer_id", event, "visit_id")} AS grp, sum(amount) AS amount
        FROM patient_events
        WHERE visit_id IN (SELECT visit_id FROM candidates)
        GROUP BY 1
        """


class ReceivablesRollupQuery(RollupQuery):
    """A/R as of D from the balance intervals open at D (and the per-visit credit
    ledger): the columns of ``ReceivablesQuery``."""

    def __init__(self, filters) -> None:
        super().__init__(filters, ReceivableBalance)

    def _days(self) -> str:
        # The intervals open at D (balances and credits alike).
        return "day <= %(as_of)s AND valid_to > %(as_of)s AND valid_from <= %(as_of)s"

    def sql(self) -> str:
        bucket = AGING_CASE.format(dos="day")
        buckets = ", ".join(
            f"""coalesce(sum(claim_amount + patient_amount) FILTER (
                    WHERE {bucket} = '{name}'), 0) AS "{name}\""""
            for name in AGING_BUCKETS
        )
        return f"""
        SELECT {self._group()} AS grp{self._total_flag()},
               coalesce(sum(claim_amount + patient_amount), 0) AS ar_total,
               coalesce(sum(claim_amount), 0) AS claim_balances,
               coalesce(sum(patient_amount), 0) AS patient_balances,
               {buckets}
        {self._from()}
        {self._grouping()}
        """

    def fetch(self):
        rows = super().fetch()
        for row in rows.values():
            row.update(credit_count=0, credit_amount=0)
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT {self._group()} AS grp{self._total_flag() or ", 0"},
                       count(*), sum(amount)
                {self._from(model=PatientCreditBalance)}
                {self._grouping()}
                """,
                self.params,
            )
            for group, total, count, amount in cursor.fetchall():
                key = ALL if total or not self.keyed else group
                rows.setdefault(key, {}).update(credit_count=count, credit_amount=amount)
        if self.keyed:
            # A group whose balances all net to zero has no open interval but is a
            # group of the direct query (it has claims with DOS ≤ D): the movements
            # list every such group.
            for group in ReceivableTotalsQuery(self.filters).groups():
                rows.setdefault(group, {"credit_count": 0, "credit_amount": 0})
        return rows


# Movements are summed from this day on: all of them.
MOVEMENTS_SINCE = datetime.date(1900, 1, 1)


class ReceivableTotalsQuery(RollupQuery):
    """The A/R totals as of D (no aging buckets, no credits: days in A/R) from
    ``ReceivableMovement``: the rows with day ≤ D — monthly rows for the whole months,
    daily rows for D's."""

    def __init__(self, filters) -> None:
        super().__init__(filters, ReceivableMovement, span=(MOVEMENTS_SINCE, filters.as_of_date))

    def sql(self) -> str:
        return f"""
        SELECT {self._group()} AS grp{self._total_flag()},
               coalesce(sum(claim_amount + patient_amount), 0) AS ar_total,
               coalesce(sum(claim_amount), 0) AS claim_balances,
               coalesce(sum(patient_amount), 0) AS patient_balances
        {self._from()}
        {self._grouping()}
        """

    def groups(self) -> list:
        """The groups with a ledger row as of D (zero totals included)."""
        statement = self.rows_sql(f"DISTINCT {self._group()}")
        with connection.cursor() as cursor:
            cursor.execute(statement, self.params)
            return [group for (group,) in cursor.fetchall()]
