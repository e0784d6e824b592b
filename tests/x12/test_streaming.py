"""Streaming: chunked reads, flat memory, and a printed (never asserted) speed.

Speed is printed, not asserted: wall time depends on the machine and its load
(bench/x12_parse.py is the benchmark). Run with ``-s`` to see the numbers.
"""

from __future__ import annotations

import importlib.util
import io
import time
import tracemalloc

import pytest

from billing.x12 import parse_835, stream_835
from tests.x12.conftest import SIMPLE_835, x12
from tests.x12.synth import Expected, GeneratedFile, synthetic_835, synthetic_bytes


def test_reads_in_chunks_and_hands_out_early():
    expected = Expected()
    source = GeneratedFile(synthetic_835(3000, claims_per_transaction=100, expected=expected))
    reader = parse_835(source, chunk_size=4096)
    first = next(reader)
    assert first.claim_count == 100
    read_so_far = sum(source.read_sizes)
    rest = list(reader)
    assert len(rest) == expected.transactions - 1 == 29
    assert set(source.read_sizes) == {4096}
    # The first transaction came out after a small part of the file was read.
    assert read_so_far < sum(source.read_sizes) / 10


def _peak_stream_memory(claims: int) -> int:
    """Peak traced memory while streaming one transaction of ``claims`` claims."""
    source = GeneratedFile(synthetic_835(claims, claims_per_transaction=claims))
    tracemalloc.start()
    try:
        count = 0
        for _, claim in stream_835(source, chunk_size=1 << 16):
            if claim is not None:
                count += 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == claims
    return peak


@pytest.fixture
def small_caches(monkeypatch):
    """Shrink the builder's amount/date caches (bounded anyway) so that what is
    measured is whether anything grows with the number of claims."""
    monkeypatch.setattr("billing.x12.builder._CACHE_LIMIT", 64)


def test_memory_stays_flat_on_one_huge_transaction(small_caches):
    small = _peak_stream_memory(150)
    large = _peak_stream_memory(1200)
    # Eight times the claims (about 0.6 MB of 835) in one ST..SE: the peak must
    # not grow with it (collecting the claims would take several MB).
    assert large < small * 1.25, (small, large)
    assert large < 2 * 1024 * 1024


def test_collected_mode_memory_is_bounded_by_the_largest_transaction(small_caches):
    def peak(claims: int) -> int:
        source = GeneratedFile(synthetic_835(claims, claims_per_transaction=25))
        tracemalloc.start()
        try:
            for txn in parse_835(source, chunk_size=1 << 16):
                assert txn.claim_count == 25
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    # Four times the transactions, same peak: at most the transaction being
    # read and the one the caller still holds are alive.
    small, large = peak(150), peak(600)
    assert large < small * 1.25, (small, large)


def test_stream_mode_order_of_items():
    data = synthetic_bytes(5, claims_per_transaction=2)
    seen = [
        (txn.st_control_number, claim.patient_control_number if claim else None)
        for txn, claim in stream_835(io.BytesIO(data))
    ]
    assert seen == [
        ("0001", "C00000001"),
        ("0001", "C00000002"),
        ("0001", None),
        ("0002", "C00000003"),
        ("0002", "C00000004"),
        ("0002", None),
        ("0003", "C00000005"),
        ("0003", None),
    ]


def test_stream_mode_transaction_without_claims_is_handed_out_once():
    lines = SIMPLE_835.strip().splitlines()
    lx = next(i for i, line in enumerate(lines) if line.startswith("LX"))
    se = next(i for i, line in enumerate(lines) if line.startswith("SE"))
    text = "\n".join(lines[:lx] + lines[se:]).replace("BPR*I*150*", "BPR*H*0*")
    pairs = list(stream_835(io.BytesIO(x12(text.replace("SE*26*", "SE*9*")))))
    assert [(t.st_control_number, c) for t, c in pairs] == [("0001", None)]
    assert pairs[0][0].complete
    assert pairs[0][0].warnings == []


def _rate(func, data: bytes) -> tuple[float, int]:
    start = time.process_time()
    claims = func(data)
    return claims / max(time.process_time() - start, 1e-9), claims


def test_speed_on_a_generated_file_is_printed():
    expected = Expected()
    data = synthetic_bytes(20_000, expected=expected)

    def ours(data: bytes) -> int:
        total = 0
        for txn in parse_835(io.BytesIO(data)):
            assert txn.warnings == []
            total += len(txn.claims)
        return total

    rate, claims = _rate(ours, data)
    assert claims == expected.claims == 20_000
    print(
        f"\nbilling.x12: {claims} claims, {expected.services} service lines, "
        f"{len(data) / 1e6:.1f} MB: parse_835 {rate:,.0f} CLP/s (CPU time)"
    )
    if importlib.util.find_spec("pyx12") is not None:
        import pyx12.x12file

        def theirs(data: bytes) -> int:
            reader = pyx12.x12file.X12Reader(io.StringIO(data.decode()))
            return sum(1 for seg in reader if seg.get_seg_id() == "CLP")

        small = synthetic_bytes(2_000)
        their_rate, their_claims = _rate(theirs, small)
        assert their_claims == 2_000
        print(
            f"pyx12 X12Reader (segments only): {their_rate:,.0f} CLP/s; "
            f"ratio {rate / their_rate:.1f}x"
        )


@pytest.mark.parametrize("chunk_size", [1, 3, 64])
def test_tiny_chunks_on_a_generated_file(chunk_size):
    expected = Expected()
    data = synthetic_bytes(40, claims_per_transaction=15, expected=expected, newline="\r\n")
    transactions = list(parse_835(io.BytesIO(data), chunk_size=chunk_size))
    assert [c.patient_control_number for t in transactions for c in t.claims] == (
        expected.patient_control_numbers
    )
    assert transactions == list(parse_835(io.BytesIO(data)))
