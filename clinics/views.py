"""Organization home, switcher, settings and members pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST
from django.views.generic import FormView, TemplateView

from clinics.forms import OrganizationSettingsForm, SwitchOrganizationForm
from clinics.models import Membership
from clinics.permissions import Capability
from clinics.selectors import clinics_visible_to
from clinics.services import organization_update_settings
from ptrevops.tenancy.middleware import SESSION_KEY
from ptrevops.tenancy.views import OrganizationViewMixin


class HomeView(OrganizationViewMixin, TemplateView):
    template_name = "clinics/home.html"
    capability = Capability.VIEW_HOME

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["clinics"] = clinics_visible_to(self.membership)
        return context


@login_required
@require_POST
def switch_organization(request):
    form = SwitchOrganizationForm(request.POST)
    if not form.is_valid():
        raise Http404
    chosen = form.cleaned_data["organization_id"]
    if chosen not in {m.organization_id for m in request.memberships}:
        raise Http404("No such organization.")
    request.session[SESSION_KEY] = chosen
    return redirect("home")


class OrganizationSettingsView(OrganizationViewMixin, FormView):
    template_name = "clinics/settings.html"
    form_class = OrganizationSettingsForm
    capability = Capability.MANAGE_ORGANIZATION

    def get_initial(self):
        return {"require_mfa": self.organization.require_mfa}

    def form_valid(self, form):
        organization_update_settings(
            organization=self.organization,
            acting_user=self.request.user,
            require_mfa=form.cleaned_data["require_mfa"],
        )
        messages.success(self.request, "Settings saved.")
        return redirect("organization-settings")


class MembersView(OrganizationViewMixin, TemplateView):
    template_name = "clinics/members.html"
    capability = Capability.MANAGE_MEMBERS

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["members"] = (
            Membership.objects.select_related("user")
            .prefetch_related("clinic_links__clinic")
            .order_by("role", "user__email")
        )
        return context
