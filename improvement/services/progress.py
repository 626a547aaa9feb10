"""An officer's progress on an action: the update page, evidence, a revised due date, and
the same update for callers that have already decided who may write."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from improvement.models import Action, Evidence, ProgressUpdate, Status
from improvement.permissions import can_update_action
from improvement.services import steps
from improvement.tasks import tell_sign_off_requested

EVIDENCE_MISSING = "Choose a file or give a link."
DUE_DATE_REQUIRED = "Give the new due date."


@dataclass(frozen=True)
class UpdateResult:
    """What an officer's update wrote, for the page to say so."""

    update: ProgressUpdate | None
    evidence: Evidence | None = None
    sign_off_requested: bool = False

    @property
    def changed(self) -> bool:
        return self.update is not None


@transaction.atomic
def update_action(
    *,
    action: Action,
    by,
    expected_version: int,
    progress_rag: str | None = None,
    status: str | None = None,
    commentary: str = "",
    due_on=steps.UNSET,
    due_reason: str = "",
    impact_evidence: str | None = None,
    evidence_file=None,
    evidence_link: str = "",
    evidence_description: str = "",
    at: datetime.datetime | None = None,
) -> UpdateResult:
    """An officer's update from the update page: progress, maybe a sign-off request, evidence.

    Marking the action complete asks for sign-off; evidence given with no other change is an
    update of its own. Raises PermissionDenied, StaleEdit or ValidationError (with field keys).
    """
    steps.require(can_update_action(by, action))
    locked = steps.lock(action, expected_version=expected_version)
    if evidence_file:
        steps.check_evidence_file(evidence_file)
    new_status = steps.status_asked(locked.status, status)
    asks_sign_off = new_status == Status.AWAITING_SIGN_OFF and locked.status != new_status
    if asks_sign_off:
        steps.check_impact_evidence(impact_evidence or "")
    update = steps.change(
        locked,
        by=by,
        at=at,
        progress_rag=progress_rag,
        status=new_status,
        commentary=commentary,
        due_on=due_on,
        due_reason=due_reason,
        impact_evidence=impact_evidence,
    )
    has_evidence = bool(evidence_file or evidence_link)
    if update is None and has_evidence:
        name = evidence_description or evidence_link or steps.original_name(evidence_file)
        update = steps.evidence_update(locked, by=by, name=name, at=at)
    if update is not None:
        steps.save(locked, update, by=by)
    evidence = None
    if has_evidence:
        evidence = steps.attach(
            locked,
            update,
            by=by,
            file=evidence_file,
            link=evidence_link,
            description=evidence_description,
        )
    steps.copy_back(action, locked)
    result = UpdateResult(
        update=update, evidence=evidence, sign_off_requested=asks_sign_off and update is not None
    )
    if result.sign_off_requested:
        steps.tell_of(update, task=tell_sign_off_requested, at=at)
    return result


@transaction.atomic
def attach_evidence(
    *,
    action: Action,
    by,
    expected_version: int,
    file=None,
    link: str = "",
    description: str = "",
    at: datetime.datetime | None = None,
) -> Evidence:
    """Evidence on its own: a file and/or a link, on an update of its own."""
    steps.require(can_update_action(by, action))
    if not file and not link:
        raise ValidationError({"evidence_file": EVIDENCE_MISSING})
    if file:
        steps.check_evidence_file(file)
    locked = steps.lock(action, expected_version=expected_version)
    name = description or link or steps.original_name(file)
    update = steps.evidence_update(locked, by=by, name=name, at=at)
    steps.save(locked, update, by=by)
    evidence = steps.attach(locked, update, by=by, file=file, link=link, description=description)
    steps.copy_back(action, locked)
    return evidence


@transaction.atomic
def revise_due_date(
    *,
    action: Action,
    by,
    expected_version: int,
    due_on: datetime.date,
    reason: str,
    commentary: str = "",
    at: datetime.datetime | None = None,
) -> ProgressUpdate | None:
    """A new due date with its reason, which the board sees. None when the date is the same."""
    steps.require(can_update_action(by, action))
    if due_on is None:
        raise ValidationError({"due_on": DUE_DATE_REQUIRED})
    locked = steps.lock(action, expected_version=expected_version)
    update = steps.change(
        locked, by=by, at=at, due_on=due_on, due_reason=reason, commentary=commentary
    )
    if update is not None:
        steps.save(locked, update, by=by)
    steps.copy_back(action, locked)
    return update


@transaction.atomic
def record_progress(
    *,
    action: Action,
    by,
    expected_version: int,
    progress_rag: str | None = None,
    status: str | None = None,
    commentary: str = "",
    impact_rag: str | None = None,
    impact_evidence: str | None = None,
    due_on=steps.UNSET,
    due_reason: str = "",
    reason: str = "",
    at: datetime.datetime | None = None,
) -> ProgressUpdate | None:
    """A progress update from a caller that has already decided `by` may make it (the admin,
    the demo loader), with the same rules as an officer's. Arguments left as None (or due_on
    unset) keep their value; returns None when nothing changed. `reason` is why sign-off was
    refused; the update keeps it, or else the due date's reason, since it is written once."""
    locked = steps.lock(action, expected_version=expected_version)
    update = steps.change(
        locked,
        by=by,
        at=at,
        progress_rag=progress_rag,
        status=status,
        commentary=commentary,
        impact_rag=impact_rag,
        impact_evidence=impact_evidence,
        due_on=due_on,
        due_reason=due_reason,
        reason=reason,
    )
    if update is not None:
        steps.save(locked, update, by=by)
    steps.copy_back(action, locked)
    return update
