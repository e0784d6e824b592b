"""pyx12, an independent X12 validator, accepts the generated 835s (one file per payer kind).

pyx12 reads a second PLB segment as a second footer loop; the 835 guide allows the PLB
segment to repeat (six adjustments per segment), so that single message is tolerated.
"""

from __future__ import annotations

import importlib.util
import io
import logging
import re

import pytest

from tests.generator.conftest import read_rows

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("pyx12") is None, reason="pyx12 is not installed"
)
TOLERATED = ("Loop FOOTER exceeded max count",)


def test_generated_files_pass_pyx12(small_bundle):
    import pyx12.params
    import pyx12.x12n_document

    logging.getLogger("pyx12").setLevel(logging.CRITICAL)
    types = {row["payer_code"]: row["type"] for row in read_rows(small_bundle, "payers")}
    chosen: dict[str, object] = {}
    for path in sorted((small_bundle / "835").glob("*.835")):
        kind = types[path.stem.split("_", 1)[1]]
        size = path.stat().st_size
        if 2_000 < size < 40_000 and kind not in chosen:
            chosen[kind] = path
    assert len(chosen) >= 6
    for kind, path in chosen.items():
        report = io.StringIO()
        pyx12.x12n_document.x12n_document(pyx12.params.params(), str(path), None, report, None)
        errors = [
            message
            for message in re.findall(r'class="error"[^>]*>(.*?)<', report.getvalue())
            if not any(tolerated in message for tolerated in TOLERATED)
        ]
        assert errors == [], (kind, path.name, errors[:5])
