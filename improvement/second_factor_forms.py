from django import forms

from improvement.forms import GovukForm

ENTER_APP_CODE = "Enter the 6-digit code from your authenticator app."
WRONG_APP_CODE = (
    "That code is not right. Enter the code your authenticator app shows now; "
    "if you have lost the app, use a recovery code."
)
WRONG_SETUP_CODE = (
    "That code is not right. Check the key in your authenticator app, then enter the code "
    "it shows now."
)
CODE_THROTTLED = (
    "Too many wrong codes in a row. Wait a few seconds, then enter the code your app shows now."
)
ENTER_RECOVERY_CODE = "Enter one of your recovery codes."
WRONG_RECOVERY_CODE = "That recovery code is not right, or it has already been used."
WRONG_PASSWORD = "Enter your current password."

_CODE_WIDGET = {
    "autocomplete": "one-time-code",
    "inputmode": "numeric",
    "pattern": "[0-9 ]*",
    "spellcheck": "false",
    "autocapitalize": "off",
    "class": "govuk-input--width-5 govuk-input--extra-letter-spacing",
}


class AppCodeForm(GovukForm):
    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code the app shows for Improvement Tracker now.",
        max_length=12,
        widget=forms.TextInput(attrs=_CODE_WIDGET),
        error_messages={"required": ENTER_APP_CODE},
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError(ENTER_APP_CODE, code="format")
        return code


class RecoveryCodeForm(GovukForm):
    recovery_code = forms.CharField(
        label="Recovery code",
        help_text="One of the 10 codes you were shown when you set up two factors. "
        "Each works once.",
        max_length=32,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "spellcheck": "false",
                "autocapitalize": "off",
                "class": "govuk-input--width-10",
            }
        ),
        error_messages={"required": ENTER_RECOVERY_CODE},
    )


class PasswordCheckForm(GovukForm):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(
            attrs={"autocomplete": "current-password", "class": "govuk-!-width-one-half"}
        ),
        error_messages={"required": WRONG_PASSWORD},
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(WRONG_PASSWORD, code="wrong")
        return password
