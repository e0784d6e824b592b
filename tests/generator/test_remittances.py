"""The 835 files balance, point at the bundle, and carry the situations billers work."""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

from billing.rules.codes import carc_root_cause
from tests.generator.conftest import read_rows, remittances
from tests.generator.x12_balance import balance_problems

ROOT_CAUSES = {
    "eligibility",
    "authorization",
    "coding",
    "medical_necessity",
    "timely_filing",
    "duplicate",
    "coordination_of_benefits",
    "credentialing",
}


def _transactions(root: Path):
    return remittances(root)


def test_every_file_balances(small_bundle):
    files = sorted((small_bundle / "835").glob("*.835"))
    assert len(files) > 50
    problems = [problem for path in files for problem in balance_problems(path)]
    assert problems == []


def test_remittances_point_at_the_bundle(small_bundle):
    payers = {
        row["payer_code"]: row for row in read_rows(small_bundle, "payers") if row["payer_code"]
    }
    claims = {row["claim_id"]: row for row in read_rows(small_bundle, "claims")}
    charges = {row["charge_id"]: row for row in read_rows(small_bundle, "charges")}
    visits = {row["visit_id"]: row for row in read_rows(small_bundle, "visits")}
    payer_ids = {row["payer_id"]: row for row in read_rows(small_bundle, "payers")}
    payees = set()
    for path, transaction in _transactions(small_bundle):
        assert transaction.payer_code == transaction.payer_ref
        assert transaction.payer_code in payers
        assert path.name.endswith(f"_{transaction.payer_code}.835")
        assert transaction.payment_date <= "20250630"
        payees.add(transaction.payee_npi)
        for claim in transaction.claims:
            row = claims[claim.claim_id]
            assert payer_ids[row["payer_id"]]["payer_code"] == transaction.payer_code
            if claim.status != "22":
                assert claim.billed == Decimal(row["billed_amount"])
            for line in claim.lines:
                charge = charges[line["charge_id"]]
                assert charge["visit_id"] == row["visit_id"]
                assert line["cpt"] in (charge["cpt_code"], "G0283")
                assert line["dos"] == visits[row["visit_id"]]["date_of_service"].replace("-", "")
    assert len(payees) == 2  # one payee NPI per clinic


def test_reversals_corrections_and_denials_are_present(small_bundle):
    statuses = Counter()
    corrected = 0
    line_denials_on_paid = 0
    for _, transaction in _transactions(small_bundle):
        seen_reversal = set()
        for claim in transaction.claims:
            statuses[claim.status] += 1
            if claim.status == "22":
                assert claim.billed < 0 and claim.paid <= 0
                seen_reversal.add(claim.claim_id)
            elif claim.status == "1" and claim.claim_id in seen_reversal:
                corrected += 1
            if claim.status == "4":
                assert claim.paid == 0
            if claim.status == "1":
                for line in claim.lines:
                    reasons = {code for group, code, _ in line["adjustments"] if group == "CO"}
                    if line["paid"] == 0 and reasons - {"45", "59", "253"}:
                        line_denials_on_paid += 1
    assert statuses["1"] and statuses["2"] and statuses["4"] and statuses["22"]
    assert corrected > 0
    assert line_denials_on_paid > 0


def test_recent_claims_are_not_paid_yet(small_bundle):
    paid = {claim.claim_id for _, t in _transactions(small_bundle) for claim in t.claims}
    recent = [
        row for row in read_rows(small_bundle, "claims") if row["submitted_on"] >= "2025-06-01"
    ]
    older = [
        row for row in read_rows(small_bundle, "claims") if row["submitted_on"] <= "2025-03-31"
    ]
    unpaid_recent = [row for row in recent if row["claim_id"] not in paid]
    assert len(unpaid_recent) > 0.8 * len(recent)
    unpaid_older = [row for row in older if row["claim_id"] not in paid]
    assert len(unpaid_older) < 0.05 * len(older)


def test_a_year_of_remittances_covers_every_denial_root_cause(year_bundle):
    first: dict[str, object] = {}
    provider = defaultdict(list)
    for _, transaction in _transactions(year_bundle):
        for reason, amount in transaction.provider_adjustments:
            provider[reason.split(":")[0]].append(amount)
        for claim in transaction.claims:
            first.setdefault(claim.claim_id, claim)
    causes = Counter()
    for claim in first.values():
        adjustments = claim.adjustments + [a for line in claim.lines for a in line["adjustments"]]
        denying = [
            (amount, code)
            for group, code, amount in adjustments
            if group in ("CO", "OA", "PI") and code != "45"
        ]
        if claim.status == "4" or (claim.paid == 0 and denying):
            causes[carc_root_cause(max(denying)[1])] += 1
    assert set(causes) >= ROOT_CAUSES, causes
    assert provider["L6"] and all(amount < 0 for amount in provider["L6"])
    assert provider["WO"] and all(amount > 0 for amount in provider["WO"])


def test_a_year_has_underpaid_lines_and_medicare_reductions(year_bundle):
    fees: dict[tuple[str, str], list[tuple[str, str, Decimal]]] = defaultdict(list)
    for row in read_rows(year_bundle, "fee_schedules"):
        fees[(row["payer_id"], row["cpt_code"])].append(
            (
                row["effective_from"],
                row["effective_to"] or "9999-12-31",
                Decimal(row["allowed_amount"]),
            )
        )
    payer_by_code = {row["payer_code"]: row for row in read_rows(year_bundle, "payers")}
    charges = {row["charge_id"]: row for row in read_rows(year_bundle, "charges")}
    visits = {row["visit_id"]: row for row in read_rows(year_bundle, "visits")}
    underpaid = 0
    reductions = Counter()
    for _, transaction in _transactions(year_bundle):
        payer = payer_by_code[transaction.payer_code]
        for claim in transaction.claims:
            if claim.status != "1":
                continue
            for line in claim.lines:
                codes = Counter()
                for group, code, amount in line["adjustments"]:
                    codes[(group, code)] += amount
                    if code in ("59", "253"):
                        reductions[(payer["type"], code)] += 1
                if line["paid"] == 0 and any(
                    g == "CO" and c not in ("45", "59", "253") for g, c in codes
                ):
                    continue
                charge = charges[line["charge_id"]]
                dos = visits[charge["visit_id"]]["date_of_service"]
                rate = [a for f, t, a in fees[(payer["payer_id"], line["cpt"])] if f <= dos <= t]
                if not rate:
                    continue
                expected = rate[0] * int(charge["units"])
                if "CQ" in line["modifiers"]:
                    expected *= Decimal("0.85")
                patient = sum(a for (g, _), a in codes.items() if g == "PR")
                explained = codes[("CO", "59")] + codes[("CO", "253")]
                if line["paid"] + patient + explained < expected - Decimal("0.01"):
                    underpaid += 1
    assert underpaid > 0
    assert reductions[("medicare", "59")] > 0 and reductions[("medicare", "253")] > 0
