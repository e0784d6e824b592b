"""The inline copay form of a front-desk row (amount, method, one button)."""

from __future__ import annotations

from django import forms

from billing.choices import PaymentMethod


class CopayForm(forms.Form):
    # Text, not a DecimalField: the service parses and explains every refusal.
    amount = forms.CharField(label="Amount", max_length=20)
    method = forms.ChoiceField(
        label="Method", choices=PaymentMethod.choices, initial=PaymentMethod.CARD
    )
