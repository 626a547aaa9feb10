from django import forms

from sso import refusals


class WorkEmailForm(forms.Form):
    email = forms.EmailField(
        label="Work e-mail address",
        max_length=254,
        error_messages={"required": refusals.ENTER_EMAIL, "invalid": refusals.ENTER_EMAIL},
        widget=forms.EmailInput(
            attrs={
                "class": "govuk-input govuk-!-width-two-thirds",
                "autocomplete": "email",
                "spellcheck": "false",
            }
        ),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)
