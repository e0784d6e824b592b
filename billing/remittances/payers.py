"""Which payer sent a transaction, and under which identifier it is filed.

Why in Python: an organization has tens of payers, so one query at the start
of a file loads them all and each transaction is resolved with dict lookups.

The 835 names its payer three ways; they are tried in the order the product's
contract gives (N1*PR04, REF*2U, TRN03) and the first that matches a
``Payer.payer_code`` is the identifier kept on the remittance. When none
matches, the first one present is kept so the remittance can still be shown and
de-duplicated. All candidates are returned too: duplicate detection compares
against every one of them, so re-importing a file after a payer code was added
(which may change the identifier that matches) is still recognised.
"""

from __future__ import annotations

from dataclasses import dataclass

from billing.models import Payer
from billing.x12 import Transaction


@dataclass(frozen=True, slots=True)
class ResolvedPayer:
    payer_id: int | None
    identifier: str
    candidates: list[str]


class PayerDirectory:
    """The organization's payers by ``payer_code``, loaded once per posting."""

    def __init__(self, organization_id: int) -> None:
        self._by_code: dict[str, int] = {}
        rows = (
            Payer.objects.filter(organization_id=organization_id)
            .exclude(payer_code="")
            .order_by("-pk")
            .values_list("payer_code", "pk")
        )
        # Descending pk: when two payers share a code, the oldest one wins.
        for code, pk in rows:
            self._by_code[code.strip()] = pk

    def resolve(self, transaction: Transaction) -> ResolvedPayer:
        candidates = [
            value.strip()
            for value in (
                transaction.payer.identifier,
                transaction.payer.ref("2U") or "",
                transaction.originator_id,
            )
            if value and value.strip()
        ]
        for candidate in candidates:
            payer_id = self._by_code.get(candidate)
            if payer_id is not None:
                return ResolvedPayer(payer_id, candidate, candidates)
        return ResolvedPayer(None, candidates[0] if candidates else "", candidates)
