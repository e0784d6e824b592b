"""The biller's denial pages: the work queue, a denial's detail, and its work actions.

Thin views: the queries are in ``billing.denials.selectors`` (and its filter set), the
writes in ``billing.denials.services``. The tenant scope comes from the middleware;
``OrganizationViewMixin`` checks the ``work_denials`` capability.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.views import View
from django.views.generic import TemplateView

from billing.denials import selectors, services
from billing.denials.filters import SORTS, DenialQueueFilter
from billing.denials.forms import AssignForm, DeadlineForm, NoteForm, TransitionForm
from billing.rules.codes import CARC_CATEGORIES
from clinics.permissions import Capability
from clinics.services import audit_record
from ptrevops.tenancy.views import OrganizationViewMixin

PAGE_SIZE = 50


class DenialQueueView(OrganizationViewMixin, TemplateView):
    template_name = "billing/denial_queue.html"
    capability = Capability.WORK_DENIALS

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = selectors.organization_today(self.organization)
        filterset = DenialQueueFilter(
            self.request.GET,
            queryset=selectors.denials_visible_to(self.membership),
            request=self.request,
            membership=self.membership,
            today=today,
        )
        page = Paginator(selectors.denial_queue_rows(filterset.qs), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        page.object_list = selectors.with_age(page.object_list, today)
        totals = selectors.root_cause_totals(filterset.without_root_cause())
        # Patient names on the page: access to patient records is audit-logged.
        audit_record(
            action="denials.queue_viewed",
            actor=self.request.user,
            detail={"query": self.request.GET.urlencode()[:500], "rows": len(page.object_list)},
        )
        context.update(
            filter=filterset,
            page=page,
            totals=totals,
            total_count=sum(total.count for total in totals),
            total_amount=sum(total.amount for total in totals),
            chosen_root_cause=filterset.form.cleaned_data.get("root_cause") or "",
            sort=filterset.sort_key,
            sorts=SORTS,
            today=today,
        )
        return context


class DenialDetailView(OrganizationViewMixin, TemplateView):
    template_name = "billing/denial_detail.html"
    capability = Capability.WORK_DENIALS

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        denial = selectors.denial_for_member(self.membership, self.kwargs["pk"])
        today = selectors.organization_today(self.organization)
        [denial] = selectors.with_age([denial], today)
        claim = denial.claim
        audit_record(action="denials.denial_viewed", actor=self.request.user, obj=denial)
        context.update(
            denial=denial,
            claim=claim,
            patient=claim.visit.episode.patient,
            charge_lines=selectors.claim_charge_lines(claim),
            payments=selectors.claim_remittances(claim),
            sibling_denials=[d for d in selectors.claim_denials(claim) if d.pk != denial.pk],
            carc=CARC_CATEGORIES.get(denial.reason_code.lstrip("0") or denial.reason_code),
            carc_meanings={code: c.meaning for code, c in CARC_CATEGORIES.items()},
            transitions=services.allowed_transitions(denial.status),
            assign_form=AssignForm(initial={"assignee": denial.assignee_id}),
            note_form=NoteForm(),
            deadline_form=DeadlineForm(initial={"appeal_deadline": denial.appeal_deadline}),
            note_lines=[line for line in denial.notes.splitlines() if line.strip()],
        )
        return context


class DenialActionView(OrganizationViewMixin, View):
    """POST only: one work action on one denial, then back to its page (PRG)."""

    capability = Capability.WORK_DENIALS
    http_method_names = ["post"]
    form_class = None

    def post(self, request, pk):
        denial = selectors.denial_for_member(self.membership, pk)
        form = self.form_class(request.POST)
        if not form.is_valid():
            errors = "; ".join(
                f"{form.fields[name].label or name}: {' '.join(messages_)}"
                if name != "__all__"
                else " ".join(messages_)
                for name, messages_ in form.errors.items()
            )
            messages.error(request, f"Not saved. {errors}")
            return redirect("denial-detail", pk=denial.pk)
        try:
            message = self.act(denial, form.cleaned_data)
        except services.DenialWorkError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, message)
        return redirect("denial-detail", pk=denial.pk)

    def act(self, denial, data) -> str:
        raise NotImplementedError


class DenialAssignView(DenialActionView):
    form_class = AssignForm

    def act(self, denial, data) -> str:
        denial = services.denial_assign(
            denial=denial, assignee_id=data["assignee"], acting_user=self.request.user
        )
        return f"Assigned to {denial.assignee.email}." if denial.assignee else "Unassigned."


class DenialNoteView(DenialActionView):
    form_class = NoteForm

    def act(self, denial, data) -> str:
        services.denial_add_note(denial=denial, text=data["text"], acting_user=self.request.user)
        return "Note added."


class DenialDeadlineView(DenialActionView):
    form_class = DeadlineForm

    def act(self, denial, data) -> str:
        denial = services.denial_set_appeal_deadline(
            denial=denial, deadline=data["appeal_deadline"], acting_user=self.request.user
        )
        deadline = denial.appeal_deadline
        return (
            f"Appeal deadline: {deadline:%b %-d, %Y}." if deadline else "Appeal deadline cleared."
        )


class DenialTransitionView(DenialActionView):
    form_class = TransitionForm

    def act(self, denial, data) -> str:
        denial = services.denial_transition(
            denial=denial, to_status=data["to"], acting_user=self.request.user, note=data["note"]
        )
        return f"Status: {denial.get_status_display()}."
