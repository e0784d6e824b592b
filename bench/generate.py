"""Benchmark the data generator: 50 clinics x 60 months (about 3 million visits).

    .venv/bin/python bench/generate.py [--out DIR] [--clinics 50] [--months 60]
                                        [--workers N] [--keep]

Prints the wall time, the CPU time of the parent and its workers, the rows per file and
the output size. ``--end`` is fixed so runs are comparable (and byte-identical). Target on
the 2-core reference machine: under 10 minutes.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ptrevops.generator import generate  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--clinics", type=int, default=50)
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--end", type=date.fromisoformat, default=date(2025, 12, 31))
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--keep", action="store_true", help="keep the output directory")
    arguments = parser.parse_args()
    out = arguments.out or Path(tempfile.mkdtemp(prefix="ptrevops-generate-"))
    began = time.perf_counter()
    summary = generate(
        out,
        clinics=arguments.clinics,
        months=arguments.months,
        seed=arguments.seed,
        end=arguments.end,
        workers=arguments.workers,
    )
    wall = time.perf_counter() - began
    parent = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = parent.ru_utime + parent.ru_stime + children.ru_utime + children.ru_stime
    print(summary.describe())
    print(
        f"wall {wall:.1f} s, cpu {cpu:.1f} s ({arguments.workers} workers), "
        f"visits {summary.rows('visits'):,}, charge lines {summary.rows('charges'):,}, "
        f"output {summary.total_bytes / 1e9:.2f} GB, "
        f"{summary.rows('visits') / wall:,.0f} visits/s"
    )
    if not arguments.keep and arguments.out is None:
        shutil.rmtree(out, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
