"""Every write to an action goes through here: views, admin, importers and commands alike."""

import datetime
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from improvement.models import DONE_STATUSES, Action, Evidence, ProgressUpdate, Rag, Status
from improvement.permissions import can_sign_off, can_update_action
from improvement.rag import completed_rag
from improvement.uploads import validate_evidence_file

COMMENTARY_REQUIRED = "Say what has changed: commentary is required when the RAG or status changes."
COMMENTARY_REQUIRED_RED_AMBER = "Commentary is required for a red or amber RAG."
DUE_REASON_REQUIRED = "Give a reason for revising the due date."
STALE_EDIT = (
    "Someone else updated this action after you opened it. Their change is shown below; "
    "nothing of yours was saved."
)


class StaleEdit(Exception):
    """The action changed since the editor loaded it; carries what changed since then."""

    def __init__(self, *, action: Action, since_version: int):
        super().__init__(STALE_EDIT)
        self.action = action
        self.since_version = since_version
        self.updates = list(
            action.updates.select_related("by").filter(action_version__gt=since_version)
        )


_UNSET = object()


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
    due_on=_UNSET,
    due_reason: str = "",
    reason: str = "",
    at: datetime.datetime | None = None,
) -> ProgressUpdate | None:
    """Apply an officer's update to an action and write its progress update, atomically.

    Arguments left as None (or due_on unset) keep their current value. Returns None when nothing
    changed. Raises StaleEdit when the action moved on since `expected_version`, and
    ValidationError (with field keys) when the update breaks a rule. `reason` is why sign-off
    was refused; the update keeps it, or else the due date's reason, since it is written once.
    """
    locked = Action.objects.select_for_update().get(pk=action.pk)
    if locked.version != expected_version:
        raise StaleEdit(action=locked, since_version=expected_version)

    new_rag = progress_rag if progress_rag is not None else locked.progress_rag
    new_status = status if status is not None else locked.status
    new_impact_rag = impact_rag if impact_rag is not None else locked.impact_rag
    new_due = locked.due_on if due_on is _UNSET else due_on
    commentary = (commentary or "").strip()

    _validate(
        locked,
        new_rag=new_rag,
        new_status=new_status,
        new_due=new_due,
        commentary=commentary,
        due_reason=due_reason,
    )

    changed = (
        new_rag != locked.progress_rag
        or new_status != locked.status
        or new_impact_rag != locked.impact_rag
        or new_due != locked.due_on
        or bool(commentary)
        or (impact_evidence is not None and impact_evidence != locked.impact_evidence)
    )
    if not changed:
        return None

    update = ProgressUpdate(
        action=locked,
        by=by,
        at=at or timezone.now(),
        progress_rag_before=locked.progress_rag,
        progress_rag_after=new_rag,
        impact_rag_before=locked.impact_rag,
        impact_rag_after=new_impact_rag,
        status_before=locked.status,
        status_after=new_status,
        due_on_before=locked.due_on,
        due_on_after=new_due,
        commentary=commentary,
        reason=reason.strip() or due_reason.strip(),
        action_version=locked.version + 1,
    )

    locked.progress_rag = new_rag
    locked.status = new_status
    locked.impact_rag = new_impact_rag
    if new_due != locked.due_on:
        locked.due_on = new_due
        locked.due_needs_review = False
    if commentary:
        locked.commentary = commentary
    if impact_evidence is not None:
        locked.impact_evidence = impact_evidence
    if new_status == Status.COMPLETE and locked.completed_on is None:
        locked.completed_on = update.at.date()
    locked.version += 1
    locked._change_reason = commentary[:100] or "progress update"
    locked._history_user = by
    locked.full_clean()
    locked.save()
    update.save()
    action.refresh_from_db()
    return update


def _validate(locked: Action, *, new_rag, new_status, new_due, commentary, due_reason) -> None:
    errors = {}
    if not commentary:
        if new_rag != locked.progress_rag or new_status != locked.status:
            errors["commentary"] = COMMENTARY_REQUIRED
        elif new_rag in (Rag.RED, Rag.AMBER):
            errors["commentary"] = COMMENTARY_REQUIRED_RED_AMBER
    if new_due != locked.due_on and locked.due_on is not None and not due_reason.strip():
        errors["due_reason"] = DUE_REASON_REQUIRED
    if errors:
        raise ValidationError(errors)


NOT_ALLOWED = "You cannot change this action."
IMPACT_EVIDENCE_REQUIRED = (
    "Describe the evidence of impact: an action is only marked complete with its impact shown."
)
NOT_AWAITING_SIGN_OFF = "This action is not awaiting sign-off."
SEND_BACK_REASON_REQUIRED = "Say why the action is being sent back."
SIGNED_OFF = "Signed off as complete."
SENT_BACK = "Sent back: %(reason)s"
EVIDENCE_MISSING = "Choose a file or give a link."
EVIDENCE_ADDED = "Evidence added: %(name)s"


def _check_evidence_file(file) -> None:
    # The model field's own validator, asked before anything is written, keyed for the form.
    try:
        validate_evidence_file(file)
    except ValidationError as refused:
        raise ValidationError({"evidence_file": refused.messages}) from refused


def original_name(file) -> str:
    """The uploader's file name, kept only to show and to name the download."""
    name = Path(file.name or "").name
    return "".join(ch for ch in name if ch.isprintable())[-255:]


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(NOT_ALLOWED)


