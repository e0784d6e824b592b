"""Rollups answer exactly what the direct computation answers.

A generated group goes through the real import paths; then, for random selections
(period, filters, grouping, as-of date), the metrics document read from the rollups
equals the one computed on the normalized tables. Then the data changes through
several write paths (a late 835, a refund at the desk, a re-attributed episode, a
new fee schedule rate, a deleted charge line) and each time the incremental refresh
rewrites only some days, and the two still agree — and equal a full rebuild.
"""

from __future__ import annotations

import datetime
import json
import random
from decimal import Decimal

import pytest
from django.core.management import call_command

from analytics import selectors
from analytics.metrics import metrics_document, resolve_filters
from analytics.metrics.queries.base import ALL
from analytics.models import RollupDirtyDay, VisitRollup
from analytics.rollups import ensure_fresh, has_dirty_days, rebuild
from billing.models import ChargeLine, FeeSchedule, PatientPayment, Payer
from clinics.models import Clinic, Clinician, Organization
from episodes.models import Appointment, Episode, Referral, ReferralSource, Visit
from ptrevops.tenancy.context import tenant_context

pytestmark = pytest.mark.django_db
END = datetime.date(2026, 6, 30)
FIRST = datetime.date(2026, 4, 1)
GROUPINGS = (None, "month", "week", "clinic", "clinician", "payer", "source")
# The generated group and its import: the ``generated`` and ``group`` fixtures
# (tests/rollups/conftest.py).


def _ids(model) -> list[str]:
    return sorted(model.objects.values_list("external_id", flat=True))


def _random_selections(rng: random.Random, count: int) -> list[dict]:
    universe = {
        "clinics": _ids(Clinic),
        "clinicians": _ids(Clinician),
        "payers": _ids(Payer),
        "sources": _ids(ReferralSource),
    }
    selections = []
    for _ in range(count):
        start = FIRST + datetime.timedelta(days=rng.randrange(0, 80))
        end = min(END, start + datetime.timedelta(days=rng.randrange(0, 120)))
        selection = {"start": start, "end": end, "group_by": rng.choice(GROUPINGS)}
        for name, ids in universe.items():
            if ids and rng.random() < 0.3:
                selection[name] = rng.sample(ids, k=min(len(ids), rng.randint(1, 2)))
        if rng.random() < 0.3:
            selection["as_of"] = end + datetime.timedelta(days=rng.randrange(0, 40))
        selections.append(selection)
    return selections


def _differences(rolled: dict, direct: dict) -> list:
    """(group, metric, rollup value, direct value) of what differs, for the message."""
    pairs = [(None, rolled["metrics"], direct["metrics"])]
    pairs += [
        (a["group"], a["metrics"], b["metrics"])
        for a, b in zip(rolled.get("groups", []), direct.get("groups", []), strict=False)
    ]
    return [
        (group, name, mine[name], theirs.get(name))
        for group, mine, theirs in pairs
        for name in mine
        if mine[name] != theirs.get(name)
    ][:5]


def _assert_same(org, selections) -> None:
    for selection in selections:
        direct = metrics_document(org, source="direct", **selection)
        rolled = metrics_document(org, source="rollup", **selection)
        assert rolled == direct, (selection, _differences(rolled, direct))
        _assert_same_underpaid_lines(org, selection)
        _assert_same_claims(org, selection)
        _assert_same_referral_money(org, selection)
        _assert_same_slots(org, selection)


def _assert_same_slots(org, selection) -> None:
    """The Schedule heatmap's cells kept by the refresh are the direct SQL's."""
    selection = {key: value for key, value in selection.items() if key != "group_by"}
    filters = resolve_filters(organization_id=org.pk, **selection)
    direct = selectors.attended_by_weekday_hour_direct(filters, org.timezone)
    assert selectors.attended_by_weekday_hour(filters) == direct, selection
    by_month = selectors.appointments_by_clinic_month(filters)
    assert by_month == selectors.appointments_by_clinic_month_direct(filters), selection


