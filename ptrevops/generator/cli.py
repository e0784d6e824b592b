"""Command line: ``python -m ptrevops.generator --out DIR --clinics N --months M --seed S``.

``--end`` defaults to today, which makes the output depend on the day it runs; pass
``--end YYYY-MM-DD`` for reproducible bytes (tests, benchmarks, demos).
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path

from ptrevops.generator.runner import generate


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m ptrevops.generator",
        description=(
            "Generate a PT clinic group's EMR export bundle (CSV) and X12 835 remittances. "
            "Output is byte-identical for the same arguments; fix --end for that."
        ),
    )
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    parser.add_argument("--clinics", type=int, default=3, help="number of clinics (1-999)")
    parser.add_argument("--months", type=int, default=12, help="months of history up to --end")
    parser.add_argument("--seed", type=int, default=1, help="random seed")
    parser.add_argument(
        "--end",
        type=date.fromisoformat,
        default=None,
        help="last day of the history, YYYY-MM-DD (default: today; fix it for determinism)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="worker processes (default: CPU count); does not change the output",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    end = arguments.end or date.today()
    summary = generate(
        arguments.out,
        clinics=arguments.clinics,
        months=arguments.months,
        seed=arguments.seed,
        end=end,
        workers=arguments.workers,
    )
    sys.stdout.write(summary.describe() + "\n")
    return 0
