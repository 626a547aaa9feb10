"""Sign-off: the officer asks, an improvement lead signs the action off or sends it back."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from improvement.models import DONE_STATUSES, Action, ProgressUpdate, Status
from improvement.permissions import can_sign_off, can_update_action
from improvement.querysets import SENT_BACK_PREFIX
from improvement.rag import completed_rag
from improvement.services import steps
from improvement.tasks import tell_sent_back, tell_sign_off_requested

NOT_AWAITING_SIGN_OFF = "This action is not awaiting sign-off."
SEND_BACK_REASON_REQUIRED = "Say why the action is being sent back."
SIGNED_OFF = "Signed off as complete."
SENT_BACK = SENT_BACK_PREFIX + "%(reason)s"


@transaction.atomic
def request_sign_off(
    *,
    action: Action,
    by,
    expected_version: int,
    impact_evidence: str,
    commentary: str,
    at: datetime.datetime | None = None,
) -> ProgressUpdate:
    """The officer says the action is done: it waits for an improvement lead's sign-off."""
    steps.require(can_update_action(by, action))
    locked = steps.lock(action, expected_version=expected_version)
    if locked.status in (Status.AWAITING_SIGN_OFF, *DONE_STATUSES):
        raise ValidationError({"status": NOT_AWAITING_SIGN_OFF})
    steps.check_impact_evidence(impact_evidence)
    update = steps.change(
        locked,
        by=by,
        at=at,
        status=Status.AWAITING_SIGN_OFF,
        impact_evidence=impact_evidence,
        commentary=commentary,
    )
    steps.save(locked, update, by=by)
    steps.copy_back(action, locked)
    steps.tell_of(update, task=tell_sign_off_requested, at=at)
    return update


@transaction.atomic
def sign_off(
    *,
    action: Action,
    by,
    expected_version: int,
    commentary: str = "",
    at: datetime.datetime | None = None,
) -> ProgressUpdate:
    """An improvement lead accepts the action as complete; evidenced impact shows it blue."""
    steps.require(can_sign_off(by, action))
    locked = steps.lock(action, expected_version=expected_version)
    if locked.status != Status.AWAITING_SIGN_OFF:
        raise ValidationError({"status": NOT_AWAITING_SIGN_OFF})
    update = steps.change(
        locked,
        by=by,
        at=at,
        status=Status.COMPLETE,
        progress_rag=completed_rag(impact_evidence=locked.impact_evidence),
        commentary=commentary.strip() or SIGNED_OFF,
    )
    steps.save(locked, update, by=by)
    steps.copy_back(action, locked)
    return update


@transaction.atomic
def send_back(
    *,
    action: Action,
    by,
    expected_version: int,
    reason: str,
    at: datetime.datetime | None = None,
) -> ProgressUpdate:
    """An improvement lead refuses sign-off; the action is open again and the reason is kept."""
    steps.require(can_sign_off(by, action))
    locked = steps.lock(action, expected_version=expected_version)
    if locked.status != Status.AWAITING_SIGN_OFF:
        raise ValidationError({"status": NOT_AWAITING_SIGN_OFF})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": SEND_BACK_REASON_REQUIRED})
    update = steps.change(
        locked,
        by=by,
        at=at,
        status=Status.IN_PROGRESS,
        commentary=SENT_BACK % {"reason": reason},
        reason=reason,
    )
    steps.save(locked, update, by=by)
    steps.copy_back(action, locked)
    steps.tell_of(update, task=tell_sent_back, at=at)
    return update
