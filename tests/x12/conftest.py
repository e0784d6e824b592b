"""Shared helpers for the 835 parser tests.

The public sample files live outside the repository (in the shared project
folder); ``PTREVOPS_835_SAMPLES`` points elsewhere if they move. Tests that need
them are skipped, with a reason, when the folder is missing, so the suite still
runs on a machine without it.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from billing.x12 import Remittance835Reader, Transaction, parse_835

SAMPLES_DIR = Path(os.environ.get("PTREVOPS_835_SAMPLES", "/work/shared/samples/835"))
SAMPLE_FILES = (
    sorted(p.name for p in SAMPLES_DIR.iterdir() if p.name != "README.md")
    if SAMPLES_DIR.is_dir()
    else []
)
needs_samples = pytest.mark.skipif(not SAMPLE_FILES, reason=f"no 835 samples in {SAMPLES_DIR}")


def sample_bytes(name: str) -> bytes:
    return (SAMPLES_DIR / name).read_bytes()


def parse_bytes(data: bytes, **kwargs) -> tuple[list[Transaction], Remittance835Reader]:
    """Parse in-memory bytes; returns the transactions and the reader (for its warnings)."""
    reader = parse_835(io.BytesIO(data), **kwargs)
    return list(reader), reader


def x12(text: str) -> bytes:
    """Test input written readably: one segment per line, '~' terminators added.

    Lines are stripped, blank lines skipped, and a '~' is appended unless the
    line already ends with one.
    """
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return "".join(line if line.endswith("~") else line + "~" for line in lines).encode()


# A minimal, balanced, well-formed 005010X221A1 interchange used by many tests.
ISA = (
    "ISA*00*          *00*          *ZZ*PAYER          *ZZ*CLINIC         "
    "*260115*0930*^*00501*000000001*0*P*:"
)
SIMPLE_835 = f"""
{ISA}
GS*HP*PAYER*CLINIC*20260115*0930*1*X*005010X221A1
ST*835*0001
BPR*I*150*C*ACH*CCP*01*011000015*DA*1234*1512345678**01*021000021*DA*5678*20260115
TRN*1*EFT0001*1512345678
DTM*405*20260114
N1*PR*ACME HEALTH*XV*ACME01
REF*2U*ACME-2U
N1*PE*SUNRISE PT*XX*1234567893
REF*TJ*123456789
LX*1
CLP*CLAIM1*1*200*150*20*12*PCN1*11*1
NM1*QC*1*DOE*JANE*Q***MI*M1
NM1*82*1*SMITH*PAT****XX*1999999984
DTM*232*20260105
DTM*233*20260106
SVC*HC:97110:GP:59*120*90**2
DTM*472*20260105
CAS*CO*45*10*1*253*0*0
CAS*PR*3*20
REF*6R*LINE1
AMT*B6*110
LQ*HE*N130
SVC*HC:97140:GP*80*60
DTM*472*20260106
CAS*CO*45*20
REF*6R*LINE2
SE*26*0001
GE*1*1
IEA*1*000000001
"""
