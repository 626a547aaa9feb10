"""Measures pages: every reader of the plan sees the measures; a measure's owner and the plan's
improvement leads record its values."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from improvement import measure_services, selectors
from improvement.forms import MeasureValueForm
from improvement.models import Measure
from improvement.permissions import can_record_measure, is_improvement_lead
from improvement.views import readable_plan

VALUE_RECORDED = "The value for the period ending %(period)s has been recorded."


def _measure(plan, pk: int) -> Measure:
    measure = plan.measures.select_related("plan", "owner").filter(pk=pk).first()
    if measure is None:
        raise Http404
    return measure


@login_required
@require_safe
def measure_list(request, slug):
    plan = readable_plan(request, slug)
    rows = selectors.plan_measures(plan)
    return render(
        request,
        "improvement/measures/list.html",
        {
            "plan": plan,
            "rows": [row for row in rows if row.values],
            "without_values": [row.measure for row in rows if not row.values],
        },
    )


@login_required
@require_safe
def measure_detail(request, slug, pk):
    plan = readable_plan(request, slug)
    measure = _measure(plan, pk)
    row = selectors.measure_row(measure)
    return render(
        request,
        "improvement/measures/detail.html",
        {
            "plan": plan,
            "measure": measure,
            "row": row,
            "can_record": can_record_measure(request.user, measure),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def measure_value_new(request, slug, pk):
    plan = readable_plan(request, slug)
    measure = _measure(plan, pk)
    if not can_record_measure(request.user, measure):
        raise PermissionDenied
    form = MeasureValueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            value = measure_services.record_measure_value(
                measure=measure, by=request.user, **form.cleaned_data
            )
        except ValidationError as refused:
            for field, errors in refused.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            period = f"{value.period_ending:%-d %B %Y}"
            messages.success(request, VALUE_RECORDED % {"period": period})
            return redirect(measure)
    context = {"plan": plan, "measure": measure, "form": form}
    context["is_improvement_lead"] = is_improvement_lead(request.user, plan)
    return render(request, "improvement/measures/value_form.html", context)
