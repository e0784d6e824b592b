"""The posted rows' references have no foreign-key constraints (billing 0005, 0007):
the posting's joins, the removals' dependant checks, Django's ``on_delete`` and the
bundle-import lock are what keep them whole, so each is tested here."""

from __future__ import annotations

import psycopg
import pytest
from django.db import connection
from django.db import transaction as db_transaction

from billing.models import (
    Adjustment,
    ChargeLine,
    Claim,
    ClaimPayment,
    Remittance,
    ServicePayment,
)
from billing.remittances import match_unmatched_payments
from billing.remittances.tenancy import BUNDLE_IMPORT_LOCK
from episodes.vendor.removals import apply_removals
from ptrevops.tenancy.context import tenant_context
from tests.remittances.factories import clp, interchange, make_claim, svc, transaction

pytestmark = pytest.mark.django_db

LINES = [("L1", "97110", ["GP"], 2, "80.00"), ("L2", "97140", ["GP", "59"], 1, "45.00")]
POSTED = [ClaimPayment, ServicePayment, Adjustment]


def paid(pcn: str) -> list[str]:
    return clp(
        pcn,
        "1",
        "125",
        "100",
        svc("97110", ("GP",), "80", "65", "CAS*CO*45*15", units=2, ref_6r="L1"),
        svc("97140", ("GP", "59"), "45", "35", "CAS*CO*45*10", ref_6r="L2"),
    )


def dangling_rows(organization) -> list[tuple[str, str, int]]:
    """(table, column, id) of every reference of a posted row that points at no row."""
    found = []
    with tenant_context(organization.pk), connection.cursor() as cursor:
        for model in POSTED:
            for field in model._meta.concrete_fields:
                if not field.is_relation or field.name == "organization":
                    continue
                table, column = model._meta.db_table, field.column
                cursor.execute(
                    f"SELECT t.id FROM {table} t WHERE t.{column} IS NOT NULL AND NOT EXISTS"
                    f" (SELECT 1 FROM {field.related_model._meta.db_table} r"
                    f" WHERE r.id = t.{column})"
                )
                found += [(table, column, row_id) for (row_id,) in cursor.fetchall()]
    return found


def test_posted_rows_have_no_foreign_key_constraints():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname FROM pg_constraint WHERE contype = 'f'"
            " AND conrelid::regclass::text = ANY(%s)",
            [[model._meta.db_table for model in POSTED]],
        )
        assert cursor.fetchall() == []


@pytest.fixture
def posted(org, in_org, post):
    """CLM1 (lines L1, L2) paid by a posted 835; the claim CLM2 is paid but not there."""
    with in_org(org):
        make_claim("CLM1", LINES)
    report = post(org, interchange(transaction(paid("CLM1"), paid("CLM2"), paid="200")))
    assert report.claim_payments_matched == 1 and report.service_payments_matched_by_ref == 2
    assert dangling_rows(org) == []
    return org


def blocked(error) -> str:
    assert "is marked removed (export_flag 3) but cannot be deleted: " in error.reason
    return error.reason.split(": ", 1)[1].removesuffix(" still refer to it")


def test_removals_refuse_claims_and_charge_lines_that_payments_refer_to(posted, in_org):
    with in_org(posted), db_transaction.atomic():
        removed = apply_removals(posted.pk, {"charges": ["L1", "L2"], "claims": ["CLM1"]})

    assert sorted((error.file, blocked(error)) for error in removed.errors) == [
        ("charges.csv", "1 service payment"),
        ("charges.csv", "1 service payment"),
        ("claims.csv", "2 charge lines and 1 claim payment"),
    ]
    assert removed.deleted == {"charges": 0, "claims": 0}
    with in_org(posted):
        assert Claim.objects.count() == 1 and ChargeLine.objects.count() == 2
    assert dangling_rows(posted) == []


def test_orm_deletes_unlink_the_payments(posted, in_org):
    with in_org(posted):
        ChargeLine.objects.filter(external_id="L1").delete()
        paid_lines = ServicePayment.objects.filter(claim_payment__patient_control_number="CLM1")
        assert list(
            paid_lines.order_by("id").values_list("charge_line__external_id", flat=True)
        ) == [None, "L2"]
        Claim.objects.get(external_id="CLM1").delete()
        assert not ClaimPayment.objects.filter(claim__isnull=False).exists()
    assert dangling_rows(posted) == []


def test_deleting_a_remittance_deletes_what_was_posted_with_it(posted, in_org):
    with in_org(posted):
        Remittance.objects.get().delete()
        assert [model.objects.count() for model in POSTED] == [0, 0, 0]
    assert dangling_rows(posted) == []


def test_late_matching_links_only_existing_rows(posted, in_org):
    with in_org(posted):
        make_claim("CLM2", [("M1", "97110", ["GP"], 2, "80.00")])
        assert match_unmatched_payments(organization_id=posted.pk) == 1
        matched = ServicePayment.objects.filter(claim_payment__patient_control_number="CLM2")
        assert list(matched.order_by("id").values_list("charge_line__external_id", flat=True)) == [
            "M1",
            None,
        ]
    assert dangling_rows(posted) == []


def test_a_posting_excludes_bundle_imports_until_it_commits(org, in_org, post):
    """The posting holds the bundle imports' advisory lock (shared): a bundle import,
    whose vendor removals could otherwise delete a claim between the posting's join
    and its commit, cannot start; another posting can."""
    with in_org(org):
        make_claim("CLM1", LINES)
    seen = []

    def probe(report):
        with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
            other.execute("BEGIN")
            exclusive = other.execute(
                "SELECT pg_try_advisory_xact_lock(%s, %s)", [BUNDLE_IMPORT_LOCK, org.pk]
            ).fetchone()[0]
            shared = other.execute(
                "SELECT pg_try_advisory_xact_lock_shared(%s, %s)", [BUNDLE_IMPORT_LOCK, org.pk]
            ).fetchone()[0]
            other.execute("ROLLBACK")
        seen.append((exclusive, shared))

    report = post(org, interchange(transaction(paid("CLM1"), paid="100")), progress=probe)
    assert report.ok and seen == [(False, True)]
