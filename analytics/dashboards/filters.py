"""The dashboard filter bar: period, clinics, clinician, payer, referral source.

A member limited to some clinics only ever sees those clinics' numbers: their
clinic filter is narrowed to their clinics whatever the query string says.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from html import escape
from zoneinfo import ZoneInfo

from django import forms
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.safestring import mark_safe

from billing.models import Payer
from clinics.models import Clinician
from clinics.selectors import clinics_visible_to
from episodes.models import ReferralSource


def default_period(organization) -> tuple[datetime.date, datetime.date]:
    """The last twelve months up to today, in the organization's time zone."""
    today = timezone.now().astimezone(ZoneInfo(organization.timezone)).date()
    start = (today.replace(day=1) - datetime.timedelta(days=335)).replace(day=1)
    return start, today


@dataclass
class Selection:
    start: datetime.date
    end: datetime.date
    clinics: list[str] = field(default_factory=list)
    clinicians: list[str] = field(default_factory=list)
    payers: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    def as_kwargs(self) -> dict:
        return {
            "start": self.start,
            "end": self.end,
            "clinics": self.clinics,
            "clinicians": self.clinicians,
            "payers": self.payers,
            "sources": self.sources,
        }

    def prior(self) -> Selection:
        """The period of the same length just before this one."""
        length = self.end - self.start
        end = self.start - datetime.timedelta(days=1)
        return Selection(
            end - length, end, self.clinics, self.clinicians, self.payers, self.sources
        )

    def query_string(self) -> str:
        from urllib.parse import urlencode

        pairs = [("start", self.start.isoformat()), ("end", self.end.isoformat())]
        pairs += [("clinic", c) for c in self.clinics] + [("payer", p) for p in self.payers]
        pairs += [("clinician", c) for c in self.clinicians]
        pairs += [("source", s) for s in self.sources]
        return urlencode(pairs)


class QuickSelect(forms.Select):
    """A ``<select>`` written in Python. Django renders every ``<option>`` through a
    template (tens of µs each), and even ``format_html`` per option costs several µs;
    a 50-clinic group lists 3,000+ clinicians and referral sources on every dashboard
    page. Each option is one f-string over ``html.escape``d text. Its choices are
    plain ``(value, label)`` strings, kept as given (see ``PlainChoices``)."""

    @property
    def choices(self):
        return self._choices

    @choices.setter
    def choices(self, value):
        self._choices = list(value)

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(item) for item in self.format_value(value)}
        options = []
        append = options.append
        for key, label in self.choices:
            key = str(key)
            selected = " selected" if key in chosen else ""
            append(f'<option value="{escape(key)}"{selected}>{escape(str(label))}</option>')
        multiple = " multiple" if self.allow_multiple_selected else ""
        attributes = flatatt(self.build_attrs(self.attrs, attrs))
        return mark_safe(
            f'<select name="{escape(name)}"{multiple}{attributes}>{"".join(options)}</select>'
        )


class PlainChoices:
    """Choices assigned as a list of ``(value, label)`` strings, kept as given: Django's
    setter normalises every entry (nested groups, callables, enums), thousands of calls
    per page for lists that are already plain."""

    @property
    def choices(self):
        return self._choices

    @choices.setter
    def choices(self, value):
        self._choices = self.widget.choices = list(value)


class PlainChoiceField(PlainChoices, forms.ChoiceField):
    pass


class PlainMultipleChoiceField(PlainChoices, forms.MultipleChoiceField):
    pass


class QuickSelectMultiple(QuickSelect, forms.SelectMultiple):
    pass


class DashboardFilterForm(forms.Form):
    start = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    clinic = PlainMultipleChoiceField(required=False, widget=QuickSelectMultiple)
    clinician = PlainChoiceField(required=False, widget=QuickSelect)
    payer = PlainChoiceField(required=False, widget=QuickSelect)
    source = PlainChoiceField(required=False, label="Referral source", widget=QuickSelect)

    def __init__(self, data, *, membership, organization):
        start, end = default_period(organization)
        data = data.copy()
        data.setdefault("start", start.isoformat())
        data.setdefault("end", end.isoformat())
        super().__init__(data)
        self.visible_clinics = list(
            clinics_visible_to(membership).values_list("external_id", "name")
        )
        self.fields["clinic"].choices = self.visible_clinics
        self.fields["clinician"].choices = [("", "All clinicians")] + list(
            Clinician.objects.order_by("name").values_list("external_id", "name")
        )
        self.fields["payer"].choices = [("", "All payers")] + list(
            Payer.objects.order_by("name").values_list("external_id", "name")
        )
        self.fields["source"].choices = [("", "All sources")] + list(
            ReferralSource.objects.order_by("name").values_list("external_id", "name")
        )
        self.limited_to_clinics = not membership.all_clinics

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["start"] > cleaned["end"]:
            raise forms.ValidationError("The start date is after the end date.")
        return cleaned

    def selection(self) -> Selection:
        data = self.cleaned_data
        clinics = list(data.get("clinic") or [])
        if not clinics and self.limited_to_clinics:
            clinics = [external_id for external_id, _ in self.visible_clinics]
        return Selection(
            start=data["start"],
            end=data["end"],
            clinics=clinics,
            clinicians=[data["clinician"]] if data.get("clinician") else [],
            payers=[data["payer"]] if data.get("payer") else [],
            sources=[data["source"]] if data.get("source") else [],
        )
