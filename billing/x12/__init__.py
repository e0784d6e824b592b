"""A streaming, pure-Python reader for X12 835 remittances (005010X221A1, 004010X091A1).

No Django here on purpose: the parser is used by the import task, the API and
the benchmarks alike, and must be testable in milliseconds. Usage::

    from billing.x12 import parse_835

    with open(path, "rb") as f:
        reader = parse_835(f)
        for txn in reader:          # one Transaction per ST..SE
            for claim in txn.claims:
                ...
        file_warnings = reader.warnings

Modules: ``tokenizer`` (bytes → segments, separators), ``builder`` (segments →
model), ``balancing`` (the TR3 balancing rules as warnings), ``model``
(dataclasses), ``values`` (amounts, dates), ``errors``, ``reader`` (entry point).
"""

from billing.x12.errors import WarningCode, X12ParseError, X12Warning
from billing.x12.model import (
    Adjustment,
    ClaimPayment,
    Entity,
    Party,
    ProviderAdjustment,
    ServicePayment,
    Transaction,
)
from billing.x12.reader import Remittance835Reader, parse_835, stream_835
from billing.x12.tokenizer import DEFAULT_CHUNK_SIZE, Separators

# The brief's name for the warning type; ``X12Warning`` avoids shadowing the
# builtin ``Warning`` in modules that import it.
Warning = X12Warning

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "Adjustment",
    "ClaimPayment",
    "Entity",
    "Party",
    "ProviderAdjustment",
    "Remittance835Reader",
    "Separators",
    "ServicePayment",
    "Transaction",
    "Warning",
    "WarningCode",
    "X12ParseError",
    "X12Warning",
    "parse_835",
    "stream_835",
]
