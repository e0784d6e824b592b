"""Values → PostgreSQL ``COPY`` text format, by hand.

Why by hand: psycopg's ``write_row`` adapts every value through its dumper
machinery, about four times slower than an f-string per row, and these rows are
the bulk of an import (every CLP, SVC and CAS). The rules are the documented
text format: columns separated by tab, rows ended by newline, ``\\N`` for NULL,
backslash, tab, newline and carriage return escaped with a backslash. Money
(``Decimal``) and dates print in forms PostgreSQL reads back exactly.

Every string from the file goes through ``esc``: a backslash or a tab in a
payer's free text must never shift a column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

NULL = "\\N"

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
# Array elements that need no quoting in an array literal.
_PLAIN_ELEMENTS = re.compile(r"[A-Za-z0-9]+(?:,[A-Za-z0-9]+)*\Z")


def esc(value: str) -> str:
    """A string as a COPY text field."""
    return value.translate(_ESCAPES)


def opt(value) -> str:
    """An optional number or date: ``\\N`` for None, else its ``str``."""
    return NULL if value is None else str(value)


def text_array(items: list[str]) -> str:
    """A list of strings as a COPY field holding a PostgreSQL text[] literal."""
    if not items:
        return "{}"
    body = ",".join(items)
    if _PLAIN_ELEMENTS.match(body) and "NULL" not in body.upper():
        return "{" + body + "}"
    quoted = ('"' + item.replace("\\", "\\\\").replace('"', '\\"') + '"' for item in items)
    return esc("{" + ",".join(quoted) + "}")


def line(values: Iterable) -> str:
    """One row of mixed values (None, str, list of str, numbers, dates) — for the
    rare rows (remittance headers, PLB) where a generic path is fast enough."""
    fields = []
    for value in values:
        if value is None:
            fields.append(NULL)
        elif isinstance(value, str):
            fields.append(esc(value))
        elif isinstance(value, list):
            fields.append(text_array(value))
        else:
            fields.append(str(value))
    return "\t".join(fields) + "\n"
