"""Identifiers: the EMR's external ids and valid-looking NPIs and tax ids.

External ids embed the clinic number (``V0010001234`` is visit 1,234 of clinic 001) so
that every clinic's worker can number its rows without talking to the others and the
ids are still unique across the organization, per file kind, as the import contract
requires.
"""

from __future__ import annotations

import random


def luhn_check_digit(payload: str) -> int:
    """The Luhn check digit that makes ``payload + digit`` valid."""
    total = 0
    for position, character in enumerate(reversed(payload)):
        digit = int(character)
        if position % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


def national_provider_identifier(rng: random.Random) -> str:
    """A 10-digit NPI with a correct check digit (Luhn over the ``80840`` prefix + 9 digits)."""
    body = f"1{rng.randrange(10**8):08d}"
    return body + str(luhn_check_digit("80840" + body))


def employer_identification_number(rng: random.Random) -> str:
    """A 9-digit federal tax id (EIN) as sent in REF*TJ."""
    return f"{rng.randrange(10, 99)}{rng.randrange(10**7):07d}"


def quote_csv(value: str) -> str:
    """RFC 4180 quoting for free text: quote only when a comma, quote or line break is present."""
    if any(character in value for character in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value
