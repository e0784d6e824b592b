from episodes import models as m
from ptrevops.tenancy.admin import register_tenant_models

register_tenant_models(
    (
        m.Patient,
        ["external_id", "last_name", "first_name", "birth_date"],
        ["external_id", "last_name"],
        [],
    ),
    (m.ReferralSource, ["external_id", "name", "kind"], ["external_id", "name"], []),
    (
        m.Referral,
        ["external_id", "received_on", "status"],
        ["external_id"],
        ["patient", "clinic", "source"],
    ),
    (
        m.Eligibility,
        ["external_id", "checked_on", "active", "copay_amount"],
        ["external_id"],
        ["patient", "payer"],
    ),
    (
        m.Episode,
        ["external_id", "start_date", "discharge_date", "discharge_reason"],
        ["external_id"],
        ["patient", "clinic", "referral", "primary_payer", "secondary_payer"],
    ),
    (
        m.Authorization,
        ["external_id", "start_date", "end_date", "visits_authorized"],
        ["external_id", "auth_number"],
        ["patient", "payer", "episode"],
    ),
    (
        m.PlanOfCare,
        ["external_id", "cert_start", "cert_end", "planned_visits"],
        ["external_id"],
        ["episode"],
    ),
    (
        m.Appointment,
        ["external_id", "starts_at", "local_date", "status", "visit_type"],
        ["external_id"],
        ["patient", "clinic", "clinician", "episode"],
    ),
    (
        m.Visit,
        ["external_id", "date_of_service", "total_timed_minutes"],
        ["external_id"],
        ["appointment", "episode", "clinic", "clinician"],
    ),
)
