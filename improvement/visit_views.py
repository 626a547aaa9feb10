"""Monitoring visit pages: every reader of the plan sees its visits and findings and which
actions answer them; its improvement leads record visits, add findings, link findings to actions
and make actions from them. GET renders; POST validates a form, calls one service, redirects."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from improvement import services, visit_selectors, visit_services
from improvement.models import Plan
from improvement.permissions import can_record_visits
from improvement.views import _show_refusal, readable_plan
from improvement.visit_forms import (
    ActionFromFindingForm,
    FindingFields,
    LinkFindingForm,
    VisitFilter,
    VisitForm,
)
from inspections.models import Finding, MonitoringVisit

VISIT_RECORDED = "The visit has been recorded."
FINDING_ADDED = "Finding %(reference)s has been added."
FINDING_LINKED = "Finding %(reference)s is now answered by %(actions)s."
ACTION_FROM_FINDING = (
    "Action %(reference)s has been added to the plan to answer finding %(finding)s."
)
NO_ACTION_YET = "No action yet"
NO_VISITS = "No monitoring visit or review has been recorded for this plan yet."
NO_VISITS_MATCH = "No visit has a finding without an action."
NOTHING_TO_LINK = "Every action of the plan already answers this finding."


def _visit(plan: Plan, pk: int) -> MonitoringVisit:
    visit = plan.visits().filter(pk=pk).first()
    if visit is None:
        raise Http404
    return visit


def _finding(plan: Plan, visit_pk: int, pk: int) -> Finding:
    visit = _visit(plan, visit_pk)
    finding = visit.findings.select_related("visit", "recommendation").filter(pk=pk).first()
    if finding is None:
        raise Http404
    return finding


def _writable_plan(request, slug: str) -> Plan:
    """The plan for a write page: 404 to those who cannot read it, 403 to readers who may not
    record visits (the service asks again on POST)."""
    plan = readable_plan(request, slug)
    if not can_record_visits(request.user, plan):
        raise PermissionDenied
    return plan


@login_required
@require_safe
def visit_list(request, slug):
    plan = readable_plan(request, slug)
    filterset = VisitFilter(request.GET, queryset=visit_selectors.plan_visits(plan))
    visits = list(filterset.qs) if filterset.is_valid() else []
    unanswered = filterset.is_valid() and filterset.form.cleaned_data.get("unanswered")
    return render(
        request,
        "improvement/visits/list.html",
        {
            "plan": plan,
            "filter": filterset,
            "visits": visits,
            "unanswered": unanswered,
            "findings": list(visit_selectors.findings_without_action(plan)) if unanswered else [],
            "can_record": can_record_visits(request.user, plan),
            "no_visits_message": NO_VISITS_MATCH if unanswered else NO_VISITS,
        },
    )


@login_required
@require_safe
def visit_detail(request, slug, pk):
    plan = readable_plan(request, slug)
    visit = _visit(plan, pk)
    findings = visit_selectors.visit_findings(plan=plan, visit=visit)
    return render(
        request,
        "improvement/visits/visit.html",
        {
            "plan": plan,
            "visit": visit,
            "findings": findings,
            "unanswered": sum(1 for f in findings if not f.answered),
            "can_record": can_record_visits(request.user, plan),
            "no_action_yet": NO_ACTION_YET,
        },
    )


def _findings_of(text: str) -> list[visit_services.FindingData]:
    return [visit_services.FindingData(text=t) for t in visit_services.split_findings(text)]


@login_required
@require_http_methods(["GET", "POST"])
def visit_new(request, slug):
    plan = _writable_plan(request, slug)
    form = VisitForm(request.POST or None, initial={"kind": MonitoringVisit.Kind.choices[0][0]})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        findings = _findings_of(data.pop("findings"))
        try:
            visit = visit_services.record_visit(
                plan=plan, by=request.user, findings=findings, **data
            )
        except ValidationError as refused:
            _show_refusal(form, refused, aliases={"text": "findings", "reference": "findings"})
        else:
            messages.success(request, VISIT_RECORDED)
            return redirect("improvement:visit", slug=plan.slug, pk=visit.pk)
    return render(request, "improvement/visits/visit_form.html", {"plan": plan, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def finding_new(request, slug, pk):
    plan = _writable_plan(request, slug)
    visit = _visit(plan, pk)
    form = FindingFields(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            finding = visit_services.add_finding(
                plan=plan, visit=visit, by=request.user, **form.cleaned_data
            )
        except ValidationError as refused:
            _show_refusal(form, refused)
        else:
            messages.success(request, FINDING_ADDED % {"reference": finding.reference})
            url = reverse("improvement:visit", kwargs={"slug": plan.slug, "pk": visit.pk})
            return redirect(f"{url}#finding-{finding.pk}")
    context = {"plan": plan, "visit": visit, "form": form}
    return render(request, "improvement/visits/finding_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def finding_link(request, slug, pk, finding_pk):
    plan = _writable_plan(request, slug)
    finding = _finding(plan, pk, finding_pk)
    actions = visit_selectors.linkable_actions(plan=plan, finding=finding)
    form = LinkFindingForm(request.POST or None, actions=actions)
    if request.method == "POST" and form.is_valid():
        chosen = list(form.cleaned_data["actions"])
        try:
            visit_services.link_finding(plan=plan, finding=finding, by=request.user, actions=chosen)
        except ValidationError as refused:
            _show_refusal(form, refused)
        else:
            references = ", ".join(a.reference for a in chosen)
            messages.success(
                request, FINDING_LINKED % {"reference": finding.reference, "actions": references}
            )
            return redirect(_finding_anchor(plan, finding))
    context = {
        "plan": plan,
        "visit": finding.visit,
        "finding": finding,
        "form": form,
        "nothing_to_link": NOTHING_TO_LINK,
    }
    return render(request, "improvement/visits/finding_link.html", context)


def _finding_anchor(plan: Plan, finding: Finding) -> str:
    url = reverse("improvement:visit", kwargs={"slug": plan.slug, "pk": finding.visit_id})
    return f"{url}#finding-{finding.pk}"


def _suggested_reference(plan: Plan, finding: Finding) -> str:
    base = f"MV{finding.visit.visited_on:%y%m}-{finding.reference}"
    taken = set(plan.actions.filter(reference__startswith=base).values_list("reference", flat=True))
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in range(2, len(taken) + 3) if f"{base}-{n}" not in taken)


@login_required
@require_http_methods(["GET", "POST"])
def finding_action_new(request, slug, pk, finding_pk):
    plan = _writable_plan(request, slug)
    finding = _finding(plan, pk, finding_pk)
    initial = {"reference": _suggested_reference(plan, finding), "text": finding.text}
    form = ActionFromFindingForm(request.POST or None, plan=plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            action, _ = services.add_action_from_finding(
                plan=plan, finding=finding, by=request.user, **form.cleaned_data
            )
        except ValidationError as refused:
            _show_refusal(form, refused)
        else:
            messages.success(
                request,
                ACTION_FROM_FINDING % {"reference": action.reference, "finding": finding.reference},
            )
            return redirect(_finding_anchor(plan, finding))
    context = {"plan": plan, "visit": finding.visit, "finding": finding, "form": form}
    return render(request, "improvement/visits/finding_action_form.html", context)
