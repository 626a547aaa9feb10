"""Reads of a plan's monitoring visits and their findings, each at a fixed number of queries.

A finding is answered while at least one action of the plan is linked to it and not closed:
the same rule as a recommendation's "no live action" (improvement/dashboard.py), since a
closed action is one the plan stopped pursuing and answers nothing any more.
"""

import datetime

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, Subquery

from improvement.models import Action, FindingResponse, Plan
from improvement.ratings import Status
from inspections.models import Finding, MonitoringVisit


def _live_responses(plan: Plan):
    return FindingResponse.objects.filter(finding=OuterRef("pk"), action__plan=plan).exclude(
        action__status=Status.CLOSED
    )


def plan_findings(plan: Plan):
    """Every finding of the plan's visits, with `answered` set."""
    return Finding.objects.filter(visit__in=plan.visits()).annotate(
        answered=Exists(_live_responses(plan))
    )


def findings_without_action(plan: Plan):
    """The findings of the plan's visits that no open or completed action of the plan answers,
    newest visit first."""
    return (
        plan_findings(plan)
        .filter(answered=False)
        .select_related("visit", "recommendation")
        .order_by("-visit__visited_on", "visit", "order", "pk")
    )


def _count_of(findings) -> Subquery:
    counted = (
        findings.filter(visit=OuterRef("pk"))
        .order_by()
        .values("visit")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(counted, output_field=IntegerField())


def plan_visits(plan: Plan):
    """The plan's visits, newest first, each with `finding_count` and `unanswered_count`."""
    findings = Finding.objects.all()
    unanswered = Finding.objects.exclude(Exists(_live_responses(plan)))
    return plan.visits().annotate(
        finding_count=_count_of(findings), unanswered_count=_count_of(unanswered)
    )


def visit_findings(*, plan: Plan, visit: MonitoringVisit) -> list[Finding]:
    """A visit's findings in order, each with `linked` (the plan's actions linked to it, with
    their link) and `answered`. Two queries."""
    responses = (
        FindingResponse.objects.filter(action__plan=plan)
        .select_related("action__plan", "linked_by")
        .order_by("action__order", "action__pk")
    )
    findings = list(
        visit.findings.select_related("recommendation")
        .prefetch_related(Prefetch("responses", queryset=responses, to_attr="linked"))
        .order_by("order", "pk")
    )
    for finding in findings:
        finding.answered = any(r.action.status != Status.CLOSED for r in finding.linked)
    return findings


def linkable_actions(*, plan: Plan, finding: Finding):
    """The plan's actions a finding may be linked to: every action not already linked."""
    return (
        Action.objects.filter(plan=plan)
        .exclude(finding_responses__finding=finding)
        .select_related("plan")
        .order_by("order", "pk")
    )


def latest_visit(plan: Plan) -> MonitoringVisit | None:
    return plan.visits().order_by("-visited_on", "-pk").first()


def findings_since(plan: Plan, date: datetime.date):
    """The findings of the plan's visits on or after `date` (a pack's "since the last monitoring
    visit" passes the latest visit's date), with `answered` set."""
    return (
        plan_findings(plan)
        .filter(visit__visited_on__gte=date)
        .select_related("visit", "recommendation")
        .order_by("-visit__visited_on", "visit", "order", "pk")
    )


def unanswered_visit_ids(plan: Plan) -> Q:
    """Visits with at least one finding no live action answers, for the list's filter."""
    return Q(pk__in=findings_without_action(plan).values("visit"))
