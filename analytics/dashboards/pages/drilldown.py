"""The rows behind a number: visits, claims, A/R balances, episodes, referrals,
appointments, charge lines or patient payments, for the same filter query string as
the dashboards (narrowed to the clicked month, clinic, payer, clinician or source),
paginated, with a CSV export.

A few table rows are narrower than the filters can say; extra query parameters carry
them (each for one kind of list only): ``episode`` (visits of one episode), ``carc``
and ``cause`` (denied claims with that denying CARC — ``none`` for CLP02 = 4 alone —
or root cause), ``open_denials=1`` (claims with open denials instead, by ``cause``
the denials' root cause), ``weekday`` + ``hour`` (attended appointments starting
then), ``underpaid=1`` (underpaid charge lines) and ``staff`` (copays collected at
the time of service by one staff member; ``(not recorded)`` for none). A wrong value
is a 400 with its reason.

Rows come from ``analytics.selectors``, which run the metrics module's own SQL per row,
so a list holds exactly what its number counted.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render

from analytics import selectors
from analytics.dashboards.definitions import DEFINITIONS
from analytics.dashboards.filters import DashboardFilterForm
from analytics.dashboards.pages.base import money, pct
from analytics.dashboards.pages.copays import NO_STAFF
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


def _plural(number: int, word: str) -> str:
    return f"{number:,} {word}{'' if number == 1 else 's'}"


class Listed(list):
    """A list's rows, with a sentence of its totals (how they add up to the number)."""

    summary = ""


class LazyRows(Sequence):
    """A list's rows written only when read: ``keys`` in list order, ``render`` writing
    the rows of some of them. A page of 50 of a month's 50,000 claims fetches the
    details of 50; the CSV export reads them all, a chunk at a time."""

    summary = ""
    CHUNK = 2_000

    def __init__(self, keys: list, render: Callable[[list], list[list]]) -> None:
        self.keys = keys
        self.render = render

    def __len__(self) -> int:
        return len(self.keys)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self.render(self.keys[index])
        return self.render([self.keys[index]])[0]

    def __iter__(self):
        for start in range(0, len(self.keys), self.CHUNK):
            yield from self.render(self.keys[start : start + self.CHUNK])


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
    open_denials: bool = False  # claims: with open denials (``cause``: the denials')
    underpaid: bool = False  # lines: underpaid only
    staff: str | None = None  # payments: copays at TOS by this staff member ("": none)


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
        "Referrals received in the period; conversion, visits and net collected to date.",
        [
            "Referral",
            "Received",
            "Source",
            "Clinic",
            "Patient",
            "Converted",
            "Visits to date",
            "Net collected to date",
        ],
    ),
    "appointments": RowKind(
        "Appointments",
        "arrival_rate",
        "Appointments dated in the period (clinic local date).",
        ["Date", "Appointment", "Patient", "Clinic", "Clinician", "Type", "Status", "Minutes"],
    ),
    "lines": RowKind(
        "Charge lines",
        "expected_allowed",
        "Charge lines on a claim whose visit's DOS is in the period, against the claim "
        "payer's contract; paid, PR and contract-explained reductions (CARC 59, 253) are net "
        "of all remittances to date.",
        [
            "Claim",
            "DOS",
            "Patient",
            "Clinic",
            "Payer",
            "CPT",
            "Units",
            "Expected allowed",
            "Paid (SVC03 net)",
            "PR",
            "Contract-explained",
            "Adjudicated",
            "Denied",
            "Underpaid",
            "Short",
        ],
    ),
    "payments": RowKind(
        "Patient payments",
        "patient_paid",
        "Patient payments with the id of a visit whose DOS is in the period (refunds "
        "negative); at time of service: a copay collected on the DOS.",
        [
            "Collected",
            "Kind",
            "Amount",
            "Visit",
            "DOS",
            "Patient",
            "Clinic",
            "Staff member",
            "At time of service",
        ],
    ),
}

