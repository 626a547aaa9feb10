"""The forms of the monitoring visit pages: what a lead types from the visit's letter."""

import django_filters
from django import forms

from improvement.filters import ActionFilterForm
from improvement.forms import DATE_FORMATS, GovukForm
from improvement.models import Lead, Plan
from inspections.models import Finding, MonitoringVisit

DATE_HINT = "For example, 14/03/2018."


def _date(label: str, *, required: bool = True, help_text: str = DATE_HINT) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        help_text=help_text,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"class": "govuk-input--width-10"}),
    )


class _Recommendation(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.reference}: {obj.text[:90]}"


class FindingFields(GovukForm):
    """A finding's own fields, shared by the visit form's first findings and the finding form."""

    reference = forms.CharField(
        label="Number",
        required=False,
        max_length=20,
        help_text="As the letter numbers it. Leave blank to number it after the last one.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
    )
    kind = forms.ChoiceField(label="Kind", choices=Finding.Kind.choices)
    text = forms.CharField(
        label="Finding",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="As the letter puts it.",
    )
    recommendation = _Recommendation(
        label="Recommendation it follows up (optional)",
        queryset=None,
        required=False,
        empty_label="None",
    )

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recommendation"].queryset = plan.recommendations().order_by(
            "inspection", "order", "reference"
        )


class VisitForm(GovukForm):
    kind = forms.ChoiceField(
        label="Kind of visit", choices=MonitoringVisit.Kind.choices, widget=forms.RadioSelect
    )
    visited_on = _date("Date of the visit", help_text="The first day. " + DATE_HINT)
    theme = forms.CharField(
        label="Theme or focus",
        max_length=300,
        help_text="As the letter names it, for example \u201cchildren in need of help and "
        "protection\u201d.",
    )
    inspectors = forms.CharField(
        label="Inspectors (optional)", required=False, max_length=300, help_text="Their names."
    )
    letter_on = _date("Date of the letter (optional)", required=False)
    published = forms.BooleanField(label="The letter is published", required=False)
    published_url = forms.URLField(
        label="Address of the published letter (optional)",
        required=False,
        assume_scheme="https",
        max_length=500,
    )
    summary = forms.CharField(
        label="Summary (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    findings = forms.CharField(
        label="Findings (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="One finding per paragraph, with a blank line between them; they are numbered "
        "1, 2, 3 in this order. You can add findings, and say which recommendation each follows "
        "up, on the visit's page.",
    )


class LinkFindingForm(GovukForm):
    actions = forms.ModelMultipleChoiceField(
        label="Actions that answer this finding",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one action that answers this finding."},
    )

    def __init__(self, *args, actions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actions"].queryset = actions
        self.fields["actions"].label_from_instance = lambda a: f"{a.reference}: {a.text[:120]}"


class ActionFromFindingForm(GovukForm):
    reference = forms.CharField(
        label="Reference",
        max_length=30,
        help_text='Unique in the plan: letters, digits, dots and hyphens, e.g. "MV18-1".',
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    text = forms.CharField(label="Action", widget=forms.Textarea(attrs={"rows": 4}))
    theme = forms.ModelChoiceField(label="Theme", queryset=None, empty_label="Choose a theme")
    objective = forms.ModelChoiceField(
        label="Objective (optional)", queryset=None, required=False, empty_label="None"
    )
    lead = forms.ModelChoiceField(label="Lead", queryset=None, empty_label="Choose a lead")
    due_on = _date("Due date", help_text="For example, 30/06/2018.")

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = plan.themes.order_by("order", "name")
        self.fields["objective"].queryset = plan.objectives.order_by("order", "pk")
        self.fields["lead"].queryset = Lead.objects.filter(authority_id=plan.authority_id).order_by(
            "name"
        )


class VisitFilter(django_filters.FilterSet):
    unanswered = django_filters.BooleanFilter(
        label="Only visits with findings no action answers yet",
        method="only_unanswered",
        widget=forms.CheckboxInput,
    )

    class Meta:
        form = ActionFilterForm
        fields = []

    def only_unanswered(self, queryset, name, value):
        return queryset.filter(unanswered_count__gt=0) if value else queryset
