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
        "Visits per episode", "number", "Visits of the discharged episodes ÷ discharged episodes."
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
        "number",
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
    # -- figures derived from the spec's metrics (the dashboards' own, said here) -------
    "net_collected_per_referral": Definition(
        "Net collected per referral",
        "money",
        "Derived from spec metrics: the net collected revenue (insurance paid + patient paid, "
        "to date) of all visits to date of the episodes of the referrals received in the "
        "period — the visits counted by visits per referral — ÷ referrals received. A "
        "referral that never became an episode adds a referral and no money.",
        "finalized visits (attended, with a date of service)",
    ),
    "sources_going_quiet": Definition(
        "Sources going quiet",
        "count",
        "Referral sources with referrals received in the prior period of the same length and, "
        "in the current period, none or at most half as many (referrals received, by the "
        "referral's source).",
    ),
    "payer_mix": Definition(
        "Payer mix",
        "money",
        "Visits and net collected revenue of the visits in the period by the payer of each "
        "visit's primary claim; visits with no claim have no payer (shown as 'no payer').",
        "finalized visits (attended, with a date of service)",
    ),
    "days_to_pay": Definition(
        "Days to pay",
        "number",
        "For claims first adjudicated in the period: days from the claim's submitted date to "
        "the payment date (BPR16) of its first remittance; median and 90th percentile "
        "(interpolated) by the claim's payer.",
    ),
    "underpaid_line_list": Definition(
        "Underpaid lines (list)",
        "money",
        "The underpaid lines of the underpaid-lines metric: expected allowed, net paid (Σ "
        "SVC03 to date), received (net paid + net patient responsibility) and the shortfall "
        "after contract-explained reductions (CARC 59, 253).",
    ),
    "denial_dollars_at_stake": Definition(
        "Denial dollars at stake",
        "money",
        "Σ amount of the denials in the work queue whose status is open now, on claims of "
        "visits with a date of service in the period, by root cause and payer.",
    ),
    "denials_by_carc": Definition(
        "Denied claims by CARC",
        "count",
        "Denied claims (at first adjudication, in the period) by the CARC of the denying "
        "CO/OA/PI adjustment (the largest if several); none when denied by CLP02 = 4 alone.",
    ),
    "ar_over_90": Definition(
        "A/R over 90 days",
        "ratio",
        "A/R in the 91–120 and 120+ buckets ÷ A/R total, as of the period end.",
    ),
    "attended_heatmap": Definition(
        "Attended appointments by weekday and hour",
        "count",
        "Attended appointments (arrived or completed) dated in the period by the weekday and "
        "hour of their start in the clinic's local time. Counts, not utilization: capacity is "
        "known per day only, so a utilization by hour cannot be computed.",
        "attended appointments",
    ),
    "under_scheduled_episodes": Definition(
        "Under-scheduled patients",
        "count",
        "Open episodes (started, not discharged, as of the period end) whose booked "
        "appointments (status scheduled) over the next 4 weeks from the period end are fewer "
        "than the current plan of care's visits per week × 4 (prorated when the plan ends "
        "sooner), or that are booked before the start, past the end date or past the visit "
        "count of the authorization for the episode's primary payer. Authorized visits are "
        "consumed by visits in the window billed to that payer.",
        "scheduled appointments",
    ),
    "copays_by_staff": Definition(
        "Copays collected at time of service by staff member",
        "money",
        "The numerator of copay collected at time of service (copays with the visit's id "
        "collected on the date of service, over visits in the period) by who collected them.",
        "attended appointments",
    ),
}

# The drill-down rows behind each dashboard number (a kind of
# ``analytics.dashboards.pages.drilldown.KINDS``): a KPI tile of the metric links to
# that list for the page's selection (with ``METRIC_ROW_PARAMETERS``, narrowed to the
# subset the number counts). A metric missing here has no list that makes it up
# (sources going quiet, under-scheduled patients): its tile links to its definition
# only.
METRIC_ROWS: dict[str, str] = {
    # visits (their money, billable flag, copays)
    "visits": "visits",
    "billable_visits": "visits",
    "units_per_visit": "visits",
    "gross_charges": "visits",
    "insurance_paid": "visits",
    "patient_paid": "visits",
    "net_collected_revenue": "visits",
    "ncrpv": "visits",
    "copay_collected_at_tos": "visits",
    "copays_by_staff": "visits",
    # claims at their first adjudication
    "claims_first_adjudicated": "claims",
    "denied_claims": "claims",
    "denial_rate": "claims",
    "clean_claim_rate": "claims",
    "denials_by_root_cause": "claims",
    "denials_by_carc": "claims",
    # claim and patient balances as of the period end
    "ar_aging": "ar",
    "days_in_ar": "ar",
    "ar_over_90": "ar",
    # referrals received
    "referrals_received": "referrals",
    "referral_conversion": "referrals",
    "visits_per_referral": "referrals",
    "net_collected_per_referral": "referrals",
    # discharged episodes
    "discharged_episodes": "episodes",
    "poc_completion_rate": "episodes",
    "visit_adherence": "episodes",
    "drop_off_rate": "episodes",
    "visits_per_episode": "episodes",
    "at_risk_episodes": "at-risk",
    # appointments
    "schedule_utilization": "appointments",
    "arrival_rate": "appointments",
    "cancellation_rate": "appointments",
    "no_show_rate": "appointments",
    "attended_heatmap": "appointments",
    # charge lines on claims, against the contract
    "expected_allowed": "lines",
    "payer_yield": "lines",
    "underpaid_lines": "lines",
    # claims with open denials (the denial work queue)
    "denial_dollars_at_stake": "claims",
}

# The drill-down page's extra parameters for a metric whose rows are a subset of its
# list (``analytics.dashboards.pages.drilldown``).
METRIC_ROW_PARAMETERS: dict[str, dict[str, str]] = {
    "underpaid_lines": {"underpaid": "1"},
    "denial_dollars_at_stake": {"open_denials": "1"},
}
