from billing import models as m
from ptrevops.tenancy.admin import register_tenant_models

register_tenant_models(
    (
        m.Payer,
        ["external_id", "name", "type", "unit_rule", "requires_auth"],
        ["external_id", "name", "payer_code"],
        [],
    ),
    (
        m.FeeSchedule,
        ["payer", "cpt_code", "modifier", "allowed_amount", "effective_from"],
        ["cpt_code"],
        ["payer"],
    ),
    (
        m.Claim,
        ["external_id", "submitted_on", "billed_amount", "payer_rank"],
        ["external_id"],
        ["visit", "payer"],
    ),
    (
        m.ChargeLine,
        ["external_id", "cpt_code", "units", "charge_amount"],
        ["external_id"],
        ["visit", "claim"],
    ),
    (
        m.Remittance,
        ["trace_number", "payer_name", "payment_date", "total_paid"],
        ["trace_number"],
        ["payer"],
    ),
    (
        m.ClaimPayment,
        ["patient_control_number", "status_code", "paid_amount"],
        ["patient_control_number"],
        ["remittance", "claim"],
    ),
    (
        m.ServicePayment,
        ["cpt_code", "paid_amount", "line_item_control_number"],
        ["line_item_control_number"],
        ["claim_payment", "charge_line"],
    ),
    (
        m.Adjustment,
        ["group_code", "reason_code", "amount"],
        ["reason_code"],
        ["claim_payment", "service_payment"],
    ),
    (m.ProviderAdjustment, ["reason_code", "reference", "amount"], ["reference"], ["remittance"]),
    (
        m.Denial,
        ["claim", "root_cause", "reason_code", "amount", "status"],
        ["reason_code"],
        ["claim", "claim_payment", "service_payment", "assignee"],
    ),
    (
        m.PatientPayment,
        ["external_id", "kind", "amount", "collected_on"],
        ["external_id"],
        ["patient", "visit"],
    ),
)
