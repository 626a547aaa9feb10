from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.template.defaultfilters import filesizeformat

from improvement.models import Evidence, Rag, Status
from improvement.uploads import EVIDENCE_TOO_LARGE

SIGN_IN_FAILED = (
    "Enter a correct username and password. Both are case-sensitive; "
    "ask your improvement lead if you cannot sign in."
)
CHOOSE_DECISION = "Choose whether to sign the action off or send it back."

DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"]

_WIDGET_CLASSES = {
    forms.Select: "govuk-select",
    forms.Textarea: "govuk-textarea",
    forms.ClearableFileInput: "govuk-file-upload",
    forms.FileInput: "govuk-file-upload",
    forms.CheckboxInput: "govuk-checkboxes__input",
    forms.RadioSelect: "govuk-radios__input",
    forms.HiddenInput: "",
}


class GovukForm(forms.Form):
    """GOV.UK classes on every widget, and aria-describedby naming the hint and any error."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self._css = {}
        for name, field in self.fields.items():
            kind = _WIDGET_CLASSES.get(type(field.widget), "govuk-input")
            self._css[name] = (f"{field.widget.attrs.get('class', '')} {kind}".strip(), kind)
            self._describe(name)

    def _describe(self, name: str) -> None:
        field = self.fields[name]
        base, kind = self._css[name]
        erred = self.is_bound and self._errors is not None and name in self._errors
        field.widget.attrs["class"] = f"{base} {kind}--error" if erred and kind else base
        ids = [f"id_{name}-hint"] if field.help_text else []
        if erred:
            ids.append(f"id_{name}-error")
        if ids:
            field.widget.attrs["aria-describedby"] = " ".join(ids)
        else:
            field.widget.attrs.pop("aria-describedby", None)

    def full_clean(self):
        super().full_clean()
        for name in self.fields:
            self._describe(name)

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self.fields:
            self._describe(name)


class SignInForm(AuthenticationForm):
    error_messages = {**AuthenticationForm.error_messages, "invalid_login": SIGN_IN_FAILED}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "govuk-input govuk-!-width-one-half"
        self.fields["username"].widget.attrs["spellcheck"] = "false"


REPORTABLE_RAGS = [
    (Rag.RED, "Red – off track"),
    (Rag.AMBER, "Amber – at risk"),
    (Rag.GREEN, "Green – on track"),
    (Rag.NOT_RATED, "Not rated"),
]
SETTABLE_STATUSES = [
    (Status.NOT_STARTED, Status.NOT_STARTED.label),
    (Status.IN_PROGRESS, Status.IN_PROGRESS.label),
    (Status.COMPLETE, "Complete – ask an improvement lead to sign it off"),
]


class UpdateActionForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    progress_rag = forms.ChoiceField(label="Progress RAG", choices=REPORTABLE_RAGS)
    status = forms.ChoiceField(label="Status", choices=SETTABLE_STATUSES)
    commentary = forms.CharField(
        label="Commentary",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What has happened since the last update. Required when you change the RAG "
        "or status, and whenever the RAG is red or amber.",
    )
    impact_evidence = forms.CharField(
        label="Evidence of impact",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required to mark the action complete: what is different for children and "
        "how you know.",
    )
    due_on = forms.DateField(
        label="Revised due date",
        required=False,
        input_formats=DATE_FORMATS,
        help_text="Only if the due date changes. For example, 31/03/2017.",
        widget=forms.DateInput(attrs={"class": "govuk-input--width-10"}),
    )
    due_reason = forms.CharField(
        label="Reason for the new due date",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when you revise a due date. The board sees every revision.",
    )
    evidence_file = forms.FileField(
        label="Evidence file",
        required=False,
        help_text="Optional. A document, spreadsheet, presentation or image.",
    )
    evidence_link = forms.URLField(
        label="Evidence link",
        required=False,
        assume_scheme="https",
        help_text="Optional. A link to the evidence, for example on the council's intranet.",
    )
    evidence_description = forms.CharField(
        label="Describe the evidence", required=False, max_length=300
    )

    @classmethod
    def initial_for(cls, action) -> dict:
        status = (
            Status.COMPLETE
            if action.status in (Status.AWAITING_SIGN_OFF, Status.COMPLETE, Status.CLOSED)
            else action.status
        )
        rag = action.progress_rag if action.progress_rag != Rag.BLUE else Rag.GREEN
        return {
            "version": action.version,
            "progress_rag": rag,
            "status": status,
            "impact_evidence": action.impact_evidence,
        }

    def __init__(self, *args, upload_cut_short: bool = False, **kwargs):
        # Set when the request was too long to read: the file never arrived, so say why.
        self.upload_cut_short = upload_cut_short
        super().__init__(*args, **kwargs)

    def clean_evidence_file(self):
        if self.upload_cut_short:
            raise forms.ValidationError(
                EVIDENCE_TOO_LARGE,
                code="evidence_size",
                params={"limit": filesizeformat(settings.EVIDENCE_MAX_BYTES)},
            )
        file = self.cleaned_data.get("evidence_file")
        if file:
            Evidence.check_file(file)
        return file


class SignOffForm(GovukForm):
    SIGN_OFF = "sign_off"
    SEND_BACK = "send_back"

    version = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label="Decision",
        choices=[
            (SIGN_OFF, "Sign off: the action is complete"),
            (SEND_BACK, "Send back to the lead"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": CHOOSE_DECISION},
    )
    comment = forms.CharField(
        label="Comment or reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required when you send the action back: say what is missing.",
    )


class MeasureValueForm(GovukForm):
    period_ending = forms.DateField(
        label="Period ending", input_formats=DATE_FORMATS, help_text="For example, 31/03/2027."
    )
    value = forms.DecimalField(max_digits=12, decimal_places=2)
    label = forms.CharField(
        label="Period label (optional)",
        required=False,
        max_length=40,
        help_text='As reports name it, such as "Q4 2026/27". Blank: the month.',
    )
    note = forms.CharField(
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What lies behind the figure. Required when correcting a recorded value.",
    )
    correcting = forms.BooleanField(
        label="This corrects the value already recorded for the period", required=False
    )
