import datetime

import django_filters
from django import forms
from django.db.models import Q

from improvement.forms import DATE_FORMATS, GovukForm
from improvement.models import Lead, Period, Rag, Status, Theme
from improvement.ratings import DUE_SOON_DAYS, NO_UPDATE_DAYS
from improvement.search import SearchField
from inspections.models import Recommendation

ALL_ACTIONS = "All actions"
NO_THEME = "No theme"
FILTERED = "Filtered: {filters}"


class ActionFilterForm(GovukForm):
    pass


class SearchFilter(django_filters.CharFilter):
    field_class = SearchField


class ActionFilter(django_filters.FilterSet):
    """The plan page's one filter: every choice list is limited to the plan being read."""

    q = SearchFilter(
        label="Search", method="search", help_text="Words in the action, its reference or lead."
    )
    theme = django_filters.ModelChoiceFilter(
        queryset=Theme.objects.none(), empty_label="All themes", null_label=NO_THEME
    )
    period = django_filters.ModelChoiceFilter(
        queryset=Period.objects.none(), empty_label="All periods"
    )
    lead = django_filters.ModelChoiceFilter(queryset=Lead.objects.none(), empty_label="All leads")
    rag = django_filters.ChoiceFilter(
        label="RAG",
        choices=Rag.choices,
        empty_label="Any RAG",
        method="derived_rag",
        help_text="As the plan's rule gives it today, the RAG the page shows.",
    )
    progress_rag = django_filters.ChoiceFilter(
        label="Reported RAG",
        choices=Rag.choices,
        empty_label="Any RAG",
        help_text="As the action's lead last reported it.",
    )
    status = django_filters.ChoiceFilter(choices=Status.choices, empty_label="Any status")
    recommendation = django_filters.ModelChoiceFilter(
        label="Recommendation",
        field_name="recommendations",
        queryset=Recommendation.objects.none(),
        empty_label="All recommendations",
    )
    overdue = django_filters.BooleanFilter(
        label="Overdue only", method="only_overdue", widget=forms.CheckboxInput
    )
    due_soon = django_filters.BooleanFilter(
        label=f"Due in the next {DUE_SOON_DAYS} days only",
        method="only_due_soon",
        widget=forms.CheckboxInput,
    )
    no_recent_update = django_filters.BooleanFilter(
        label=f"No update for {NO_UPDATE_DAYS} days only",
        method="only_without_recent_update",
        widget=forms.CheckboxInput,
    )
    key_action = django_filters.BooleanFilter(
        label="Key actions only", method="only_key_actions", widget=forms.CheckboxInput
    )
    from_inspection = django_filters.BooleanFilter(
        label="From the latest inspection",
        field_name="arose_from_inspection",
        widget=forms.Select(choices=[("", "Any action"), ("true", "Yes"), ("false", "No")]),
        help_text="Actions the plan marks as arising from the latest inspection.",
    )
    due_after = django_filters.DateFilter(
        label="Due on or after",
        field_name="due_on",
        lookup_expr="gte",
        input_formats=DATE_FORMATS,
        help_text="For example, 01/01/2017.",
    )
    due_before = django_filters.DateFilter(
        label="Due on or before",
        field_name="due_on",
        lookup_expr="lte",
        input_formats=DATE_FORMATS,
        help_text="For example, 31/03/2017.",
    )

    class Meta:
        form = ActionFilterForm
        fields = []

    def __init__(self, data=None, queryset=None, *, plan, today: datetime.date, **kwargs):
        self.today = today
        super().__init__(data, queryset, **kwargs)
        self.filters["theme"].queryset = plan.themes.all()
        self.filters["period"].queryset = plan.periods.all()
        self.filters["lead"].queryset = Lead.objects.filter(
            pk__in=plan.actions.values("lead")
        ).order_by("name")
        self.filters["recommendation"].queryset = plan.recommendations().order_by(
            "inspection", "order", "reference"
        )

    def search(self, queryset, name, value):
        # icontains escapes % and _ (and \\), so every word is matched as literal text.
        for word in value.split():
            queryset = queryset.filter(
                Q(text__icontains=word)
                | Q(reference__iexact=word)
                | Q(lead__name__icontains=word)
                | Q(commentary__icontains=word)
                | Q(expected_impact__icontains=word)
            )
        return queryset

    def derived_rag(self, queryset, name, value):
        return queryset.derived_rag_is(value, today=self.today) if value else queryset

    def only_overdue(self, queryset, name, value):
        return queryset.overdue(on=self.today) if value else queryset

    def only_due_soon(self, queryset, name, value):
        return queryset.due_within(on=self.today) if value else queryset

    def only_without_recent_update(self, queryset, name, value):
        return queryset.no_update_for(on=self.today) if value else queryset

    def only_key_actions(self, queryset, name, value):
        return queryset.filter(is_key_action=True) if value else queryset


def _described(field: forms.Field, value) -> str:
    """One filter in words, "Theme is People", or "" when it was left empty."""
    if value in (None, "", False):
        return ""
    if value is True:  # a checkbox's label says it all: "Overdue only"
        return str(field.label)
    if isinstance(value, datetime.date):
        return f"{field.label} {value:%d/%m/%Y}"
    if getattr(field, "null_label", None) and value == field.null_value:  # "No theme"
        return str(field.null_label)
    if isinstance(field, forms.ModelChoiceField):
        chosen = str(field.label_from_instance(value))
    elif isinstance(field, forms.ChoiceField):
        chosen = str(dict(field.choices).get(value, value))
    else:
        return f'{field.label} "{value}"'
    # A choice that names itself ("Recommendation 7") needs no "Recommendation is" in front.
    return chosen if chosen.startswith(f"{field.label} ") else f"{field.label} is {chosen}"


def describe_filter(filterset: ActionFilter) -> str:
    """A valid filter in the words of the form's labels and choices, in the form's order:
    'Filtered: Theme is People; Progress RAG is Red; Search "foster"', or "All actions"."""
    data = filterset.form.cleaned_data
    described = [_described(field, data.get(name)) for name, field in filterset.form.fields.items()]
    filters = "; ".join(part for part in described if part)
    return FILTERED.format(filters=filters) if filters else ALL_ACTIONS
