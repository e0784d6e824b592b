"""The work forms of a denial's page (each posts to its own URL)."""

from __future__ import annotations

from django import forms

from billing.choices import DenialStatus
from billing.denials.selectors import denial_workers
from billing.denials.services import NOTE_MAX_LENGTH


class AssignForm(forms.Form):
    assignee = forms.TypedChoiceField(
        coerce=int, empty_value=None, required=False, label="Assign to"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any integer is accepted here: the service checks that it is a member of
        # this organization who may work denials, and says why when not.
        self.fields["assignee"].choices = [
            ("", "Nobody"),
            *[(m.user_id, m.user.email) for m in denial_workers()],
        ]
        self.fields["assignee"].valid_value = lambda value: value == "" or str(value).isdigit()


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Add a note",
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DeadlineForm(forms.Form):
    appeal_deadline = forms.DateField(
        required=False, label="Appeal deadline", widget=forms.DateInput(attrs={"type": "date"})
    )


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=DenialStatus.choices)
    note = forms.CharField(required=False, max_length=NOTE_MAX_LENGTH)