def _lock(action: Action, *, expected_version: int) -> Action:
    locked = Action.objects.select_related("plan").select_for_update(of=("self",)).get(pk=action.pk)
    if locked.version != expected_version:
        raise StaleEdit(action=locked, since_version=expected_version)
    return locked


def _status_asked(current: str, asked: str | None) -> str | None:
    """Marking an open action complete asks for sign-off; only a sign-off completes it."""
    if asked != Status.COMPLETE:
        return asked
    if current in (Status.AWAITING_SIGN_OFF, *DONE_STATUSES):
        return None
    return Status.AWAITING_SIGN_OFF


@transaction.atomic
def update_action(
    *,
    action: Action,
    by,
    expected_version: int,
    progress_rag: str | None = None,
    status: str | None = None,
    commentary: str = "",
    due_on=_UNSET,
    due_reason: str = "",
    impact_evidence: str | None = None,
    evidence_file=None,
    evidence_link: str = "",
    evidence_description: str = "",
    at: datetime.datetime | None = None,
) -> ProgressUpdate | None:
    """An officer's update from the update page: progress, maybe a sign-off request, evidence."""
    _require(can_update_action(by, action))
    locked = _lock(action, expected_version=expected_version)
    if evidence_file:
        _check_evidence_file(evidence_file)
    new_status = _status_asked(locked.status, status)
    if new_status == Status.AWAITING_SIGN_OFF and locked.status != new_status:
        _check_impact_evidence(impact_evidence if impact_evidence is not None else "")
    update = record_progress(
        action=action,
        by=by,
        expected_version=expected_version,
        progress_rag=progress_rag,
        status=new_status,
        commentary=commentary,
        due_on=due_on,
        due_reason=due_reason,
        impact_evidence=impact_evidence,
        at=at,
    )
    if evidence_file or evidence_link:
        evidence = attach_evidence(
            action=action,
            by=by,
            expected_version=action.version,
            file=evidence_file,
            link=evidence_link,
            description=evidence_description,
            update=update,
            at=at,
        )
        update = update or evidence.update
    return update


def _check_impact_evidence(impact_evidence: str) -> None:
    if not impact_evidence.strip():
        raise ValidationError({"impact_evidence": IMPACT_EVIDENCE_REQUIRED})


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
    _require(can_update_action(by, action))
    locked = _lock(action, expected_version=expected_version)
    if locked.status in (Status.AWAITING_SIGN_OFF, *DONE_STATUSES):
        raise ValidationError({"status": NOT_AWAITING_SIGN_OFF})
    _check_impact_evidence(impact_evidence)
    return record_progress(
        action=action,
        by=by,
        expected_version=expected_version,
        status=Status.AWAITING_SIGN_OFF,
        impact_evidence=impact_evidence,
        commentary=commentary,
        at=at,
    )


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
    _require(can_sign_off(by, action))
    locked = _lock(action, expected_version=expected_version)
    if locked.status != Status.AWAITING_SIGN_OFF:
        raise ValidationError({"status": NOT_AWAITING_SIGN_OFF})
    return record_progress(
        action=action,
        by=by,
        expected_version=expected_version,
        status=Status.COMPLETE,
        progress_rag=completed_rag(impact_evidence=locked.impact_evidence),
        commentary=commentary.strip() or SIGNED_OFF,
        at=at,
    )


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
    _require(can_sign_off(by, action))
    locked = _lock(action, expected_version=expected_version)
    if locked.status != Status.AWAITING_SIGN_OFF:
        raise ValidationError({"status": NOT_AWAITING_SIGN_OFF})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": SEND_BACK_REASON_REQUIRED})
    return record_progress(
        action=action,
        by=by,
        expected_version=expected_version,
        status=Status.IN_PROGRESS,
        commentary=SENT_BACK % {"reason": reason},
        reason=reason,
        at=at,
    )


@transaction.atomic
def attach_evidence(
    *,
    action: Action,
    by,
    expected_version: int,
    file=None,
    link: str = "",
    description: str = "",
    update: ProgressUpdate | None = None,
    at: datetime.datetime | None = None,
) -> Evidence:
    """Attach a file and/or a link. Without an update to hang it on, it writes its own."""
    _require(can_update_action(by, action))
    if not file and not link:
        raise ValidationError({"evidence_file": EVIDENCE_MISSING})
    if file:
        _check_evidence_file(file)
    locked = _lock(action, expected_version=expected_version)
    if update is None:
        name = description or link or original_name(file)
        update = _evidence_update(locked, by=by, name=name, at=at)
    evidence = Evidence(
        action=locked,
        update=update,
        file=file or "",
        original_name=original_name(file) if file else "",
        link=link,
        description=description,
        uploaded_by=by,
    )
    evidence.full_clean()
    evidence.save()
    return evidence


def _evidence_update(locked: Action, *, by, name: str, at) -> ProgressUpdate:
    locked.version += 1
    Action.objects.filter(pk=locked.pk).update(version=locked.version)
    return ProgressUpdate.objects.create(
        action=locked,
        by=by,
        at=at or timezone.now(),
        progress_rag_before=locked.progress_rag,
        progress_rag_after=locked.progress_rag,
        impact_rag_before=locked.impact_rag,
        impact_rag_after=locked.impact_rag,
        status_before=locked.status,
        status_after=locked.status,
        due_on_before=locked.due_on,
        due_on_after=locked.due_on,
        commentary=EVIDENCE_ADDED % {"name": name},
        action_version=locked.version,
    )
