"""The risk register's one filter: owner, status, score band, review overdue, and the heat-map
cell a user followed (likelihood and impact, before or after controls)."""

import datetime

import django_filters
from django import forms

from improvement.filters import ALL_ACTIONS, ActionFilterForm, describe_filter
from improvement.models import Lead, Risk
from improvement.querysets import RISK_BANDS
from improvement.ratings import SCORE_MAX, SCORE_MIN

ALL_RISKS = "All risks"
BAND_CHOICES = [(band, band.capitalize()) for band in RISK_BANDS]
SCORE_CHOICES = [(str(n), str(n)) for n in range(SCORE_MIN, SCORE_MAX + 1)]


class RiskFilter(django_filters.FilterSet):
    owner = django_filters.ModelChoiceFilter(queryset=Lead.objects.none(), empty_label="All owners")
    status = django_filters.ChoiceFilter(choices=Risk.RiskStatus.choices, empty_label="Any status")
    band = django_filters.ChoiceFilter(
        label="Band before controls",
        choices=BAND_CHOICES,
        empty_label="Any band",
        method="in_band",
        help_text="High is a score of 15 or more, medium 8 to 14, low below 8.",
    )
    residual_band = django_filters.ChoiceFilter(
        label="Band after controls",
        choices=BAND_CHOICES,
        empty_label="Any band",
        method="in_residual_band",
    )
    review_overdue = django_filters.BooleanFilter(
        label="Review overdue only", method="only_review_overdue", widget=forms.CheckboxInput
    )
    likelihood = django_filters.ChoiceFilter(
        label="Likelihood before controls", choices=SCORE_CHOICES, empty_label="Any"
    )
    impact = django_filters.ChoiceFilter(
        label="Impact before controls", choices=SCORE_CHOICES, empty_label="Any"
    )
    residual_likelihood = django_filters.ChoiceFilter(
        label="Likelihood after controls", choices=SCORE_CHOICES, empty_label="Any"
    )
    residual_impact = django_filters.ChoiceFilter(
        label="Impact after controls", choices=SCORE_CHOICES, empty_label="Any"
    )

    class Meta:
        form = ActionFilterForm
        fields = []

    def __init__(self, data=None, queryset=None, *, plan, today: datetime.date, **kwargs):
        self.today = today
        self.review_months = plan.risk_review_months
        super().__init__(data, queryset, **kwargs)
        self.filters["owner"].queryset = Lead.objects.filter(
            pk__in=plan.risks.values("owner")
        ).order_by("name")

    def in_band(self, queryset, name, value):
        return queryset.in_band(value) if value else queryset

    def in_residual_band(self, queryset, name, value):
        return queryset.in_band(value, after_controls=True) if value else queryset

    def only_review_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.review_overdue(today=self.today, months=self.review_months)


def describe_risk_filter(filterset: RiskFilter) -> str:
    """The filter in the form's words, as the plan page says its own: "All risks" when none."""
    described = describe_filter(filterset)
    return ALL_RISKS if described == ALL_ACTIONS else described
