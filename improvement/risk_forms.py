"""The risk owner's update form: what a review changes, nothing a register's wording says."""

from django import forms

from improvement.forms import DATE_FORMATS, GovukForm
from improvement.ratings import SCORE_MAX, SCORE_MIN

SCORES = [(n, str(n)) for n in range(SCORE_MIN, SCORE_MAX + 1)]
NOT_SCORED = [("", "Not scored yet")]
SCORE_HINT = f"{SCORE_MIN} (lowest) to {SCORE_MAX} (highest)."


def _score(label: str, *, required: bool = True) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=SCORES if required else NOT_SCORED + SCORES,
        coerce=int,
        empty_value=None,
        required=required,
        help_text=SCORE_HINT,
    )


class UpdateRiskForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    likelihood = _score("Likelihood before controls")
    impact = _score("Impact before controls")
    existing_controls = forms.CharField(
        label="Existing controls", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    residual_likelihood = _score("Likelihood after controls", required=False)
    residual_impact = _score("Impact after controls", required=False)
    additional_controls = forms.CharField(
        label="Additional controls", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    review_note = forms.CharField(
        label="Review note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What you found at this review. Required when a score changes.",
    )
    reviewed_on = forms.DateField(
        label="Reviewed on",
        input_formats=DATE_FORMATS,
        help_text="For example, 15/02/2017. Today unless you reviewed it earlier.",
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"class": "govuk-input--width-10"}),
    )

    # The note starts empty: it is this review's, and the last one is shown above the form.
    @classmethod
    def initial_for(cls, risk, *, today) -> dict:
        return {
            "version": risk.version,
            "likelihood": risk.likelihood,
            "impact": risk.impact,
            "residual_likelihood": risk.residual_likelihood,
            "residual_impact": risk.residual_impact,
            "existing_controls": risk.existing_controls,
            "additional_controls": risk.additional_controls,
            "reviewed_on": today,
        }
