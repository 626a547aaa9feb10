"""Every write to a plan's monitoring visits from the site: one atomic function each, the
permission asked once in the function, each row's history written with it.

A visit is recorded once and its findings added to it; nothing here edits a recorded visit or
finding (the admin is for corrections), so no write has an older version to be stale against.
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from improvement.models import Action, FindingResponse, Plan
from improvement.permissions import can_record_visits
from inspections.models import Finding, MonitoringVisit, Recommendation

NOT_ALLOWED = "Only the plan's improvement leads record monitoring visits and their findings."
REFERENCE_TAKEN = "This visit already has a finding %(reference)s."
CHOOSE_ACTIONS = "Choose at least one action that answers this finding."
ACTION_OF_OTHER_PLAN = "Only actions of this plan can answer its visits' findings."
ALREADY_LINKED = "Action %(reference)s already answers this finding."
PUBLISHED_URL_NEEDS_PUBLISHED = "Tick \u201cpublished\u201d to give the letter's address."
VISIT_RECORDED = "Recorded on the site"
FINDING_ADDED = "Added on the site"

_PARAGRAPHS = re.compile(r"\n\s*\n")


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(NOT_ALLOWED)


def split_findings(text: str) -> list[str]:
    """Findings typed into one box, one per paragraph (a blank line between)."""
    return [part.strip() for part in _PARAGRAPHS.split(text or "") if part.strip()]


@dataclass(frozen=True)
class FindingData:
    text: str
    kind: str = Finding.Kind.AREA_FOR_IMPROVEMENT
    reference: str = ""
    recommendation: Recommendation | None = None


@transaction.atomic
def record_visit(
    *,
    plan: Plan,
    by,
    kind: str,
    visited_on: datetime.date,
    theme: str,
    inspectors: str = "",
    letter_on: datetime.date | None = None,
    published: bool = False,
    published_url: str = "",
    summary: str = "",
    findings: list[FindingData] = (),
) -> MonitoringVisit:
    """A visit of the plan's council, linked to the plan, with the findings given (numbered 1, 2…
    where no reference is given). Raises PermissionDenied or ValidationError (keyed by field)."""
    require(can_record_visits(by, plan))
    if published_url and not published:
        raise ValidationError({"published_url": PUBLISHED_URL_NEEDS_PUBLISHED})
    visit = MonitoringVisit(
        authority_id=plan.authority_id,
        kind=kind,
        visited_on=visited_on,
        theme=theme.strip(),
        inspectors=inspectors.strip(),
        letter_on=letter_on,
        published=published,
        published_url=published_url.strip(),
        summary=summary.strip(),
    )
    visit.full_clean(exclude=["authority"])
    _save(visit, by=by, reason=VISIT_RECORDED)
    plan.monitoring_visits.add(visit)
    for order, data in enumerate(findings, start=1):
        _add_finding(visit, data, by=by, order=order)
    return visit


@transaction.atomic
def add_finding(
    *,
    plan: Plan,
    visit: MonitoringVisit,
    by,
    text: str,
    kind: str = Finding.Kind.AREA_FOR_IMPROVEMENT,
    reference: str = "",
    recommendation: Recommendation | None = None,
) -> Finding:
    """One more finding of a recorded visit, numbered after the last where no reference is
    given."""
    require(can_record_visits(by, plan))
    # Locked so two findings added at once do not both take the next number.
    locked = MonitoringVisit.objects.select_for_update().get(pk=visit.pk)
    order = (locked.findings.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    data = FindingData(text=text, kind=kind, reference=reference, recommendation=recommendation)
    return _add_finding(locked, data, by=by, order=order)


def _add_finding(visit: MonitoringVisit, data: FindingData, *, by, order: int) -> Finding:
    reference = data.reference.strip() or _next_reference(visit)
    finding = Finding(
        visit=visit,
        reference=reference,
        kind=data.kind,
        text=data.text.strip(),
        recommendation=data.recommendation,
        order=order,
    )
    finding.full_clean(exclude=["visit"], validate_unique=False)
    if visit.findings.filter(reference__iexact=reference).exists():
        raise ValidationError(
            {"reference": ValidationError(REFERENCE_TAKEN, params={"reference": reference})}
        )
    _save(finding, by=by, reason=FINDING_ADDED)
    return finding


def _next_reference(visit: MonitoringVisit) -> str:
    taken = set(visit.findings.values_list("reference", flat=True))
    number = len(taken) + 1
    while str(number) in taken:
        number += 1
    return str(number)


def _save(row, *, by, reason: str) -> None:
    row._history_user = by
    row._change_reason = reason
    row.save()


@transaction.atomic
def link_finding(
    *, plan: Plan, finding: Finding, by, actions: list[Action], at: datetime.datetime | None = None
) -> list[FindingResponse]:
    """Link the finding to actions of the plan that answer it; each link records who and when."""
    require(can_record_visits(by, plan))
    if not actions:
        raise ValidationError({"actions": CHOOSE_ACTIONS})
    locked = Finding.objects.select_for_update().get(pk=finding.pk)
    if not plan.visits().filter(pk=locked.visit_id).exists():
        raise PermissionDenied(NOT_ALLOWED)
    if any(action.plan_id != plan.pk for action in actions):
        raise ValidationError({"actions": ACTION_OF_OTHER_PLAN})
    linked = set(locked.responses.values_list("action_id", flat=True))
    if taken := [a for a in actions if a.pk in linked]:
        raise ValidationError(
            {"actions": ValidationError(ALREADY_LINKED, params={"reference": taken[0].reference})}
        )
    return [respond(locked, action, by=by, at=at) for action in actions]


def respond(finding: Finding, action: Action, *, by, at=None) -> FindingResponse:
    """The link row and its history row; for the writes of this module and of the action
    services, inside their transaction and after their permission check."""
    response = FindingResponse(
        finding=finding, action=action, linked_by=by, linked_at=at or timezone.now()
    )
    response._history_user = by
    response._history_date = response.linked_at
    response.save()
    return response
