"""Quick speed check of the 835 parser against pyx12 on the same synthetic file.

Run: ``.venv/bin/python bench/x12_parse.py [claims]``. Prints claims per second
(best CPU time of a few runs, so a busy machine skews it less) for billing.x12
(collected and streamed, the full model; and its tokenizer alone, the same work
as ``X12Reader``) and for pyx12's segment reader (``X12Reader``: tokenizing
only) and its loop-aware reader (``X12ContextReader``), with the ratios. Not a
test: the numbers depend on the machine.
"""

from __future__ import annotations

import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from billing.x12 import parse_835, stream_835  # noqa: E402
from billing.x12.tokenizer import SegmentTokenizer  # noqa: E402
from tests.x12.synth import Expected, synthetic_bytes  # noqa: E402


def ours(data: bytes) -> int:
    claims = 0
    for txn in parse_835(io.BytesIO(data)):
        claims += len(txn.claims)
    return claims


def ours_stream(data: bytes) -> int:
    return sum(claim is not None for _, claim in stream_835(io.BytesIO(data)))


def ours_tokenizer(data: bytes) -> int:
    """Segments only, no model: what ``X12Reader`` does, for a like-for-like ratio."""
    claims = 0

    def count(elements: list[str], index: int, line: int) -> None:
        nonlocal claims
        claims += 1

    for _ in SegmentTokenizer(io.BytesIO(data)).pump({"CLP": count}, lambda *_: None):
        pass
    return claims


def pyx12_reader(data: bytes) -> int:
    import pyx12.x12file

    claims = 0
    for segment in pyx12.x12file.X12Reader(io.StringIO(data.decode())):
        if segment.get_seg_id() == "CLP":
            claims += 1
    return claims


def pyx12_context_reader(data: bytes) -> int:
    """pyx12's loop-aware (map-validating) reader, how pyx12 is used to get claims."""
    import pyx12.error_handler
    import pyx12.params
    import pyx12.x12context

    reader = pyx12.x12context.X12ContextReader(
        pyx12.params.params(), pyx12.error_handler.errh_null(), io.StringIO(data.decode())
    )
    return sum(1 for node in reader.iter_segments("2100") if node.id == "2100")


def best_rate(func, data: bytes, repeat: int = 3) -> tuple[float, int]:
    best = float("inf")
    claims = 0
    for _ in range(repeat):
        start = time.process_time()
        claims = func(data)
        best = min(best, time.process_time() - start)
    return claims / best, claims


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    expected = Expected()
    data = synthetic_bytes(n, expected=expected)
    print(f"{n} claims, {expected.services} service lines, {len(data) / 1e6:.1f} MB")
    rate, claims = best_rate(ours, data, repeat=5)
    print(f"billing.x12 parse_835:  {rate:>10,.0f} CLP/s ({claims} claims)")
    rate_s, _ = best_rate(ours_stream, data, repeat=5)
    print(f"billing.x12 stream_835: {rate_s:>10,.0f} CLP/s")
    rate_t, _ = best_rate(ours_tokenizer, data, repeat=5)
    print(f"billing.x12 tokenizer:  {rate_t:>10,.0f} CLP/s (segments only, no model)")
    try:
        import pyx12  # noqa: F401
    except ImportError:
        print("pyx12 not installed")
        return
    small = synthetic_bytes(max(n // 10, 1000))
    ref_rate, _ = best_rate(pyx12_reader, small, repeat=3)
    print(
        f"pyx12 X12Reader:        {ref_rate:>10,.0f} CLP/s (segments only; ratios: "
        f"parse_835 {rate / ref_rate:.1f}x, stream_835 {rate_s / ref_rate:.1f}x, "
        f"tokenizer {rate_t / ref_rate:.1f}x)"
    )
    tiny = synthetic_bytes(300)
    ctx_rate, _ = best_rate(pyx12_context_reader, tiny, repeat=1)
    print(f"pyx12 X12ContextReader: {ctx_rate:>10,.0f} CLP/s (loops; ratio {rate / ctx_rate:.0f}x)")


if __name__ == "__main__":
    main()
