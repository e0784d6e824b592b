"""Column mappings for vendor exports: define, preview, save and import with them.

An owner, manager or biller uploads a sample of an EMR's CSV report, chooses for each
column of a canonical file a source column or a constant (with a transform), previews
the first rows mapped — nothing is written then — and imports files with the saved
mapping. WebPT's Standard Extract is a built-in profile on the imports page.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect
from django.views import View
from django.views.generic import FormView, TemplateView

from clinics.choices import ImportKind, ImportSource
from clinics.import_runs import import_run_create, import_run_enqueue
from clinics.models import ColumnMappingProfile
from clinics.permissions import Capability
from episodes.imports.reader import CsvFile, FileError
from episodes.imports.schema import FILES, FILES_BY_NAME
from episodes.vendor import webpt
from episodes.vendor.mapping import Rule, mapping_problems, preview, rules_to_json
from episodes.vendor.transforms import TRANSFORMS, MappingError, parse_value_map
from ptrevops.tenancy.views import OrganizationViewMixin

CONSTANT = "__constant__"
PREVIEW_ROWS = 20
TARGET_CHOICES = [(spec.name, spec.filename) for spec in FILES]


def _sample_header(upload) -> list[str]:
    upload.seek(0)
    try:
        header = [cell.strip() for cell in CsvFile(upload).header]
    except FileError as exc:
        raise forms.ValidationError(f"line {exc.line}: {exc.reason}") from exc
    finally:
        upload.seek(0)
    if not any(header):
        raise forms.ValidationError("the sample has no header row")
    return header


class MappingCreateForm(forms.Form):
    name = forms.CharField(max_length=100)
    vendor = forms.CharField(
        max_length=100, required=False, help_text="e.g. Prompt, Net Health, WebPT"
    )
    source_table = forms.CharField(
        max_length=100,
        required=False,
        help_text="Only for WebPT: the Standard Extract table this mapping applies to"
        " (e.g. Authorizations, Patients).",
    )
    target = forms.ChoiceField(choices=TARGET_CHOICES, label="Canonical file")
    sample = forms.FileField(label="Sample CSV", help_text="Only its header row is kept.")

    def clean_sample(self):
        self.header = _sample_header(self.cleaned_data["sample"])
        return self.cleaned_data["sample"]


def _suggest(target: str, header: list[str]) -> dict:
    """Columns named like canonical ones map themselves."""
    folded = {name.lower(): name for name in header}
    return {
        column.name: {"source": folded[column.name]}
        for column in FILES_BY_NAME[target].columns
        if column.name in folded
    }


def _option_text(rule: Rule) -> str:
    options = rule.options
    if rule.transform == "enum":
        values = options.get("values", {})
        return "; ".join(f"{k}={v}" for k, v in values.items())
    if rule.transform == "datetime":
        text = options.get("format", "")
        return f"{text} @ {options['timezone']}" if options.get("timezone") else text
    if rule.transform == "date":
        return options.get("format", "")
    if rule.transform == "split":
        return options.get("separator", "")
    if rule.transform == "join":
        return " | ".join(rule.sources[1:])
    if rule.transform == "minutes_between":
        end = rule.sources[1] if len(rule.sources) > 1 else ""
        return f"{end} @ {options['format']}" if options.get("format") else end
    return ""


def _rule_from_post(column: str, data) -> Rule | None:
    source = data.get(f"{column}__source", "")
    transform = data.get(f"{column}__transform", "text") or "text"
    option = data.get(f"{column}__option", "").strip()
    if not source:
        return None
    if transform not in TRANSFORMS:
        raise MappingError(f"{column}: unknown transform {transform!r}")
    options: dict = {}
    sources: tuple[str, ...] = () if source == CONSTANT else (source,)
    if transform == "enum":
        options["values"] = parse_value_map(option)
    elif transform == "date" and option:
        options["format"] = option
    elif transform == "datetime" and option:
        fmt, _, zone = option.partition("@")
        if fmt.strip():
            options["format"] = fmt.strip()
        if zone.strip():
            options["timezone"] = zone.strip()
    elif transform == "split" and option:
        options["separator"] = option
    elif transform == "join":
        sources += tuple(part.strip() for part in option.split("|") if part.strip())
    elif transform == "minutes_between":
        end, _, fmt = option.partition("@")
        sources += (end.strip(),) if end.strip() else ()
        if fmt.strip():
            options["format"] = fmt.strip()
    constant = data.get(f"{column}__constant", "") if source == CONSTANT else None
    return Rule(column, sources, constant, transform, options)


def _rules_from_post(target: str, data) -> list[Rule]:
    rules = []
    for column in FILES_BY_NAME[target].columns:
        rule = _rule_from_post(column.name, data)
        if rule is not None:
            rules.append(rule)
    return rules


class _MappingMixin(OrganizationViewMixin):
    capability = Capability.IMPORT_DATA

    def get_mapping(self) -> ColumnMappingProfile:
        # Tenant-scoped manager: another organization's mapping is a 404.
        return get_object_or_404(ColumnMappingProfile, pk=self.kwargs["pk"])


class MappingListView(_MappingMixin, TemplateView):
    template_name = "clinics/mappings.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["mappings"] = ColumnMappingProfile.objects.select_related("created_by")
        context["webpt_tables"] = webpt.TABLES
        return context


class MappingCreateView(_MappingMixin, FormView):
    template_name = "clinics/mapping_create.html"
    form_class = MappingCreateForm

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            with transaction.atomic():
                mapping = ColumnMappingProfile.objects.create(
                    organization=self.organization,
                    name=data["name"],
                    vendor=data["vendor"],
                    source_table=data["source_table"],
                    target=data["target"],
                    source_columns=form.header,
                    mapping=_suggest(data["target"], form.header),
                    created_by=self.request.user,
                )
        except IntegrityError:
            form.add_error("name", "A mapping with this name already exists.")
            return self.form_invalid(form)
        messages.success(self.request, "Saved. Now choose a source for each column.")
        return redirect("mapping-edit", pk=mapping.pk)


class MappingEditView(_MappingMixin, TemplateView):
    """The mapping grid; POST saves it (and a new sample's header, if one is sent)."""

    template_name = "clinics/mapping_edit.html"

    def rows(self, mapping, rules: list[Rule]):
        by_column = {rule.column: rule for rule in rules}
        rows = []
        for column in FILES_BY_NAME[mapping.target].columns:
            rule = by_column.get(column.name)
            source = ""
            if rule is not None:
                source = CONSTANT if rule.constant is not None else (rule.sources or ("",))[0]
            rows.append(
                {
                    "column": column,
                    "rule": rule,
                    "source": source,
                    "constant": rule.constant if rule and rule.constant is not None else "",
                    "transform": rule.transform if rule else "text",
                    "option": _option_text(rule) if rule else "",
                    "unknown_source": bool(
                        source and source != CONSTANT and source not in mapping.source_columns
                    ),
                }
            )
        return rows

    def render_page(self, mapping, rules, *, preview_result=None, problems=None, status=200):
        context = self.get_context_data(
            mapping=mapping,
            rows=self.rows(mapping, rules),
            constant=CONSTANT,
            transforms=TRANSFORMS.values(),
            problems=mapping_problems(mapping.target, rules) if problems is None else problems,
            preview=preview_result,
            spec=FILES_BY_NAME[mapping.target],
        )
        return self.render_to_response(context, status=status)

    def get(self, request, pk):
        mapping = self.get_mapping()
        try:
            rules = mapping_rules(mapping)
        except MappingError as exc:
            return self.render_page(mapping, [], problems=[str(exc)])
        return self.render_page(mapping, rules)

    def post(self, request, pk):
        mapping = self.get_mapping()
        try:
            rules = _rules_from_post(mapping.target, request.POST)
        except MappingError as exc:
            return self.render_page(
                mapping, mapping_rules(mapping), problems=[str(exc)], status=400
            )
        sample = request.FILES.get("sample")
        if sample is not None:
            try:
                mapping.source_columns = _sample_header(sample)
            except forms.ValidationError as exc:
                messages.error(request, f"Sample not read: {exc.messages[0]}")
        mapping.mapping = rules_to_json(rules)
        mapping.save(update_fields=["mapping", "source_columns", "updated_at"])
        messages.success(request, "Mapping saved.")
        return redirect("mapping-edit", pk=mapping.pk)


def mapping_rules(mapping: ColumnMappingProfile) -> list[Rule]:
    from episodes.vendor.mapping import parse_rules

    return parse_rules(mapping.target, mapping.mapping)


class MappingPreviewView(MappingEditView):
    """POST the grid and a sample file: the first rows mapped, nothing saved or imported."""

    def get(self, request, pk):
        self.get_mapping()
        return redirect("mapping-edit", pk=pk)

    def post(self, request, pk):
        mapping = self.get_mapping()
        try:
            rules = _rules_from_post(mapping.target, request.POST)
        except MappingError as exc:
            return self.render_page(
                mapping, mapping_rules(mapping), problems=[str(exc)], status=400
            )
        sample = request.FILES.get("sample")
        if sample is None:
            messages.error(request, "Choose a sample CSV file to preview.")
            return self.render_page(mapping, rules, status=400)
        result = preview(
            sample,
            source=sample.name,
            target=mapping.target,
            rules=rules,
            default_timezone=self.organization.timezone,
            limit=PREVIEW_ROWS,
        )
        return self.render_page(mapping, rules, preview_result=result)


class MappingImportForm(forms.Form):
    file = forms.FileField(help_text="A CSV report (or a .zip of CSV reports) from the EMR.")
    partial = forms.BooleanField(
        required=False, label="Import the good rows even if some rows fail"
    )


def _create_run(view, upload, profile: str, partial: bool):
    run = import_run_create(
        organization=view.organization,
        fileobj=upload,
        filename=upload.name,
        source=ImportSource.UPLOAD,
        kind=ImportKind.BUNDLE,
        created_by=view.request.user,
        partial=partial,
        profile=profile,
    )
    import_run_enqueue(run)
    if run.duplicate_of_id:
        messages.info(view.request, "This exact file was already imported; nothing to do.")
    return redirect("import-detail", pk=run.pk)


class MappingImportView(_MappingMixin, FormView):
    template_name = "clinics/mapping_import.html"
    form_class = MappingImportForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        mapping = self.get_mapping()
        context["mapping"] = mapping
        try:
            context["problems"] = mapping_problems(mapping.target, mapping_rules(mapping))
        except MappingError as exc:
            context["problems"] = [str(exc)]
        return context

    def get(self, request, *args, **kwargs):
        self.get_mapping()
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        mapping = self.get_mapping()
        try:
            problems = mapping_problems(mapping.target, mapping_rules(mapping))
        except MappingError as exc:
            problems = [str(exc)]
        if problems:
            form.add_error(None, "Complete the mapping first: " + "; ".join(problems))
            return self.form_invalid(form)
        upload = form.cleaned_data["file"]
        return _create_run(self, upload, str(mapping.pk), form.cleaned_data["partial"])


class MappingDeleteView(_MappingMixin, View):
    def get(self, request, pk):
        self.get_mapping()
        return redirect("mapping-edit", pk=pk)

    def post(self, request, pk):
        mapping = self.get_mapping()
        mapping.delete()
        messages.success(request, f"Mapping {mapping.name!r} deleted.")
        return redirect("mappings")


class VendorUploadForm(forms.Form):
    file = forms.FileField()
    profile = forms.ChoiceField()
    partial = forms.BooleanField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(webpt.PROFILE, webpt.LABEL)]
        choices += [(str(m.pk), f"Mapping: {m.name}") for m in ColumnMappingProfile.objects.all()]
        self.fields["profile"].choices = choices


class VendorUploadView(_MappingMixin, View):
    """The imports page's vendor-export form: a built-in profile or a saved mapping."""

    def get(self, request):
        return redirect("imports")

    def post(self, request):
        form = VendorUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            for field, errors in form.errors.items():
                messages.error(request, f"{field}: {' '.join(errors)}")
            return redirect("imports")
        data = form.cleaned_data
        return _create_run(self, data["file"], data["profile"], data["partial"])
