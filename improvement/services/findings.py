"""An action made to answer a monitoring visit's finding: added to the plan with its first
progress update, and linked to the finding, in one transaction."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from improvement import visit_services
from improvement.models import Action, Lead, Objective, Plan, ProgressUpdate, Theme
from improvement.permissions import can_record_visits
from improvement.services.sheets import record_new_actions
from inspections.models import Finding

ADDED_FROM_FINDING = "Added to answer finding %(finding)s of the %(visit)s."
NOT_OF_PLAN = "Choose one of this plan's %(what)s."
ACTION_REFERENCE_TAKEN = "The plan already has an action %(reference)s."


@transaction.atomic
def add_action_from_finding(
    *,
    plan: Plan,
    finding: Finding,
    by,
    reference: str,
    text: str,
    theme: Theme | None,
    objective: Objective | None = None,
    lead: Lead | None,
    due_on: datetime.date | None,
    at: datetime.datetime | None = None,
) -> tuple[Action, ProgressUpdate]:
    """A new action of the plan, not started and unrated, answering the finding. Raises
    PermissionDenied, or ValidationError keyed by field."""
    if not can_record_visits(by, plan):
        raise PermissionDenied(visit_services.NOT_ALLOWED)
    locked = Finding.objects.select_for_update().select_related("visit").get(pk=finding.pk)
    if not plan.visits().filter(pk=locked.visit_id).exists():
        raise PermissionDenied(visit_services.NOT_ALLOWED)
    errors = {}
    if theme is not None and theme.plan_id != plan.pk:
        errors["theme"] = NOT_OF_PLAN % {"what": "themes"}
    if objective is not None and objective.plan_id != plan.pk:
        errors["objective"] = NOT_OF_PLAN % {"what": "objectives"}
    if plan.actions.filter(reference__iexact=reference.strip()).exists():
        errors["reference"] = ACTION_REFERENCE_TAKEN % {"reference": reference.strip()}
    if errors:
        raise ValidationError(errors)
    action = Action(
        plan=plan,
        reference=reference.strip(),
        text=text.strip(),
        theme=theme,
        objective=objective,
        lead=lead,
        due_on=due_on,
        order=(plan.actions.order_by("-order").values_list("order", flat=True).first() or 0) + 1,
    )
    # Unique reference in the plan, the lead of the plan's council, the fields' own rules.
    action.full_clean()
    at = at or timezone.now()
    commentary = ADDED_FROM_FINDING % {
        "finding": locked.reference,
        "visit": f"{locked.visit.get_kind_display()} of {locked.visit.visited_on:%d/%m/%Y}",
    }
    action._history_user = by
    action._history_date = at
    action._change_reason = commentary[:100]
    action.save()
    [update] = record_new_actions(actions=[action], by=by, commentary=commentary, at=at)
    visit_services.respond(locked, action, by=by, at=at)
    return action, update
