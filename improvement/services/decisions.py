"""A board decision carried out on a plan action: a revised due date or a closure approved,
the update naming and linking the decision."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from improvement.models import DONE_STATUSES, Action, ProgressUpdate, Status
from improvement.permissions import can_record_meetings
from improvement.services import steps

ALREADY_CLOSED = "This action is already complete or closed."
SAME_DUE_DATE = "The action is already due on that date."


@transaction.atomic
def approve_revised_due_date(
    *,
    action: Action,
    by,
    due_on: datetime.date,
    decision: str,
    decision_url: str,
    at: datetime.datetime | None = None,
) -> ProgressUpdate:
    """A board decision moves the due date; the update names and links the decision."""
    steps.require(can_record_meetings(by, action.plan))
    locked = steps.lock(action, expected_version=action.version)
    if locked.due_on == due_on:
        raise ValidationError({"revised_due_on": SAME_DUE_DATE})
    update = steps.change(
        locked, by=by, at=at, due_on=due_on, due_reason=decision, commentary=decision
    )
    update.decision_url = decision_url
    steps.save(locked, update, by=by)
    steps.copy_back(action, locked)
    return update


@transaction.atomic
def approve_closure(
    *,
    action: Action,
    by,
    decision: str,
    decision_url: str,
    at: datetime.datetime | None = None,
) -> ProgressUpdate:
    """A board decision closes an open action (or one awaiting sign-off)."""
    steps.require(can_record_meetings(by, action.plan))
    locked = steps.lock(action, expected_version=action.version)
    if locked.status in DONE_STATUSES:
        raise ValidationError({"action": ALREADY_CLOSED})
    update = steps.change(locked, by=by, at=at, status=Status.CLOSED, commentary=decision)
    update.decision_url = decision_url
    steps.save(locked, update, by=by)
    steps.copy_back(action, locked)
    return update
