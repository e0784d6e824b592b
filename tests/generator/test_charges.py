"""Charge lines follow each payer's unit rule and modifier rules, except the planted defects."""

from __future__ import annotations

from collections import defaultdict

from billing.rules.ncci import ncci_conflicts
from billing.rules.units import units_for_rule
from tests.generator.conftest import read_rows


def _context(root):
    payers = {row["payer_id"]: row for row in read_rows(root, "payers")}
    episodes = {row["episode_id"]: row for row in read_rows(root, "episodes")}
    visits = {row["visit_id"]: row for row in read_rows(root, "visits")}
    clinicians = {row["clinician_id"]: row for row in read_rows(root, "clinicians")}
    errors = read_rows(root, "deliberate_errors")
    by_visit: dict[str, list[dict[str, str]]] = defaultdict(list)
    duplicates = {row["charge_id"] for row in errors if row["kind"] == "duplicate_charge_entry"}
    for charge in read_rows(root, "charges"):
        if charge["charge_id"] not in duplicates:
            by_visit[charge["visit_id"]].append(charge)
    return payers, episodes, visits, clinicians, errors, by_visit


def test_units_follow_the_payer_rule_except_deliberate_errors(small_bundle):
    payers, episodes, visits, _, errors, by_visit = _context(small_bundle)
    extra_unit = {
        row["charge_id"] for row in errors if row["kind"] == "units_not_supported_by_minutes"
    }
    assert extra_unit, "the data set should carry some unit defects for the scrubber"
    rules_seen = set()
    checked = 0
    for visit_id, lines in by_visit.items():
        payer = payers[episodes[visits[visit_id]["episode_id"]]["primary_payer_id"]]
        rule = payer["unit_rule"] or "cms_8_minute"
        rules_seen.add(rule)
        minutes = {line["cpt_code"]: int(line["minutes"]) for line in lines}
        assert len(minutes) == len(lines), f"a code appears twice on {visit_id}"
        expected = units_for_rule(rule, minutes)
        for line in lines:
            wanted = expected[line["cpt_code"]] + (1 if line["charge_id"] in extra_unit else 0)
            assert int(line["units"]) == wanted, (visit_id, rule, line, expected)
            checked += 1
    assert rules_seen == {"cms_8_minute", "substantial_portion"}
    assert checked > 10_000


def test_zero_unit_lines_are_zero_dollars_and_not_billed(small_bundle):
    for charge in read_rows(small_bundle, "charges"):
        if charge["units"] == "0":
            assert charge["charge_amount"] == "0.00"
            assert charge["claim_id"] == ""
        else:
            assert charge["charge_amount"] != "0.00"


def test_modifiers_follow_medicare_and_ncci_rules_except_deliberate_errors(small_bundle):
    payers, episodes, visits, clinicians, errors, by_visit = _context(small_bundle)
    defect_lines = {row["charge_id"]: row["kind"] for row in errors if row["charge_id"]}
    counts = defaultdict(int)
    for visit_id, lines in by_visit.items():
        visit = visits[visit_id]
        payer = payers[episodes[visit["episode_id"]]["primary_payer_id"]]
        credential = clinicians[visit["clinician_id"]]["credential"]
        billed = [line for line in lines if line["units"] != "0"]
        for line in billed:
            modifiers = line["modifiers"].split(";") if line["modifiers"] else []
            kind = defect_lines.get(line["charge_id"], "")
            discipline = "GO" if credential in ("OT", "COTA") else "GP"
            if kind != "gp_modifier_missing":
                assert discipline in modifiers, (visit_id, line)
            if payer["type"] == "medicare" and credential == "PTA":
                assert ("CQ" in modifiers) == (kind != "cq_modifier_missing"), line
                counts["cq"] += 1
            if payer["type"] == "medicare":
                assert line["cpt_code"] != "97014" or kind == "code_not_valid_for_medicare"
            if "KX" in modifiers:
                assert payer["type"] == "medicare"
                counts["kx"] += 1
        by_code: dict[str, list[tuple[str, ...]]] = defaultdict(list)
        for line in billed:
            by_code[line["cpt_code"]].append(tuple(line["modifiers"].split(";")))
        conflicts = ncci_conflicts(by_code)
        if conflicts:
            kinds = {defect_lines.get(line["charge_id"]) for line in billed}
            assert "ncci_pair_without_modifier" in kinds, (visit_id, conflicts)
        if any(("59" in m or "XU" in m) for mods in by_code.values() for m in mods):
            counts["distinct"] += 1
    assert counts["cq"] > 0 and counts["distinct"] > 0


def test_deliberate_errors_are_about_two_percent_of_lines(small_bundle):
    charges = read_rows(small_bundle, "charges")
    errors = [
        row
        for row in read_rows(small_bundle, "deliberate_errors")
        if row["charge_id"] and row["kind"] != "duplicate_charge_entry"
    ]
    share = len(errors) / len(charges)
    assert 0.01 <= share <= 0.035, share
    kinds = {row["kind"] for row in errors}
    assert {"units_not_supported_by_minutes", "gp_modifier_missing"} <= kinds
