"""Deterministic, streaming generator of a PT clinic group's EMR export and 835 remittances.

Pure Python (no Django): ``generate(out_dir, clinics=, months=, seed=, end=, workers=)``
writes ``bundle/`` (the CSV files of spec/emr-export.md), ``835/`` (X12 005010X221A1
remittances) and returns a ``GenerationSummary``. The same arguments give byte-identical
files whatever ``workers`` is; ``end`` must be fixed for that (the CLI defaults it to
today). Run ``python -m ptrevops.generator --help`` for the command line.
"""

from ptrevops.generator.runner import generate
from ptrevops.generator.summary import FileSummary, GenerationSummary

__all__ = ["FileSummary", "GenerationSummary", "generate"]
