"""The clinic and monthly tiers, the A/R balance intervals and the grouped reads'
totals answer what the direct computation answers.

``test_rollup_equals_direct`` draws random selections; these pick the ones that
exercise each new read path on purpose: whole months (the monthly tier, the claims'
merged root-cause maps) with nothing finer than a clinic (the clinic tier); A/R as
of the very days its events happen, the days around them and far after the data
(open-ended intervals); groupings whose totals come from a grouping set; ``metrics=``
subsets. The tiers are also checked row by row: each derived tier is the sum of the
rows it is derived from, and a partial refresh leaves every table as a rebuild would.
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from decimal import Decimal

import pytest

from analytics.metrics import metrics_document
from analytics.metrics.compute import METRIC_NAMES
from analytics.metrics.filters import resolve_filters
from analytics.models import (
    OPEN_END,
    ROLLUPS,
    ClaimRollup,
    ReceivableBalance,
    ReceivableMovement,
    ReceivableRollup,
)
from analytics.rollups import ensure_fresh, rebuild
from analytics.rollups.read import RollupQuery
from billing.models import PatientPayment, Remittance
from clinics.models import Clinic
from episodes.models import Visit
from ptrevops.tenancy.context import tenant_context
from tests.metrics.builders import Builder

pytestmark = pytest.mark.django_db
D = datetime.date
DAY = datetime.timedelta(days=1)
QUARTER = (D(2026, 4, 1), D(2026, 6, 30))
AR = ("ar_aging", "days_in_ar")
ATTRIBUTES = ("clinic_id", "clinician_id", "payer_id", "source_id")
CLAIMS = ("claims_first_adjudicated", "denied_claims", "denials_by_root_cause")


def _differences(rolled: dict, direct: dict) -> list:
    if [g["group"] for g in rolled.get("groups", [])] != [
        g["group"] for g in direct.get("groups", [])
    ]:
        return [
            "groups",
            [g["group"] for g in rolled["groups"]],
            [g["group"] for g in direct["groups"]],
        ]
    pairs = [(None, rolled["metrics"], direct["metrics"])]
    pairs += [
        (a["group"], a["metrics"], b["metrics"])
        for a, b in zip(rolled.get("groups", []), direct.get("groups", []), strict=True)
    ]
    return [
        (group, name, mine[name], theirs.get(name))
        for group, mine, theirs in pairs
        for name in mine
        if mine[name] != theirs.get(name)
    ][:5]


def _same(org, **selection) -> dict:
    rolled = metrics_document(org, source="rollup", **selection)
    direct = metrics_document(org, source="direct", **selection)
    assert rolled == direct, (selection, _differences(rolled, direct))
    return rolled


def _clinics() -> list[str]:
    """The generated clinics (the organization fixture's C1, C2 have no data)."""
    return sorted(set(Visit.objects.values_list("clinic__external_id", flat=True)))


# --- the tiers, row by row -------------------------------------------------------


def _rows(model) -> list[dict]:
    names = [field.attname for field in model._meta.concrete_fields if field.name != "id"]
    rows = list(model.objects.values(*names))
    for row in rows:
        if isinstance(row.get("root_causes"), str):
            row["root_causes"] = json.loads(row["root_causes"])
    return rows


def _add(total: dict, row: dict, measures: list[str]) -> None:
    for name in measures:
        if name == "root_causes":
            causes = total.setdefault(name, {})
            for cause, count in (row[name] or {}).items():
                causes[cause] = causes.get(cause, 0) + int(count)
        else:
            total[name] = total.get(name, 0) + row[name]


def _measured(row: dict, measures: list[str]) -> dict:
    return {
        name: {k: int(v) for k, v in (row[name] or {}).items()}
        if name == "root_causes"
        else row[name]
        for name in measures
    }


def _assert_tiers_are_sums(model) -> None:
    """Clinic-tier rows = full-tier rows summed per clinic (daily and monthly);
    monthly rows = daily rows of the same tier summed per month (the movements keep
    no row without a ledger row behind it)."""
    measures = model.measures()

    def summed(expected: dict) -> dict:
        sums = {key: _measured(value, measures) for key, value in expected.items()}
        if model is ReceivableMovement:
            sums = {key: value for key, value in sums.items() if any(value.values())}
        return sums

    rows = _rows(model)
    keys = model.key_fields
    if model.has_clinic_tier:
        expected: dict = defaultdict(dict)
        for row in rows:
            if not row["by_clinic"]:
                key = (row["monthly"], row["day"], row["clinic_id"], *(row[k] for k in keys))
                _add(expected[key], row, measures)
        actual = {}
        for row in rows:
            if row["by_clinic"]:
                assert row["clinician_id"] is row["payer_id"] is row["source_id"] is None
                key = (row["monthly"], row["day"], row["clinic_id"], *(row[k] for k in keys))
                assert key not in actual, (model.__name__, key)
                actual[key] = _measured(row, measures)
        assert actual == summed(expected), model
    else:
        assert not any(row["by_clinic"] for row in rows), model
    if model.has_monthly_tier:
        expected = defaultdict(dict)
        for row in rows:
            if not row["monthly"]:
                month = row["day"].replace(day=1)
                key = (row["by_clinic"], month, *(row[a] for a in ATTRIBUTES))
                key += tuple(row[k] for k in keys)
                _add(expected[key], row, measures)
        actual = {}
        for row in rows:
            if row["monthly"]:
                assert row["day"].day == 1
                key = (row["by_clinic"], row["day"], *(row[a] for a in ATTRIBUTES))
                key += tuple(row[k] for k in keys)
                assert key not in actual, (model.__name__, key)
                actual[key] = _measured(row, measures)
        assert actual == summed(expected), model
    else:
        assert not any(row["monthly"] for row in rows), model


def _assert_balances_follow_the_ledger() -> None:
    """Per (tier, DOS, attributes): disjoint intervals; as of each event day of the
    ledger and far after them, the interval open then holds the ledger's running sum
    (none open: a zero balance)."""
    ledger: dict = defaultdict(list)
    for row in _rows(ReceivableRollup):
        assert not row["by_clinic"] and not row["monthly"]
        for by_clinic in (False, True):
            attributes = ATTRIBUTES[:1] if by_clinic else ATTRIBUTES
            key = (by_clinic, row["day"], *(row[a] for a in attributes))
            ledger[key].append((row["event_day"], row["claim_amount"], row["patient_amount"]))
    intervals: dict = defaultdict(list)
    for row in _rows(ReceivableBalance):
        assert not row["monthly"]
        attributes = ATTRIBUTES[:1] if row["by_clinic"] else ATTRIBUTES
        key = (row["by_clinic"], row["day"], *(row[a] for a in attributes))
        intervals[key].append(row)
    assert set(intervals) <= set(ledger)
    far = D.fromisoformat(OPEN_END) - DAY
    for key, events in ledger.items():
        spans = sorted(intervals.get(key, []), key=lambda row: row["valid_from"])
        for before, after in zip(spans, spans[1:], strict=False):
            assert before["valid_from"] < before["valid_to"] <= after["valid_from"], key
        for as_of in sorted({day for day, _, _ in events} | {far}):
            open_then = [s for s in spans if s["valid_from"] <= as_of < s["valid_to"]]
            found = (
                (open_then[0]["claim_amount"], open_then[0]["patient_amount"])
                if open_then
                else (0, 0)
            )
            claim = sum(c for day, c, _ in events if day <= as_of)
            patient = sum(p for day, _, p in events if day <= as_of)
            assert found == (claim, patient), (key, as_of)


def _snapshot() -> dict[str, list]:
    """Every rollup table's rows (every tier, the balance intervals), ids aside."""
    tables = {}
    for model in (*ROLLUPS, ReceivableBalance, ReceivableMovement):
        rows = [
            tuple(
                json.dumps(value, sort_keys=True) if isinstance(value, dict) else value
                for value in row.values()
            )
            for row in _rows(model)
        ]
        tables[model.__name__] = sorted(rows, key=repr)
    return tables


# --- reads ---------------------------------------------------------------------


def test_whole_months_and_the_clinic_tier_equal_direct(group, org):
    with tenant_context(org.pk):
        ensure_fresh(org.pk)
        for model in (*ROLLUPS, ReceivableMovement):
            _assert_tiers_are_sums(model)
        _assert_balances_follow_the_ledger()  # both tiers of the A/R intervals
        # Denials in several root causes, spread over clinic-tier months: the merge
        # of the maps is exercised, not just one map copied.
        merged = ClaimRollup.objects.filter(monthly=True, by_clinic=True)
        assert sum(len(row.root_causes or {}) > 1 for row in merged) >= 2

        clinics = _clinics()
        assert len(clinics) == 2
        may = (D(2026, 5, 1), D(2026, 5, 31))
        # These read the monthly rows of the clinic tier (and the whole-month path).
        claims = RollupQuery(
            resolve_filters(
                organization_id=org.pk, start=QUARTER[0], end=QUARTER[1], clinics=clinics[:1]
            ),
            ClaimRollup,
        )
        assert claims._by_clinic(ClaimRollup) and "monthly AND" in claims._days()

        document = _same(org, start=QUARTER[0], end=QUARTER[1])
        assert sum(document["metrics"]["denials_by_root_cause"]["counts"].values()) > 0
        _same(org, start=QUARTER[0], end=QUARTER[1], group_by="clinic")
        _same(org, start=QUARTER[0], end=QUARTER[1], group_by="month")
        _same(org, start=may[0], end=may[1], clinics=clinics[:1])
        _same(org, start=may[0], end=may[1], clinics=clinics[1:], group_by="clinic")
        # Two whole months and a partial one at each edge (monthly + daily rows).
        _same(org, start=D(2026, 3, 20), end=D(2026, 6, 10), group_by="clinic")
        _same(org, start=D(2026, 4, 1), end=D(2026, 5, 31), clinics=clinics, group_by="month")
        # The same whole months through the full tier (a finer attribute).
        _same(org, start=QUARTER[0], end=QUARTER[1], group_by="payer", metrics=CLAIMS)
        _assert_subsets_agree(org, start=may[0], end=may[1])


# Subsets of metrics: the root-cause maps are read only for denials_by_root_cause.
SUBSETS = (
    ("denials_by_root_cause",),
    ("denied_claims", "denials_by_root_cause", "visits", "plb_total"),
    tuple(name for name in METRIC_NAMES if name != "denials_by_root_cause"),
)


def _assert_subsets_agree(org, **period) -> None:
    """``metrics=`` reads only the families those metrics need: each subset has the
    full document's values (the full document equals the direct one; a subset's
    groups are those of the families it reads, so some of the full document's)."""
    for group_by in (None, "clinic", "month", "payer"):
        selection = {**period, "group_by": group_by}
        full = _same(org, **selection)
        groups = {g["group"]: g["metrics"] for g in full.get("groups", [])}
        for names in SUBSETS:
            subset = metrics_document(org, source="rollup", metrics=names, **selection)
            assert subset["metrics"] == {n: full["metrics"][n] for n in names}, names
            assert (group_by is None) == ("groups" not in subset)
            for entry in subset.get("groups", []):
                wanted = {n: groups[entry["group"]][n] for n in names}
                assert entry["metrics"] == wanted, (group_by, names, entry["group"])


def _event_days() -> list[datetime.date]:
    """A payment date, a desk payment's day that is no DOS, a DOS; first and last."""
    payments = sorted(
        set(Remittance.objects.exclude(payment_date=None).values_list("payment_date", flat=True))
    )
    visits = sorted(set(Visit.objects.values_list("date_of_service", flat=True)))
    collected = sorted(
        set(PatientPayment.objects.values_list("collected_on", flat=True)) - set(visits)
    )
    assert payments and visits and collected
    return sorted({payments[0], payments[len(payments) // 2], collected[0], visits[0], visits[-1]})


def test_ar_as_of_event_days_and_grouped_totals_equal_direct(group, org):
    with tenant_context(org.pk):
        ensure_fresh(org.pk)
        _assert_balances_follow_the_ledger()
        payer = Visit.objects.filter(claims__isnull=False).values_list(
            "claims__payer__external_id", flat=True
        )[0]
        clinic = _clinics()[0]
        for event in _event_days():
            for as_of in (event - DAY, event, event + DAY):
                _same(org, start=QUARTER[0], end=QUARTER[1], as_of=as_of, metrics=AR)
                _same(
                    org, start=QUARTER[0], end=QUARTER[1], as_of=as_of, metrics=AR, payers=[payer]
                )
            _same(org, start=QUARTER[0], end=QUARTER[1], as_of=event, metrics=AR, group_by="clinic")
        far = D(2031, 1, 1)  # after every event: only the open-ended intervals
        for selection in ({}, {"payers": [payer]}, {"group_by": "payer"}, {"clinics": [clinic]}):
            _same(org, start=QUARTER[0], end=QUARTER[1], as_of=far, metrics=AR, **selection)

        # Grouped reads: the overall metrics come from the grouping set's total row
        # (or, for families without one, a whole-selection read) and equal the
        # ungrouped document's.
        whole = metrics_document(org, source="rollup", start=QUARTER[0], end=QUARTER[1])
        for group_by in ("clinic", "payer", "source", "clinician"):
            document = _same(org, start=QUARTER[0], end=QUARTER[1], group_by=group_by)
            assert document["metrics"] == whole["metrics"], group_by
        # Capacity is shared by every payer group (its row has no payer).
        by_payer = metrics_document(
            org, source="rollup", start=QUARTER[0], end=QUARTER[1], group_by="payer"
        )
        utilization = {
            g["metrics"]["schedule_utilization"]["denominator"] for g in by_payer["groups"]
        }
        assert utilization == {whole["metrics"]["schedule_utilization"]["denominator"]}
        # Provider-level adjustments: no clinic, so not applicable per clinic group,
        # but the overall value stays (a whole-selection read).
        by_clinic = metrics_document(
            org, source="rollup", start=QUARTER[0], end=QUARTER[1], group_by="clinic"
        )
        assert by_clinic["metrics"]["plb_total"] == whole["metrics"]["plb_total"]
        assert whole["metrics"]["plb_total"]["value"] not in (None, "0.00")
        assert all("not_applicable" in g["metrics"]["plb_total"] for g in by_clinic["groups"])
        # A filter the total must keep.
        _same(org, start=QUARTER[0], end=QUARTER[1], group_by="clinic", payers=[payer])
        _same(org, start=QUARTER[0], end=QUARTER[1], group_by="source", clinics=[clinic])


# --- writes ----------------------------------------------------------------------


def _payment(visit, external_id: str, kind: str, amount: str, on: datetime.date) -> None:
    PatientPayment.objects.create(
        external_id=external_id,
        patient_id=visit.episode.patient_id,
        visit=visit,
        kind=kind,
        amount=Decimal(amount),
        method="card",
        collected_at=datetime.datetime.combine(on, datetime.time(12), tzinfo=datetime.UTC),
        collected_on=on,
    )


def _credits(org, as_of, **selection) -> Decimal:
    document = _same(org, start=QUARTER[0], end=QUARTER[1], as_of=as_of, metrics=AR, **selection)
    return Decimal(document["metrics"]["ar_aging"]["patient_credit_balances"]["amount"])


# The tables keyed by DOS whose rows for other days a write on one DOS leaves alone.
BY_DOS = ("ReceivableRollup", "PatientCreditRollup", "ReceivableBalance")


def _without_day(snapshot: dict, day: datetime.date) -> dict:
    return {name: [row for row in snapshot[name] if day not in row] for name in BY_DOS}


def test_a_credit_then_payments_and_a_clinic_move_refresh_like_a_rebuild(group, org):
    with tenant_context(org.pk):
        ensure_fresh(org.pk)
        before = _snapshot()
        visit = (
            Visit.objects.filter(claims__payments__isnull=False, date_of_service__lt=D(2026, 5, 1))
            .select_related("episode", "clinician")
            .order_by("date_of_service", "id")
            .first()
        )
        dos = visit.date_of_service
        payer = visit.claims.order_by("id").first().payer.external_id
        narrow = {"payers": [payer], "clinicians": [visit.clinician.external_id]}
        credit_before = _credits(org, dos + 2 * DAY, **narrow)

        # Overpaid at the desk two days after the DOS (a credit from then on), part of
        # it refunded later, then a small payment: balances that change sign.
        _payment(visit, "h4-overpaid", "copay", "900.00", dos + 2 * DAY)
        _payment(visit, "h4-refund", "refund", "600.00", dos + 20 * DAY)
        _payment(visit, "h4-later", "copay", "5.00", dos + 40 * DAY)
        report = ensure_fresh(org.pk)
        assert report.ranges["receivables"] == [(dos, dos)]
        after = _snapshot()
        # Only that DOS's rows were rewritten: every other day's rows are intact.
        assert _without_day(after, dos) == _without_day(before, dos)
        assert after["ReceivableBalance"] != before["ReceivableBalance"]
        _assert_balances_follow_the_ledger()

        assert _credits(org, dos + 2 * DAY, **narrow) <= credit_before - Decimal(800)
        for as_of in (dos + DAY, dos + 2 * DAY, dos + 19 * DAY, dos + 20 * DAY, dos + 40 * DAY):
            for selection in ({}, narrow, {"group_by": "clinic", "payers": [payer]}):
                _same(org, start=QUARTER[0], end=QUARTER[1], as_of=as_of, metrics=AR, **selection)
            _same(org, start=QUARTER[0], end=QUARTER[1], as_of=as_of, metrics=AR, group_by="clinic")
        _same(org, start=QUARTER[0], end=QUARTER[1], as_of=D(2031, 1, 1), metrics=AR, **narrow)

        # A visit moved to the other clinic: both clinics' clinic-tier rows (daily and
        # monthly) and balances follow.
        moved = Visit.objects.filter(date_of_service__month=6).order_by("id").first()
        other = Clinic.objects.exclude(pk=moved.clinic_id).get(external_id__in=_clinics())
        moved.clinic = other
        moved.save(update_fields=["clinic"])
        report = ensure_fresh(org.pk)
        assert report is not None and report.ranges["visits"] == [
            (moved.date_of_service, moved.date_of_service)
        ]
        _same(org, start=D(2026, 6, 1), end=D(2026, 6, 30), group_by="clinic")
        _same(org, start=QUARTER[0], end=QUARTER[1], clinics=[other.external_id])

        for model in (*ROLLUPS, ReceivableMovement):
            _assert_tiers_are_sums(model)
        incremental = _snapshot()
        rebuild(org.pk)
        assert _snapshot() == incremental


# --- a group whose A/R nets to zero ------------------------------------------------


def _zero_ar_world(org) -> None:
    """Three claims on 2026-03-02 at one clinic: P-OPEN's unpaid, P-PAID's paid in full
    on 03-20, P-SAMEDAY's paid in full on its DOS (its movements net to zero within one
    day). Claim balances 0, no patient balance. Nothing happens in June."""
    b = Builder(org)
    clinic = b.clinic("C1")
    clinician = b.clinician("T1", clinic)
    for name, paid_on in (
        ("P-OPEN", None),
        ("P-PAID", D(2026, 3, 20)),
        ("P-SAMEDAY", D(2026, 3, 2)),
    ):
        payer = b.payer(name)
        episode = b.episode(clinic, payer=payer)
        visit = b.visit(episode, clinician, D(2026, 3, 2))
        claim = b.claim(visit, payer, "100.00")
        b.charge(visit, "97110", 1, "100.00", claim=claim)
        if paid_on:
            b.clp(b.remittance(paid_on), claim, "1", "100.00")


JUNE_BY_PAYER = {"start": D(2026, 6, 1), "end": D(2026, 6, 30), "group_by": "payer"}


def test_direct_reports_a_group_whose_ar_nets_to_zero(org):
    with tenant_context(org.pk):
        _zero_ar_world(org)
        direct = metrics_document(org, source="direct", metrics=("ar_aging",), **JUNE_BY_PAYER)
    groups = {g["group"]: g["metrics"]["ar_aging"]["value"] for g in direct["groups"]}
    assert groups == {"P-OPEN": "100.00", "P-PAID": "0.00", "P-SAMEDAY": "0.00"}


def test_a_group_whose_ar_nets_to_zero_is_a_group_in_the_rollup_too(org):
    with tenant_context(org.pk):
        _zero_ar_world(org)
        for metrics in (("ar_aging",), None):
            rolled = metrics_document(org, source="rollup", metrics=metrics, **JUNE_BY_PAYER)
            direct = metrics_document(org, source="direct", metrics=metrics, **JUNE_BY_PAYER)
            assert rolled == direct, _differences(rolled, direct)
        # As of the DOS itself, P-SAMEDAY's bill and payment are one movement row
        # netting to zero, and still a group.
        march_2 = {"start": D(2026, 3, 2), "end": D(2026, 3, 2), "group_by": "payer"}
        for metrics in (("ar_aging",), ("days_in_ar",)):
            rolled = metrics_document(org, source="rollup", metrics=metrics, **march_2)
            direct = metrics_document(org, source="direct", metrics=metrics, **march_2)
            assert [g["group"] for g in rolled["groups"]] == ["P-OPEN", "P-PAID", "P-SAMEDAY"]
            assert rolled == direct, _differences(rolled, direct)


def test_the_migration_recomputes_the_movements_a_refresh_keeps(group, org):
    """0011 rebuilds every movement from the ledger in SQL of its own (0009 left them
    empty for existing ledgers): the same rows the refreshes maintained."""
    import importlib

    from django.db import connection

    from ptrevops.tenancy.roles import owner_role

    recompute = importlib.import_module("analytics.migrations.0011_movement_ledger_rows").RECOMPUTE
    with tenant_context(org.pk):
        ensure_fresh(org.pk)
        kept = _snapshot()["ReceivableMovement"]
    assert kept
    with owner_role(), connection.cursor() as cursor:
        cursor.execute(recompute)
    with tenant_context(org.pk):
        assert _snapshot()["ReceivableMovement"] == kept


# --- what a document reads ---------------------------------------------------------


def test_days_in_ar_reads_the_movements_and_aging_the_intervals(group, org):
    """Days in A/R needs the A/R total only: it is read from the movements, and neither
    the open intervals nor the credits are; the aging reads those (and, grouped, the
    movements' list of groups). Both equal direct."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    selection = {"start": QUARTER[0], "end": QUARTER[1], "group_by": "clinic"}
    with tenant_context(org.pk):
        ensure_fresh(org.pk)
        for metrics, detail in ((("days_in_ar",), False), (("ar_aging",), True)):
            with CaptureQueriesContext(connection) as queries:
                rolled = metrics_document(org, source="rollup", metrics=metrics, **selection)
            statements = " ".join(query["sql"] for query in queries.captured_queries)
            assert ("analytics_patientcreditbalance" in statements) is detail, metrics
            assert ("analytics_receivablebalance" in statements) is detail, metrics
            assert "analytics_receivablemovement" in statements, metrics
            direct = metrics_document(org, source="direct", metrics=metrics, **selection)
            assert rolled == direct, _differences(rolled, direct)
        # The totals from the movements, as of event days, grouped and filtered.
        clinic = _clinics()[0]
        for as_of in [*_event_days(), D(2031, 1, 1)]:
            for extra in ({}, {"group_by": "payer"}, {"group_by": "month"}, {"clinics": [clinic]}):
                _same(
                    org,
                    start=QUARTER[0],
                    end=QUARTER[1],
                    as_of=as_of,
                    metrics=("days_in_ar",),
                    **extra,
                )


def test_movements_sum_to_the_ledger_as_of_any_day(group, org):
    """Σ movements with day ≤ D (either tier, daily or monthly for whole months) = Σ
    ledger rows with DOS ≤ D and event day ≤ D, for D around every event day."""
    with tenant_context(org.pk):
        ensure_fresh(org.pk)
        ledger = _rows(ReceivableRollup)
        moves = _rows(ReceivableMovement)
        _assert_tiers_are_sums(ReceivableMovement)
        days = sorted({row["event_day"] for row in ledger} | {row["day"] for row in ledger})
        for as_of in days[:: max(1, len(days) // 25)] + [days[-1], D(2031, 1, 1)]:
            expected = sum(
                row["claim_amount"] + row["patient_amount"]
                for row in ledger
                if row["day"] <= as_of and row["event_day"] <= as_of
            )
            for by_clinic in (False, True):
                got = sum(
                    row["claim_amount"] + row["patient_amount"]
                    for row in moves
                    if row["by_clinic"] is by_clinic and not row["monthly"] and row["day"] <= as_of
                )
                assert got == expected, (as_of, by_clinic)
        # Each movement row counts the ledger rows behind it (none is kept without one).
        behind: dict = defaultdict(int)
        for row in ledger:
            day = max(row["day"], row["event_day"])
            behind[
                (
                    day,
                    *(row[name] for name in ("clinic_id", "clinician_id", "payer_id", "source_id")),
                )
            ] += 1
        daily = {
            (
                row["day"],
                row["clinic_id"],
                row["clinician_id"],
                row["payer_id"],
                row["source_id"],
            ): row["ledger_rows"]
            for row in moves
            if not row["by_clinic"] and not row["monthly"]
        }
        assert daily == behind


def test_a_payment_before_the_visit_counts_from_the_dos(org):
    """A copay taken days before the visit is in A/R only once the DOS is on or before
    D (as the direct SQL has it): the movement counts from max(DOS, collection day)."""
    dos = D(2026, 3, 10)
    with tenant_context(org.pk):
        b = Builder(org)
        clinic = b.clinic("C1")
        payer = b.payer("P1")
        visit = b.visit(b.episode(clinic, payer=payer), b.clinician("T1", clinic), dos)
        claim = b.claim(visit, payer, "100.00")
        b.charge(visit, "97110", 1, "100.00", claim=claim)
        b.clp(b.remittance(D(2026, 3, 20)), claim, "1", "70.00")
        _payment(visit, "prepaid", "copay", "20.00", dos - 9 * DAY)
        for as_of in (dos - 9 * DAY, dos - DAY, dos, dos + 10 * DAY, dos + 30 * DAY):
            rolled = _same(
                org, start=D(2026, 3, 1), end=D(2026, 3, 31), as_of=as_of, metrics=("days_in_ar",)
            )
            total = rolled["metrics"]["days_in_ar"]["numerator"]
            assert total == ("0.00" if as_of < dos else total), as_of
