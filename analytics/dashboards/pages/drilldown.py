"""The rows behind a number: visits, claims, A/R balances, episodes, referrals or
appointments, for the same filter query string as the dashboards (narrowed to the
clicked month, clinic, payer, clinician or source), paginated, with a CSV export.

A few table rows are narrower than the filters can say; extra query parameters carry
them (each for one kind of list only): ``episode`` (visits of one episode), ``carc``
and ``cause`` (denied claims with that denying CARC — ``none`` for CLP02 = 4 alone —
or root cause) and ``weekday`` + ``hour`` (attended appointments starting then).

Rows come from ``analytics.selectors``, which run the metrics module's own SQL per row,
so a list holds exactly what its number counted.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render

from analytics import selectors
from analytics.dashboards.definitions import DEFINITIONS
from analytics.dashboards.filters import DashboardFilterForm
from analytics.dashboards.pages.base import money
from analytics.dashboards.pages.schedule import WEEKDAYS
from analytics.dashboards.views import DASHBOARD_PAGES, DashboardView
from analytics.metrics import MetricFilterError
from analytics.metrics.queries.receivables import AGING_BUCKETS
from billing.choices import RootCause
from clinics.services import audit_record
from episodes.models import Episode

PAGE_SIZE = 50


def _patient(row: dict, prefix: str) -> str:
    last = row.get(f"{prefix}last_name") or ""
    first = row.get(f"{prefix}first_name") or ""
    return f"{last}, {first}".strip(", ")


def _yes(flag) -> str:
    return "yes" if flag else "no"


@dataclass(frozen=True)
class RowKind:
    title: str
    definition: str
    note: str
    columns: list[str]


@dataclass(frozen=True)
class Narrowing:
    """What a list is narrowed to beyond the filter form (one table row's key)."""

    episode_id: int | None = None  # visits: of this episode
    carc: str | None = None  # claims: denied, by this CARC ("" for CLP02 = 4 alone)
    cause: str | None = None  # claims: denied, with this root cause
    slot: tuple[int, int] | None = None  # appointments: attended, (ISO weekday, hour)
    timezone: str = "UTC"  # the organization's (for clinics without their own)


KINDS = {
    "visits": RowKind(
        "Visits",
        "net_collected_revenue",
        "Finalized visits (attended appointments) with a date of service in the period; "
        "money to date.",
        [
            "DOS",
            "Visit",
            "Episode",
            "Patient",
            "Clinic",
            "Clinician",
            "Claims",
            "Billable",
            "Gross charges",
            "Insurance paid",
            "Patient paid",
            "Net collected",
            "Copay at TOS",
            "Copay due",
        ],
    ),
    "claims": RowKind(
        "Claims first adjudicated",
        "denial_rate",
        "Claims whose first remittance is dated in the period.",
        [
            "Claim",
            "DOS",
            "Patient",
            "Clinic",
            "Payer",
            "Submitted",
            "Billed",
            "Remittances",
            "Paid to date",
            "Adjustments (group-CARC)",
            "Denied",
            "Clean",
            "Root cause",
        ],
    ),
    "ar": RowKind(
        "A/R balances",
        "ar_aging",
        "Open claim balances and patient balances as of the period end (zero balances left out).",
        ["Balance", "Claim / visit", "DOS", "Patient", "Clinic", "Payer", "Amount", "Bucket"],
    ),
    "episodes": RowKind(
        "Discharged episodes",
        "discharged_episodes",
        "Episodes discharged in the period; visits are all their visits to date.",
        [
            "Episode",
            "Patient",
            "Clinic",
            "Payer",
            "Started",
            "Discharged",
            "Reason",
            "Visits",
            "Planned visits",
        ],
    ),
    "at-risk": RowKind(
        "At-risk episodes",
        "at_risk_episodes",
        "Open episodes with no appointment booked after the period end and no visit in its "
        "last 7 days.",
        ["Episode", "Patient", "Clinic", "Payer", "Started", "Last visit"],
    ),
    "referrals": RowKind(
        "Referrals received",
        "referrals_received",
        "Referrals received in the period; conversion and visits to date.",
        ["Referral", "Received", "Source", "Clinic", "Patient", "Converted", "Visits to date"],
    ),
    "appointments": RowKind(
        "Appointments",
        "arrival_rate",
        "Appointments dated in the period (clinic local date).",
        ["Date", "Appointment", "Patient", "Clinic", "Clinician", "Type", "Status", "Minutes"],
    ),
}


def _visit_rows(filters, narrowing: Narrowing) -> list[list]:
    rows = selectors.visit_rows(filters, episode_id=narrowing.episode_id)
    details = selectors.visits_detail(rows)
    ordered = sorted(details.values(), key=lambda d: (d["date_of_service"], d["id"]))
    result = []
    for detail in ordered:
        row = rows[detail["id"]]
        claims = "; ".join(
            f"{claim['external_id']} ({claim['payer__name']})" for claim in detail["claims"]
        )
        result.append(
            [
                detail["date_of_service"],
                detail["external_id"],
                detail["episode__external_id"],
                _patient(detail, "episode__patient__"),
                detail["clinic__name"],
                detail["clinician__name"],
                claims,
                _yes(row["billable_visits"]),
                money(row["gross_charges"]),
                money(row["insurance_paid"]),
                money(row["patient_paid"]),
                money(row["insurance_paid"] + row["patient_paid"]),
                money(row["copay_collected_at_tos"]),
                money(row["copay_due"]),
            ]
        )
    return result


def _claim_rows(filters, narrowing: Narrowing) -> list[list]:
    if narrowing.carc is not None or narrowing.cause is not None:
        rows = selectors.denied_claim_rows(filters, carc=narrowing.carc, root_cause=narrowing.cause)
    else:
        rows = selectors.claim_rows(filters)
    details = selectors.claims_detail(rows)
    ordered = sorted(details.values(), key=lambda d: (d["visit__date_of_service"], d["id"]))
    result = []
    for detail in ordered:
        row = rows[detail["id"]]
        cause = row["root_cause"].replace("_", " ")
        if row["carc"]:
            cause += f" (CARC {row['carc']})"
        result.append(
            [
                detail["external_id"],
                detail["visit__date_of_service"],
                _patient(detail, "visit__episode__patient__"),
                detail["visit__clinic__name"],
                detail["payer__name"],
                detail["submitted_on"],
                money(detail["billed_amount"]),
                "; ".join(
                    f"{p['remittance__payment_date']} CLP02={p['status_code']} "
                    f"{money(p['paid_amount'])}"
                    for p in detail["remittances"]
                ),
                money(detail["paid"]),
                "; ".join(
                    f"{a['group_code']}-{a['reason_code']} {money(a['amount'])}"
                    for a in detail["carcs"]
                ),
                _yes(row["denied_claims"]),
                _yes(row["clean_claims"]),
                cause,
            ]
        )
    return result


def _ar_rows(filters, _narrowing: Narrowing) -> list[list]:
    rows = selectors.receivable_rows(filters)
    claim_ids = [int(key[1:]) for key in rows if key.startswith("c")]
    visit_ids = [int(key[1:]) for key in rows if key.startswith("v")]
    claims = selectors.claims_detail(claim_ids)
    visits = selectors.visits_detail(visit_ids)
    result = []
    for key, row in rows.items():
        if not row["ar_total"]:
            continue
        bucket = next((b for b in AGING_BUCKETS if row[b]), "")
        if key.startswith("c"):
            detail = claims.get(int(key[1:]))
            if detail is None:
                continue
            result.append(
                [
                    "claim",
                    detail["external_id"],
                    detail["visit__date_of_service"],
                    _patient(detail, "visit__episode__patient__"),
                    detail["visit__clinic__name"],
                    detail["payer__name"],
                    money(row["ar_total"]),
                    bucket,
                ]
            )
        else:
            detail = visits.get(int(key[1:]))
            if detail is None:
                continue
            result.append(
                [
                    "patient",
                    detail["external_id"],
                    detail["date_of_service"],
                    _patient(detail, "episode__patient__"),
                    detail["clinic__name"],
                    ", ".join(sorted({c["payer__name"] for c in detail["claims"]})),
                    money(row["ar_total"]),
                    bucket,
                ]
            )
    result.sort(key=lambda r: (r[2], r[0], r[1]))
    return result


def _episode_rows(filters, _narrowing: Narrowing) -> list[list]:
    rows = selectors.discharged_episode_rows(filters)
    details = selectors.episodes_detail(rows)
    ordered = sorted(details.values(), key=lambda d: (d["discharge_date"], d["id"]))
    return [
        [
            d["external_id"],
            _patient(d, "patient__"),
            d["clinic__name"],
            d["primary_payer__name"] or "",
            d["start_date"],
            d["discharge_date"],
            d["discharge_reason"].replace("_", " "),
            rows[d["id"]]["episode_visits"],
            rows[d["id"]]["planned_visits"],
        ]
        for d in ordered
    ]


def _at_risk_rows(filters, _narrowing: Narrowing) -> list[list]:
    rows = selectors.at_risk_episode_rows(filters)
    details = selectors.episodes_detail(rows, as_of=filters.as_of_date)
    ordered = sorted(details.values(), key=lambda d: (d["start_date"], d["id"]))
    return [
        [
            d["external_id"],
            _patient(d, "patient__"),
            d["clinic__name"],
            d["primary_payer__name"] or "",
            d["start_date"],
            d["last_visit"] or "none",
        ]
        for d in ordered
    ]


def _referral_rows(filters, _narrowing: Narrowing) -> list[list]:
    rows = selectors.referral_rows(filters)
    details = selectors.referrals_detail(rows)
    ordered = sorted(details.values(), key=lambda d: (d["received_on"], d["id"]))
    return [
        [
            d["external_id"],
            d["received_on"],
            d["source__name"] or "",
            d["clinic__name"],
            _patient(d, "patient__"),
            _yes(rows[d["id"]]["referrals_converted"]),
            rows[d["id"]]["referral_visits"],
        ]
        for d in ordered
    ]


def _appointment_rows(filters, narrowing: Narrowing) -> list[list]:
    if narrowing.slot is not None:
        rows = selectors.attended_in_slot(filters, narrowing.timezone, *narrowing.slot)
    else:
        rows = selectors.appointment_rows(filters)
    details = selectors.appointments_detail(rows)
    ordered = sorted(details.values(), key=lambda d: (d["starts_at"], d["id"]))
    return [
        [
            d["local_date"],
            d["external_id"],
            _patient(d, "patient__"),
            d["clinic__name"],
            d["clinician__name"],
            d["visit_type"],
            d["status"].replace("_", " "),
            d["duration_minutes"],
        ]
        for d in ordered
    ]


# Which "visit" each list counts (domain/rules.md: say it on every page).
ROW_VISITS = {
    "visits": "finalized visits — attended appointments with a date of service in the period.",
    "claims": "claims, each for one finalized visit, at their first adjudication.",
    "ar": "claims of finalized visits and patient balances of visits that have a claim.",
    "episodes": "episodes; their visits are all finalized visits of the episode to date.",
    "at-risk": "episodes; the last visit is the latest finalized visit up to the period end.",
    "referrals": "referrals; visits are finalized visits of their episodes to date.",
    "appointments": "scheduled appointments of every status, by their local date.",
}

BUILDERS = {
    "visits": _visit_rows,
    "claims": _claim_rows,
    "ar": _ar_rows,
    "episodes": _episode_rows,
    "at-risk": _at_risk_rows,
    "referrals": _referral_rows,
    "appointments": _appointment_rows,
}


class DrillDownView(DashboardView):
    template_name = "analytics/rows.html"

    def get(self, request, kind: str):
        if kind not in KINDS:
            raise Http404("No such list.")
        spec = KINDS[kind]
        form = DashboardFilterForm(
            request.GET, membership=self.membership, organization=self.organization
        )
        context: dict[str, Any] = {
            "form": form,
            "page_title": f"Rows: {spec.title}",
            "rows_title": spec.title,
            "rows_note": spec.note,
            "definition": spec.definition,
            "definitions": DEFINITIONS,
            "columns": spec.columns,
            "dashboard_pages": DASHBOARD_PAGES,
            "visit_note": ROW_VISITS[kind],
            "extra_query": "",
        }
        if not form.is_valid():
            return render(request, self.template_name, context)
        selection = form.selection()
        context["selection"] = selection
        rows: list[list] = []
        try:
            narrowing, extra, subtitle, definition = self.narrowing(request, kind)
            if extra:
                context["extra_query"] = "&" + urlencode(extra)
                context["rows_title"] = f"{spec.title} {subtitle}"
                context["definition"] = definition or spec.definition
            filters = selectors_filters(self.organization, selection)
            rows = BUILDERS[kind](filters, narrowing)
        except MetricFilterError as error:
            context["error"] = str(error)
        audit_record(
            action="analytics.rows_viewed",
            actor=request.user,
            detail={"kind": kind, "query": request.GET.urlencode()[:500], "rows": len(rows)},
        )
        if request.GET.get("export") == "csv":
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow(spec.columns)
            writer.writerows(rows)
            response = HttpResponse(buffer.getvalue(), content_type="text/csv")
            response["Content-Disposition"] = (
                f'attachment; filename="{self.organization.slug}-{kind}-{selection.start}.csv"'
            )
            return response
        context["page"] = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(request, self.template_name, context)

    def narrowing(
        self, request, kind: str
    ) -> tuple[Narrowing, list[tuple[str, str]], str, str | None]:
        """The extra parameters of the query string: the narrowing, the parameters to
        keep in the CSV and pager links, the words added to the list's title and the
        definition of the number the list is behind."""
        given = {
            name: (request.GET.get(name) or "").strip()
            for name in ("episode", "carc", "cause", "weekday", "hour")
        }
        allowed = {
            "episode": "visits",
            "carc": "claims",
            "cause": "claims",
            "weekday": "appointments",
            "hour": "appointments",
        }
        for name, value in given.items():
            if value and allowed[name] != kind:
                raise MetricFilterError(f"{name} narrows {allowed[name]} lists only")
        narrowing: dict[str, Any] = {"timezone": self.organization.timezone}
        extra: list[tuple[str, str]] = []
        words: list[str] = []
        definition = None
        if given["episode"]:
            # Tenant-scoped: another organization's episode is simply unknown here.
            episode_id = (
                Episode.objects.filter(external_id=given["episode"])
                .values_list("pk", flat=True)
                .first()
            )
            if episode_id is None:
                raise MetricFilterError(f"unknown episode id: {given['episode']}")
            narrowing["episode_id"] = episode_id
            extra.append(("episode", given["episode"]))
            words.append(f"of episode {given['episode']}")
        if given["carc"]:
            carc = given["carc"]
            if carc.lower() == "none":
                narrowing["carc"] = ""
                words.append("that were denied by CLP02 = 4 (no CARC)")
            elif CARC.fullmatch(carc):
                narrowing["carc"] = carc.upper()
                words.append(f"that were denied with CARC {carc.upper()}")
            else:
                raise MetricFilterError(f"not a CARC: {carc}")
            extra.append(("carc", carc))
            definition = "denials_by_carc"
        if given["cause"]:
            cause = given["cause"]
            if cause not in ROOT_CAUSES:
                raise MetricFilterError(f"unknown root cause: {cause}")
            narrowing["cause"] = cause
            extra.append(("cause", cause))
            words.append(f"that were denied for {ROOT_CAUSES[cause].lower()}")
            definition = definition or "denials_by_root_cause"
        if given["weekday"] or given["hour"]:
            try:
                weekday, hour = int(given["weekday"]), int(given["hour"])
            except ValueError:
                weekday = hour = -1
            if not (1 <= weekday <= 7 and 0 <= hour <= 23):
                raise MetricFilterError("weekday (1–7) and hour (0–23) go together")
            narrowing["slot"] = (weekday, hour)
            extra += [("weekday", str(weekday)), ("hour", str(hour))]
            words.append(
                f"attended and starting on {WEEKDAYS[weekday - 1]} {hour:02d}:00–{hour:02d}:59"
            )
            definition = "attended_heatmap"
        return Narrowing(**narrowing), extra, " and ".join(words), definition


# A claim adjustment reason code (X12 CARC): digits or a letter and digits.
CARC = re.compile(r"[A-Za-z]?[0-9]{1,3}")
ROOT_CAUSES = {value: str(label) for value, label in RootCause.choices}


def selectors_filters(organization, selection):
    from analytics.metrics import resolve_filters

    return resolve_filters(organization_id=organization.pk, **selection.as_kwargs())
