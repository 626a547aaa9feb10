"""Every write to an action goes through here: views, admin, importers and commands alike."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from improvement.models import Action, ProgressUpdate, Rag, Status

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
    at: datetime.datetime | None = None,
) -> ProgressUpdate | None:
    """Apply an officer's update to an action and write its progress update, atomically.

    Arguments left as None (or due_on unset) keep their current value. Returns None when nothing
    changed. Raises StaleEdit when the action moved on since `expected_version`, and
    ValidationError (with field keys) when the update breaks a rule.
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
        reason=due_reason.strip(),
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