def _assert_same_referral_money(org, selection) -> None:
    """The net collected per referral kept by the refresh is the direct visit-money SQL
    over the referrals' episodes, per referral and summed per source."""
    selection = {key: value for key, value in selection.items() if key != "group_by"}
    filters = resolve_filters(organization_id=org.pk, **selection)
    referrals = selectors.referral_rows(filters)
    direct = selectors.referral_money(filters, list(referrals))
    kept = selectors.referral_money_kept(filters)
    assert set(kept) == set(referrals), selection
    assert {key: money for key, money in kept.items() if money} == {
        key: money for key, money in direct.items() if money
    }, selection
    by_source = resolve_filters(organization_id=org.pk, group_by="source", **selection)
    sources = dict(Referral.objects.values_list("pk", "source_id"))
    expected: dict = {}
    for referral_id in referrals:
        money, count = expected.get(sources[referral_id], (Decimal("0"), 0))
        expected[sources[referral_id]] = (money + direct.get(referral_id, 0), count + 1)
    found = selectors.referral_net_collected(by_source)
    assert {
        key: (row["net_collected"], row["referrals_received"]) for key, row in found.items()
    } == expected, selection


# What the underpaid-line lists show of a line (selectors.line_rows' columns).
UNDERPAID_COLUMNS = (
    "expected_allowed",
    "yield_received",
    "underpaid_amount",
    "net_paid",
    "net_pr",
    "explained",
    "adjudicated",
    "denied",
    "underpaid_lines",
)


def _assert_same_claims(org, selection) -> None:
    """The claims first adjudicated kept by the refresh (denied, clean, root cause and
    CARC per claim) are the direct per-claim SQL's."""
    selection = {key: value for key, value in selection.items() if key != "group_by"}
    filters = resolve_filters(organization_id=org.pk, **selection)
    direct = selectors.claim_rows_direct(filters)
    assert selectors.claim_rows(filters) == direct, selection
    # The Denials page's CARC counts, summed in SQL from the kept claims.
    carcs: dict[str, int] = {}
    for row in direct.values():
        if row["denied_claims"]:
            key = f"{row['root_cause']}|{row['carc']}"
            carcs[key] = carcs.get(key, 0) + 1
    assert selectors.denied_claims_by_carc(filters) == carcs, selection
    for dimension in (None, "payer", "clinic"):
        assert selectors.days_to_pay(filters, dimension) == selectors.days_to_pay_direct(
            filters, dimension
        ), (selection, dimension)
    # By payer with the whole selection's row from the same read (the Payers page).
    both = selectors.days_to_pay(filters, "payer", with_total=True)
    total = both.pop(ALL, None)
    assert both == selectors.days_to_pay_direct(filters, "payer"), selection
    assert selectors.days_to_pay_direct(filters, None) == ({ALL: total} if total else {})


def _assert_same_underpaid_lines(org, selection) -> None:
    """The underpaid lines kept by the refresh are the lines the direct per-line SQL
    finds underpaid, with the same figures."""
    selection = {key: value for key, value in selection.items() if key != "group_by"}
    filters = resolve_filters(organization_id=org.pk, **selection)
    kept = selectors.underpaid_line_rows(filters)
    direct = selectors.line_rows(filters, underpaid_only=True)
    assert set(kept) == set(direct), selection
    for line_id, row in direct.items():
        mine = kept[line_id]
        assert {name: mine[name] for name in UNDERPAID_COLUMNS} == {
            name: row[name] for name in UNDERPAID_COLUMNS
        }, (selection, line_id)


def test_rollups_equal_direct_for_random_selections(group, org):
    with tenant_context(org.pk):
        # The import commands refreshed the days their runs marked dirty.
        assert not has_dirty_days(org.pk)
        assert VisitRollup.objects.exists()
        _assert_same(org, _random_selections(random.Random(20261127), 40))
        # The per-claim comparison saw denials with their CARC, not only clean claims.
        claims = selectors.claim_rows(resolve_filters(organization_id=org.pk, start=FIRST, end=END))
        assert any(row["denied_claims"] and row["carc"] for row in claims.values())
        whole = resolve_filters(organization_id=org.pk, start=FIRST, end=END)
        assert selectors.days_to_pay(whole, "payer")
        assert any(selectors.referral_money_kept(whole).values()), "no referral's money kept"
        assert len(selectors.attended_by_weekday_hour(whole)) > 10, "few heatmap cells"


