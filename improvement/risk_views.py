"""The risk register's pages. GET renders; POST validates a form, calls one service and
redirects. Whoever may read the plan reads its risks; owners and improvement leads update them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from improvement import clock, risk_selectors, risk_services
from improvement.models import Plan, Risk
from improvement.permissions import can_update_risk
from improvement.risk_filters import RiskFilter, describe_risk_filter
from improvement.risk_forms import UpdateRiskForm
from improvement.views import _show_refusal, readable_plan

REGISTER_PAGE_SIZE = 50
RISK_UPDATED = "Your review of the risk has been saved."
RISK_UNCHANGED = "Nothing was changed, so nothing was saved."
NO_RISKS_MATCH = "No risks match these filters."
FIX_RISK_FILTERS = "Correct the filters to see the risks."


def _risk(plan: Plan, reference: str) -> Risk:
    risk = plan.risks.select_related("plan", "owner").filter(reference=reference).first()
    if risk is None:
        raise Http404
    return risk


@login_required
@require_safe
def risk_register(request, slug):
    plan = readable_plan(request, slug)
    today = clock.today()
    filterset = RiskFilter(request.GET, queryset=plan.risks.all(), plan=plan, today=today)
    # A refused filter lists nothing: rows under an error would pass for its result.
    risks = filterset.qs if filterset.is_valid() else plan.risks.none()
    page = Paginator(
        risks.for_register().with_review_overdue(today=today, months=plan.risk_review_months),
        REGISTER_PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    before, after = risk_selectors.heat_maps(risks)
    return render(
        request,
        "improvement/risks/register.html",
        {
            "plan": plan,
            "filter": filterset,
            "page": page,
            "risks": page.object_list,
            "described": describe_risk_filter(filterset) if filterset.is_valid() else "",
            "heat_maps": (before, after),
            "query": query.urlencode(),
            "cell_query": _without(query, "likelihood", "impact"),
            "residual_cell_query": _without(query, "residual_likelihood", "residual_impact"),
            "fix_filters_message": FIX_RISK_FILTERS,
            "no_risks_message": NO_RISKS_MATCH,
            "today": today,
        },
    )


def _without(query, *names) -> str:
    """The list's query without a map's own cell, so a cell link keeps the other filters."""
    kept = query.copy()
    for name in names:
        kept.pop(name, None)
    encoded = kept.urlencode()
    return f"{encoded}&" if encoded else ""


@login_required
@require_safe
def risk_detail(request, slug, reference):
    plan = readable_plan(request, slug)
    risk = _risk(plan, reference)
    return render(
        request,
        "improvement/risks/risk.html",
        {
            "plan": plan,
            "risk": risk,
            "path": risk_selectors.score_path(risk),
            "review_overdue": risk.review_overdue(today=clock.today()),
            "can_update": can_update_risk(request.user, risk),
        },
    )


def _review(data: dict) -> dict:
    return {
        "expected_version": data["version"],
        "likelihood": data["likelihood"],
        "impact": data["impact"],
        "residual_likelihood": data["residual_likelihood"],
        "residual_impact": data["residual_impact"],
        "existing_controls": data["existing_controls"],
        "additional_controls": data["additional_controls"],
        "review_note": data["review_note"],
        "reviewed_on": data["reviewed_on"],
    }


@login_required
@require_http_methods(["GET", "POST"])
def risk_update(request, slug, reference):
    plan = readable_plan(request, slug)
    risk = _risk(plan, reference)
    form = UpdateRiskForm(
        request.POST or None, initial=UpdateRiskForm.initial_for(risk, today=clock.today())
    )
    context = {"plan": plan, "risk": risk, "form": form, "stale": None}
    if request.method == "POST" and form.is_valid():
        # The service asks whether this user may update the risk, so a write asks once.
        try:
            review = risk_services.update_risk(
                risk=risk, by=request.user, **_review(form.cleaned_data)
            )
        except risk_services.StaleRiskEdit as stale:
            # Show their change, and offer the form again against the version now stored.
            form.data = form.data.copy()
            form.data["version"] = stale.risk.version
            context.update(stale=stale, risk=stale.risk)
            return render(request, "improvement/risks/update.html", context, status=409)
        except ValidationError as refused:
            _show_refusal(form, refused)
        else:
            if review.changed:
                messages.success(request, RISK_UPDATED)
            else:
                messages.info(request, RISK_UNCHANGED)
            return redirect(risk)
    elif not can_update_risk(request.user, risk):
        raise PermissionDenied
    return render(request, "improvement/risks/update.html", context)
