"""Posting X12 835 remittances to an organization's claims and charge lines.

``post_835_file`` streams a file from ``billing.x12`` into Remittance,
ClaimPayment, ServicePayment, Adjustment and ProviderAdjustment rows and derives
Denials, in one transaction; ``match_unmatched_payments`` links payments that
arrived before their claims. Modules: ``service`` (the loop), ``batch`` (parser
objects → rows), ``staging`` (TEMP tables, COPY, ids), ``posting`` (set-based
writes), ``matching`` (claims and lines), ``denials``, ``payers``, ``report``.
"""

from billing.remittances.denials import APPEAL_WINDOW_DAYS
from billing.remittances.matching import match_unmatched_payments
from billing.remittances.report import DuplicatePayment, RemittanceReport
from billing.remittances.service import post_835_file
from billing.remittances.tenancy import TenantScopeError

__all__ = [
    "APPEAL_WINDOW_DAYS",
    "DuplicatePayment",
    "RemittanceReport",
    "TenantScopeError",
    "match_unmatched_payments",
    "post_835_file",
]
