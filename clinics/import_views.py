"""The import pages: upload a bundle or an 835, watch it run, read its report."""

from __future__ import annotations

import csv

from django import forms
from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.views import View
from django.views.generic import FormView, TemplateView

from clinics.choices import ImportKind, ImportSource
from clinics.import_runs import (
    import_run_create,
    import_run_enqueue,
    import_run_progress,
    import_run_retry,
)
from clinics.models import ImportRun
from clinics.permissions import Capability
from ptrevops.tenancy.views import OrganizationViewMixin


class UploadForm(forms.Form):
    file = forms.FileField(help_text="An EMR export bundle (.zip) or an 835 remittance file.")
    kind = forms.ChoiceField(
        choices=[("", "Detect from the file")] + list(ImportKind.choices), required=False
    )
    partial = forms.BooleanField(
        required=False, label="Import the good rows even if some rows fail"
    )


class ImportListView(OrganizationViewMixin, FormView):
    template_name = "clinics/imports.html"
    form_class = UploadForm
    capability = Capability.IMPORT_DATA

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["runs"] = ImportRun.objects.select_related("created_by").order_by("-created_at")[
            :50
        ]
        return context

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        run = import_run_create(
            organization=self.organization,
            fileobj=upload,
            filename=upload.name,
            source=ImportSource.UPLOAD,
            kind=form.cleaned_data["kind"] or None,
            created_by=self.request.user,
            partial=form.cleaned_data["partial"],
        )
        import_run_enqueue(run)
        if run.duplicate_of_id:
            messages.info(self.request, "This exact file was already imported; nothing to do.")
        return redirect("import-detail", pk=run.pk)


class ImportDetailView(OrganizationViewMixin, TemplateView):
    template_name = "clinics/import_detail.html"
    capability = Capability.IMPORT_DATA

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        run = get_object_or_404(ImportRun, pk=self.kwargs["pk"])
        context["run"] = run
        context["errors"] = run.row_errors.order_by("pk")[:200]
        context["report_files"] = (run.report or {}).get("files", {})
        return context


class ImportProgressView(OrganizationViewMixin, View):
    capability = Capability.IMPORT_DATA

    def get(self, request, pk):
        run = get_object_or_404(ImportRun, pk=pk)
        return JsonResponse(
            {
                "status": run.status,
                "finished": run.finished_at is not None,
                "progress": import_run_progress(run.pk),
                "error_count": run.error_count,
            }
        )


class ImportErrorsCsvView(OrganizationViewMixin, View):
    capability = Capability.IMPORT_DATA

    def get(self, request, pk):
        run = get_object_or_404(ImportRun, pk=pk)
        response = HttpResponse(content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-errors.csv"'
        writer = csv.writer(response)
        writer.writerow(["file", "line", "column", "reason"])
        for error in run.row_errors.order_by("pk").iterator(chunk_size=2000):
            writer.writerow([error.file, error.line or "", error.column, error.reason])
        return response


class ImportRetryView(OrganizationViewMixin, View):
    capability = Capability.IMPORT_DATA

    def post(self, request, pk):
        run = get_object_or_404(ImportRun, pk=pk)
        try:
            import_run_retry(run=run)
        except ValueError as error:
            messages.error(request, str(error))
        else:
            import_run_enqueue(run)
        return redirect("import-detail", pk=run.pk)