# ``claims`` with ``open_denials=1``: the claims behind the denial dollars at stake.
OPEN_DENIALS = RowKind(
    "Claims with open denials",
    "denial_dollars_at_stake",
    "Claims of visits with a DOS in the period that have denials whose status is open now; "
    "at stake: Σ their open denials' amounts.",
    [
        "Claim",
        "DOS",
        "Patient",
        "Clinic",
        "Payer",
        "Submitted",
        "Billed",
        "Paid to date",
        "Open denials (group-CARC)",
        "Root cause",
        "At stake",
    ],
)


def _visit_rows(filters, narrowing: Narrowing) -> LazyRows:
    rows = selectors.visit_rows(filters, episode_id=narrowing.episode_id)

    def render(visit_ids: list) -> list[list]:
        details = selectors.visits_detail(visit_ids)
        result = []
        for visit_id in visit_ids:
            detail, row = details[visit_id], rows[visit_id]
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

    return LazyRows(selectors.visits_by_dos(rows), render)


def _claim_rows(filters, narrowing: Narrowing) -> Sequence:
    if narrowing.open_denials:
        return _open_denial_rows(filters, narrowing)
    if narrowing.carc is not None or narrowing.cause is not None:
        rows = selectors.denied_claim_rows(filters, carc=narrowing.carc, root_cause=narrowing.cause)
    else:
        rows = selectors.claim_rows(filters)

    def render(claim_ids: list) -> list[list]:
        details = selectors.claims_detail(claim_ids)
        result = []
        for claim_id in claim_ids:
            detail, row = details[claim_id], rows[claim_id]
            cause = row["root_cause"].replace("_", " ")
            if row["carc"]:
                cause += f" (CARC {row['carc']})"
            result.append(
                [
                    *_claim_cells(detail),
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

    return LazyRows(selectors.claims_by_dos(rows), render)


def _claim_cells(detail: dict) -> list:
    """The first cells of a claims list row: claim, DOS, patient, clinic, payer,
    submitted, billed (``selectors.claims_detail``)."""
    return [
        detail["external_id"],
        detail["visit__date_of_service"],
        _patient(detail, "visit__episode__patient__"),
        detail["visit__clinic__name"],
        detail["payer__name"],
        detail["submitted_on"],
        money(detail["billed_amount"]),
    ]


def _open_denial_rows(filters, narrowing: Narrowing) -> Listed:
    rows = selectors.open_denial_rows(filters, root_cause=narrowing.cause)
    details = selectors.claims_detail(rows)
    ordered = sorted(details.values(), key=lambda d: (d["visit__date_of_service"], d["id"]))
    result = Listed()
    for detail in ordered:
        row = rows[detail["id"]]
        causes = sorted({d["root_cause"] for d in row["denials"]})
        result.append(
            [
                *_claim_cells(detail),
                money(detail["paid"]),
                "; ".join(
                    f"{d['group_code']}-{d['reason_code']} {money(d['amount'])}"
                    for d in row["denials"]
                ),
                ", ".join(ROOT_CAUSES.get(cause, cause).lower() for cause in causes),
                money(row["amount"]),
            ]
        )
    total = sum((row["amount"] for row in rows.values()), Decimal("0"))
    denials = sum(len(row["denials"]) for row in rows.values())
    result.summary = (
        f"At stake: {money(total)} in {_plural(denials, 'open denial')} on "
        f"{_plural(len(rows), 'claim')}."
    )
    return result


def _line_rows(filters, narrowing: Narrowing) -> Listed:
    if narrowing.underpaid:
        rows = selectors.underpaid_line_rows(filters)
    else:
        rows = selectors.line_rows(filters)
    details = selectors.lines_detail(rows)
    ordered = sorted(
        details.values(),
        key=lambda d: (d["visit__date_of_service"], d["claim__external_id"], d["id"]),
    )
    result = Listed()
    for detail in ordered:
        row = rows[detail["id"]]
        underpaid = bool(row["underpaid_lines"])
        result.append(
            [
                detail["claim__external_id"],
                detail["visit__date_of_service"],
                _patient(detail, "visit__episode__patient__"),
                detail["visit__clinic__name"],
                detail["claim__payer__name"],
                " ".join([detail["cpt_code"], *detail["modifiers"]]),
                detail["units"],
                money(row["expected_allowed"])
                if row["lines_with_contract_rate"]
                else "no contract rate",
                money(row["net_paid"]),
                money(row["net_pr"]),
                money(row["explained"]),
                _yes(row["adjudicated"]),
                _yes(row["denied"]),
                _yes(underpaid),
                money(row["underpaid_amount"]) if underpaid else "",
            ]
        )
    total = {
        name: sum((row[name] for row in rows.values()), 0)
        for name in (
            "expected_allowed",
            "lines_with_contract_rate",
            "lines_no_contract_rate",
            "yield_received",
            "yield_expected",
            "lines_adjudicated",
            "underpaid_lines",
            "underpaid_amount",
        )
    }
    parts = [
        f"Expected allowed {money(total['expected_allowed'])} over "
        f"{_plural(total['lines_with_contract_rate'], 'line')} with a contract rate"
        + (
            f" ({total['lines_no_contract_rate']:,} without)."
            if total["lines_no_contract_rate"]
            else "."
        )
    ]
    if not narrowing.underpaid and total["yield_expected"]:
        parts.append(
            f"Payer yield {pct(total['yield_received'] / total['yield_expected'])}: "
            f"{money(total['yield_received'])} paid + PR ÷ {money(total['yield_expected'])} "
            f"expected over the {_plural(total['lines_adjudicated'], 'adjudicated line')} "
            "with a contract rate."
        )
    parts.append(
        f"Underpaid: {_plural(total['underpaid_lines'], 'line')}, "
        f"{money(total['underpaid_amount'])} short."
    )
    result.summary = " ".join(parts)
    return result


def _payment_rows(filters, narrowing: Narrowing) -> Listed:
    rows = selectors.payment_rows(filters, staff=narrowing.staff)
    details = selectors.payments_detail(rows)
    ordered = sorted(details.values(), key=lambda d: (d["collected_on"], d["id"]))
    result = Listed()
    for detail in ordered:
        row = rows[detail["id"]]
        result.append(
            [
                detail["collected_on"],
                detail["kind"].replace("_", " "),
                money(row["amount"]),
                detail["visit__external_id"],
                detail["visit__date_of_service"],
                _patient(detail, "patient__"),
                detail["visit__clinic__name"],
                row["staff"] or NO_STAFF,
                _yes(row["at_tos"]),
            ]
        )
    total = sum((row["amount"] for row in rows.values()), Decimal("0"))
    at_tos = [row["amount"] for row in rows.values() if row["at_tos"]]
    result.summary = f"{_plural(len(rows), 'payment')}, {money(total)}"
    if narrowing.staff is None:
        result.summary += (
            f"; copays collected at the time of service: {len(at_tos):,}, "
            f"{money(sum(at_tos, Decimal('0')))}"
        )
    result.summary += "."
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


def _referral_rows(filters, _narrowing: Narrowing) -> Listed:
    rows = selectors.referral_rows(filters)
    collected = selectors.referral_money_kept(filters)
    details = selectors.referrals_detail(rows)
    ordered = sorted(details.values(), key=lambda d: (d["received_on"], d["id"]))
    result = Listed(
        [
            d["external_id"],
            d["received_on"],
            d["source__name"] or "",
            d["clinic__name"],
            _patient(d, "patient__"),
            _yes(rows[d["id"]]["referrals_converted"]),
            rows[d["id"]]["referral_visits"],
            money(collected.get(d["id"], Decimal("0"))),
        ]
        for d in ordered
    )
    total = sum(collected.values(), Decimal("0"))
    if rows:
        result.summary = (
            f"Net collected to date: {money(total)} over {_plural(len(rows), 'referral')}"
            f" = {money(total / len(rows))} per referral."
        )
    return result


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
    "lines": "charge lines on the claims of finalized visits with a date of service in the period.",
    "payments": "patient payments applied to finalized visits (attended, with a date of "
    "service in the period).",
}
OPEN_DENIALS_VISITS = "claims, each for one finalized visit with a date of service in the period."

BUILDERS = {
    "visits": _visit_rows,
    "claims": _claim_rows,
    "ar": _ar_rows,
    "episodes": _episode_rows,
    "at-risk": _at_risk_rows,
    "referrals": _referral_rows,
    "appointments": _appointment_rows,
    "lines": _line_rows,
    "payments": _payment_rows,
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
            if narrowing.open_denials:
                spec = OPEN_DENIALS
                context.update(
                    page_title=f"Rows: {spec.title}",
                    rows_title=spec.title,
                    rows_note=spec.note,
                    definition=spec.definition,
                    columns=spec.columns,
                    visit_note=OPEN_DENIALS_VISITS,
                )
            if extra:
                context["extra_query"] = "&" + urlencode(extra)
                if subtitle:
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
        if "error" in context:
            # A parameter with a wrong value: say why, with nothing listed (nor exported).
            return render(request, self.template_name, context, status=400)
        if request.GET.get("export") == "csv":
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow(context["columns"])
            writer.writerows(rows)
            response = HttpResponse(buffer.getvalue(), content_type="text/csv")
            response["Content-Disposition"] = (
                f'attachment; filename="{self.organization.slug}-{kind}-{selection.start}.csv"'
            )
            return response
        context["rows_summary"] = getattr(rows, "summary", "")
        context["page"] = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(request, self.template_name, context)

    def narrowing(
        self, request, kind: str
    ) -> tuple[Narrowing, list[tuple[str, str]], str, str | None]:
        """The extra parameters of the query string: the narrowing, the parameters to
        keep in the CSV and pager links, the words added to the list's title and the
        definition of the number the list is behind. A wrong value raises
        ``MetricFilterError`` (the page answers 400 with its message)."""
        allowed = {
            "episode": "visits",
            "carc": "claims",
            "cause": "claims",
            "open_denials": "claims",
            "weekday": "appointments",
            "hour": "appointments",
            "underpaid": "lines",
            "staff": "payments",
        }
        given = {name: (request.GET.get(name) or "").strip() for name in allowed}
        for name, value in given.items():
            if value and allowed[name] != kind:
                raise MetricFilterError(f"{name} narrows {allowed[name]} lists only")
        narrowing: dict[str, Any] = {"timezone": self.organization.timezone}
        extra: list[tuple[str, str]] = []
        words: list[str] = []
        definition = None
        if given["open_denials"]:
            if given["open_denials"] != "1":
                raise MetricFilterError(
                    f"open_denials takes 1 (claims with open denials): {given['open_denials']}"
                )
            if given["carc"]:
                raise MetricFilterError("carc does not narrow open denials (cause does)")
            narrowing["open_denials"] = True
            extra.append(("open_denials", "1"))
            definition = "denial_dollars_at_stake"
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
            if given["open_denials"]:
                words.append(f"for {ROOT_CAUSES[cause].lower()}")
            else:
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
        if given["underpaid"]:
            if given["underpaid"] != "1":
                raise MetricFilterError(
                    f"underpaid takes 1 (the underpaid lines only): {given['underpaid']}"
                )
            narrowing["underpaid"] = True
            extra.append(("underpaid", "1"))
            words.append("that were underpaid")
            definition = "underpaid_lines"
        if given["staff"]:
            staff = given["staff"]
            if staff == NO_STAFF:
                narrowing["staff"] = ""
                words.append(
                    "that were copays collected at the time of service with no staff member "
                    "recorded"
                )
            elif len(staff) > STAFF_LENGTH or not staff.isprintable():
                raise MetricFilterError(f"not a staff member's name: {staff[:STAFF_LENGTH]!r}")
            elif not selectors.staff_known(staff):
                # Tenant-scoped: another organization's staff are simply unknown here.
                raise MetricFilterError(f"unknown staff member: {staff}")
            else:
                narrowing["staff"] = staff
                words.append(f"that were copays collected at the time of service by {staff}")
            extra.append(("staff", staff))
            definition = "copays_by_staff"
        return Narrowing(**narrowing), extra, " and ".join(words), definition


# A claim adjustment reason code (X12 CARC): digits or a letter and digits.
CARC = re.compile(r"[A-Za-z]?[0-9]{1,3}")
ROOT_CAUSES = {value: str(label) for value, label in RootCause.choices}
# PatientPayment.collected_by's length.
STAFF_LENGTH = 100


def selectors_filters(organization, selection):
    from analytics.metrics import resolve_filters

    return resolve_filters(organization_id=organization.pk, **selection.as_kwargs())