def _desk_payment(visit, external_id, kind, amount, method, *, hour) -> None:
    """A payment logged at the front desk against ``visit``, on its DOS."""
    PatientPayment.objects.create(
        external_id=external_id,
        patient_id=visit.episode.patient_id,
        visit=visit,
        kind=kind,
        amount=Decimal(amount),
        method=method,
        collected_at=datetime.datetime.combine(
            visit.date_of_service, datetime.time(hour), tzinfo=datetime.UTC
        ),
        collected_on=visit.date_of_service,
    )


def _refresh_is_partial(org) -> None:
    report = ensure_fresh(org.pk)
    assert report is not None, "the write marked no day dirty"
    spans = [span for spans in report.ranges.values() for span in spans]
    assert spans and all((end - start).days < 130 for start, end in spans)


def test_incremental_refresh_after_writes_equals_direct(group, org):
    rng = random.Random(7)
    with tenant_context(org.pk):
        ensure_fresh(org.pk)
        selections = _random_selections(rng, 12)

    # A late remittance file; the command refreshes what it touched.
    call_command("import_835", "--org", org.slug, group, verbosity=0)
    with tenant_context(org.pk):
        assert not has_dirty_days(org.pk)
        _assert_same(org, selections)

    with tenant_context(org.pk):
        # A refund logged at the front desk against a visit.
        visit = Visit.objects.order_by("date_of_service", "id")[5]
        _desk_payment(visit, "desk-refund-1", "refund", "12.50", "card", hour=15)
        _refresh_is_partial(org)
        _assert_same(org, selections)

        # An overpayment at the desk: the visit's patient balance becomes a credit.
        billed = Visit.objects.filter(claims__isnull=False).order_by("-date_of_service")[3]
        _desk_payment(billed, "desk-overpaid-1", "copay", "900.00", "card", hour=10)
        _refresh_is_partial(org)
        document = metrics_document(org, source="rollup", start=FIRST, end=END)
        credits = document["metrics"]["ar_aging"]["patient_credit_balances"]
        assert credits["count"] >= 1
        assert document == metrics_document(org, source="direct", start=FIRST, end=END)
        _assert_same(org, selections)

        # An episode re-attributed to another referral (source changes everywhere).
        episode = Episode.objects.filter(referral__isnull=False).order_by("id").first()
        other = Referral.objects.exclude(source_id=episode.referral.source_id).first()
        if other is not None:
            episode.referral = other
            episode.save(update_fields=["referral"])
            _refresh_is_partial(org)
            _assert_same(org, selections)

        # An attended appointment moved an hour later and a cancelled one attended after
        # all (the Schedule heatmap's cells; the local date stays the same).
        moved = (
            Appointment.objects.filter(
                status="completed", local_date__gte=FIRST, starts_at__hour__range=(13, 18)
            )
            .order_by("id")
            .first()
        )
        Appointment.objects.filter(pk=moved.pk).update(
            starts_at=moved.starts_at + datetime.timedelta(hours=1)
        )
        Appointment.objects.filter(
            pk=Appointment.objects.filter(status="cancelled", local_date__gte=FIRST)
            .order_by("id")
            .values("pk")[:1]
        ).update(status="completed")
        _refresh_is_partial(org)
        _assert_same(org, selections)

        # A clinic's time zone corrected, then one cleared and the organization's changed
        # (it applies to clinics without one): the heatmap's slots move with them.
        first, second = Clinic.objects.filter(
            pk__in=Appointment.objects.filter(local_date__gte=FIRST).values("clinic_id")
        ).order_by("id")[:2]
        zone = "America/Los_Angeles" if first.timezone != "America/Los_Angeles" else "Asia/Tokyo"
        Clinic.objects.filter(pk=first.pk).update(timezone=zone)
        assert ensure_fresh(org.pk) is not None, "the new time zone marked no day"
        _assert_same(org, selections)
        Clinic.objects.filter(pk=second.pk).update(timezone="")
        Organization.objects.filter(pk=org.pk).update(timezone="America/Chicago")
        org.refresh_from_db()
        assert ensure_fresh(org.pk) is not None, "the organization's time zone marked no day"
        _assert_same(org, selections)

        # A new contract rate for a CPT the payer is billed for.
        line = ChargeLine.objects.filter(claim__isnull=False).select_related("claim").first()
        FeeSchedule.objects.filter(payer_id=line.claim.payer_id, cpt_code=line.cpt_code).update(
            allowed_amount=Decimal("1.00")
        )
        _refresh_is_partial(org)
        _assert_same(org, selections)

        # A higher contract rate: lines paid at the old rate become underpaid.
        FeeSchedule.objects.filter(payer_id=line.claim.payer_id, cpt_code=line.cpt_code).update(
            allowed_amount=Decimal("500.00")
        )
        _refresh_is_partial(org)
        _assert_same(org, selections)
        assert selectors.underpaid_line_rows(
            resolve_filters(organization_id=org.pk, start=FIRST, end=END)
        ), "the raised rate left no line underpaid"

        # A charge line removed (e.g. a vendor export's removal).
        ChargeLine.objects.filter(pk=line.pk).delete()
        _refresh_is_partial(org)
        _assert_same(org, selections)

        # After all that, a full rebuild writes the same rows the increments left.
        def snapshot():
            columns = ("monthly", "day", "clinic_id", "clinician_id", "payer_id", "source_id")
            return list(
                VisitRollup.objects.order_by(*columns).values_list(
                    *columns, "visits", "gross_charges", "insurance_paid", "patient_paid"
                )
            )

        incremental = snapshot()
        rebuild(org.pk)
        assert snapshot() == incremental


