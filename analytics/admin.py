"""Rollups in the admin: derived rows, listed to let support reconcile a dashboard
number with the day rows behind it (they are rewritten by refreshes, not edited)."""

from analytics import models as m
from ptrevops.tenancy.admin import register_tenant_models

_KEYS = ["day", "clinic_id", "clinician_id", "payer_id", "source_id"]

register_tenant_models(
    *((model, [*_KEYS, *model.measures()[:3]], [], []) for model in m.ROLLUPS),
    (m.ReceivableBalance, [*_KEYS, "valid_from", "valid_to", "claim_amount"], [], []),
    (m.ReceivableMovement, [*_KEYS, "monthly", "by_clinic", "claim_amount"], [], []),
    (m.PatientCreditBalance, [*_KEYS, "visit_id", "valid_from", "valid_to", "amount"], [], []),
    (m.RollupDirtyDay, ["family", "day"], ["family"], []),
)
