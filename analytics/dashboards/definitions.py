"""What each number on a dashboard means, in the words of spec/metrics.md.

Every chart links here (`/analytics/definitions/#<metric>`), so an owner can check
what is counted before trusting it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Definition:
    title: str
    kind: str  # money | ratio | count | number
    text: str
    visit: str = ""  # which "visit" the number counts, where that matters


DEFINITIONS: dict[str, Definition] = {
    "visits": Definition(
        "Visits",
        "count",
        "Attended appointments (status arrived or completed) with a date of service in the "
        "period, in the clinic's local date.",
        "attended appointments",
    ),
    "billable_visits": Definition(
        "Billable visits",
        "count",
        "Visits with at least one charge line whose charge amount is above zero.",
        "finalized billable visits",
    ),
    "units_per_visit": Definition(
        "Units per visit",
        "number",
        "Σ units of all charge lines of billable visits in the period ÷ billable visits.",
        "finalized billable visits",
    ),
    "gross_charges": Definition(
        "Gross charges", "money", "Σ charge amount of the charge lines of visits in the period."
    ),
    "insurance_paid": Definition(
        "Insurance paid",
        "money",
        "Σ 835 service payments posted to the visits' charge lines (by REF*6R), reversals "
        "included; a claim payment without service lines counts its CLP04 against its claim's "
        "visit. Payments matching no claim are excluded.",
    ),
    "patient_paid": Definition(
        "Patient paid",
        "money",
        "Σ patient payments with the visit's id; refunds count negative; payments with no "
        "visit are not applied.",
    ),
    "net_collected_revenue": Definition(
        "Net collected revenue",
        "money",
        "Insurance paid + patient paid over visits in the period, to date.",
    ),
    "ncrpv": Definition(
        "Net collected revenue per visit",
        "money",
        "Net collected revenue of the billable visits in the period ÷ billable visits. It "
        "matures as remittances arrive: a month is marked immature while fewer than 90% of "
        "its billable visits with a claim have a remittance.",
        "finalized billable visits",
    ),
    "expected_allowed": Definition(
        "Expected allowed",
        "money",
        "Fee-schedule allowed amount × units for claim lines with a date of service in the "
        "period (× 0.85 with CQ); lines without a contract rate are counted, never valued 0.",
    ),
    "payer_yield": Definition(
        "Payer yield",
        "ratio",
        "(Σ net paid + Σ net patient responsibility) ÷ Σ expected allowed over adjudicated "
        "lines with a contract rate; denied lines stay in.",
    ),
    "underpaid_lines": Definition(
        "Underpaid lines",
        "count",
        "Adjudicated, not denied lines paid (with patient responsibility and contract "
        "reductions CARC 59/253) more than $0.01 below the expected allowed.",
    ),
    "schedule_utilization": Definition(
        "Schedule utilization",
        "ratio",
        "Minutes of attended appointments ÷ available minutes of schedule capacity in the period.",
        "attended appointments",
    ),
    "arrival_rate": Definition(
        "Arrival rate",
        "ratio",
        "Attended ÷ (attended + cancelled + late cancel + no-show); rescheduled and "
        "still-scheduled appointments are left out.",
        "scheduled appointments",
    ),
    "cancellation_rate": Definition(
        "Cancellation rate",
        "ratio",
        "(Cancelled + late cancel) ÷ the same denominator.",
        "scheduled appointments",
    ),
    "no_show_rate": Definition(
        "No-show rate", "ratio", "No-shows ÷ the same denominator.", "scheduled appointments"
    ),
    "discharged_episodes": Definition(
        "Discharged episodes", "count", "Episodes with a discharge date in the period."
    ),
    "poc_completion_rate": Definition(
        "Plan-of-care completion",
        "ratio",
        "Discharged episodes with reason goals met or plan completed ÷ discharged episodes.",
    ),
    "visit_adherence": Definition(
        "Visit adherence",
        "ratio",
        "All visits of the discharged episodes ÷ Σ planned visits of all their plans of care.",
    ),
    "drop_off_rate": Definition(
        "Drop-off rate",
        "ratio",
        "Discharged episodes with reason self-discharged or no-show discharge ÷ discharged "
        "episodes.",
    ),
    "visits_per_episode": Definition(
        "Visits per episode", "ratio", "Visits of the discharged episodes ÷ discharged episodes."
    ),
    "referrals_received": Definition(
        "Referrals received", "count", "Referrals with a received date in the period."
    ),
    "referral_conversion": Definition(
        "Referral conversion",
        "ratio",
        "Referrals received in the period whose episode has an attended evaluation, to date ÷ "
        "referrals received.",
    ),
    "visits_per_referral": Definition(
        "Visits per referral",
        "ratio",
        "Visits to date in the episodes of referrals received in the period ÷ referrals.",
    ),
    "claims_first_adjudicated": Definition(
        "Claims first adjudicated",
        "count",
        "Claims whose earliest remittance (by payment date, then file order) is in the period.",
    ),
    "denied_claims": Definition(
        "Denied claims",
        "count",
        "At first adjudication CLP02 = 4, or paid 0 with a CO/OA/PI adjustment other than CARC 45.",
    ),
    "denial_rate": Definition(
        "Denial rate", "ratio", "Denied claims ÷ claims first adjudicated in the period."
    ),
    "clean_claim_rate": Definition(
        "Clean claim rate",
        "ratio",
        "First adjudications that are neither a denied claim nor have a denied line ÷ claims "
        "first adjudicated.",
    ),
    "denials_by_root_cause": Definition(
        "Denials by root cause",
        "count",
        "Denied claims by the category of the CARC of the largest denying CO/OA/PI "
        "adjustment; unlisted CARCs are 'other'.",
    ),
    "copay_collected_at_tos": Definition(
        "Copay collected at time of service",
        "ratio",
        "Copays with the visit's id collected on the date of service ÷ the copay due from the "
        "eligibility in force on that date, over visits in the period.",
        "attended appointments",
    ),
    "plb_total": Definition(
        "Provider-level adjustments",
        "money",
        "Σ PLB amounts as written (positive reduces the payment) of remittances paid in the "
        "period; organization level only.",
    ),
    "days_in_ar": Definition(
        "Days in A/R",
        "number",
        "A/R total as of the period end ÷ (gross charges of the last 90 days ÷ 90).",
    ),
    "ar_aging": Definition(
        "A/R aging",
        "money",
        "Open claim and patient balances as of the period end by days from the date of "
        "service: 0–30, 31–60, 61–90, 91–120, 120+.",
    ),
    "at_risk_episodes": Definition(
        "At-risk episodes",
        "count",
        "Open episodes with no future scheduled appointment and no visit in the last 7 days, "
        "as of the period end.",
    ),
}