def test_a_write_marks_the_days_it_changes(group, org):
    with tenant_context(org.pk):
        ensure_fresh(org.pk)
        visit = Visit.objects.order_by("id").first()
        _desk_payment(visit, "desk-copay-1", "copay", "20.00", "cash", hour=9)
        marked = set(RollupDirtyDay.objects.values_list("family", "day"))
        assert marked == {
            ("visits", visit.date_of_service),
            ("charge_lines", visit.date_of_service),
        }
        report = ensure_fresh(org.pk)
        assert report.ranges["visits"] == [(visit.date_of_service, visit.date_of_service)]


def test_rollups_are_per_organization(group, org, other_org):
    with tenant_context(org.pk):
        ensure_fresh(org.pk)
        assert VisitRollup.objects.exists()
    with tenant_context(other_org.pk):
        assert not VisitRollup.objects.exists()
        assert VisitRollup.objects.unscoped().count() == 0  # row-level security
        assert ensure_fresh(other_org.pk) is None
        assert metrics_document(other_org, source="rollup", start=FIRST, end=END)["metrics"][
            "visits"
        ] == {"value": 0}


def test_refresh_rollups_command(group, org, capsys):
    capsys.readouterr()
    call_command("refresh_rollups", "--org", org.slug, "--full")
    report = json.loads(capsys.readouterr().out)
    assert report["rows_written"] > 0 and report["dirty_days"] == 0
    call_command("refresh_rollups", "--org", org.slug)
    assert json.loads(capsys.readouterr().out)["rows_written"] == 0
    # After a migration: every organization's marked days, the new family's included.
    with tenant_context(org.pk):
        RollupDirtyDay.objects.create(organization=org, family="referral_money", day=FIRST)
    call_command("refresh_rollups", "--all")
    reports = json.loads(capsys.readouterr().out)
    assert reports[org.slug]["dirty_days"] == 1 and org.slug in reports
    ranges = {family: spans for family, spans in reports[org.slug]["ranges"].items() if spans}
    assert ranges == {"referral_money": [[str(FIRST), str(FIRST)]]}


def test_the_posting_and_the_triggers_name_the_same_setting():
    from analytics.rollups import triggers
    from billing.remittances import posting

    assert posting.CHILD_MARKS_SETTING == triggers.CHILD_MARKS_SETTING
