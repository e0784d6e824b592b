from django import forms


class OrganizationSettingsForm(forms.Form):
    require_mfa = forms.BooleanField(
        required=False,
        label="Require two-factor authentication (authenticator app) for every member",
    )


class SwitchOrganizationForm(forms.Form):
    organization_id = forms.IntegerField()
