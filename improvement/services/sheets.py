"""The importer's writes: a spreadsheet row's changes to an action, and the first update of
actions added in bulk."""

import datetime

from django.db import transaction
from django.utils import timezone

from improvement.models import Action, ProgressUpdate
from improvement.services import steps

# Never taken from a spreadsheet row: the action's identity, its lock and what its save() sets.
NOT_FROM_SHEET = {"id", "plan", "version", "updated_at", "first_due_on", *steps.PROGRESS_FIELDS}


@transaction.atomic
def record_sheet_row(
    *,
    action: Action,
    row: Action,
    by,
    expected_version: int,
    commentary: str,
    due_reason: str = "",
    change_reason: str = "spreadsheet import",
) -> ProgressUpdate:
    """A spreadsheet row's changes to an existing action, as one write: its wording and its
    progress in one history row and one progress update. `row` holds the values the row read;
    the importing user was allowed by the import itself. The action's commentary becomes the
    row's; the update's is `commentary`, which says what the import did when the row says
    nothing new."""
    locked = steps.lock(action, expected_version=expected_version)
    for field in Action._meta.concrete_fields:
        if field.name not in NOT_FROM_SHEET:
            setattr(locked, field.attname, getattr(row, field.attname))
    update = steps.change(
        locked,
        by=by,
        progress_rag=row.progress_rag,
        status=row.status,
        impact_rag=row.impact_rag,
        impact_evidence=row.impact_evidence,
        due_on=row.due_on,
        due_reason=due_reason,
        commentary=commentary,
        always=True,
    )
    locked.commentary = row.commentary
    # Text that is no date ("On going") is flagged for review, whether or not the date moved.
    locked.due_needs_review = row.due_needs_review
    steps.save(locked, update, by=by, change_reason=change_reason)
    steps.copy_back(action, locked)
    return update


@transaction.atomic
def record_new_actions(
    *, actions: list[Action], by, commentary: str, at: datetime.datetime | None = None
) -> list[ProgressUpdate]:
    """The first progress update of actions just added in bulk (their history rows written with
    them): each records the action as it started, at its first version."""
    at = at or timezone.now()
    return ProgressUpdate.objects.bulk_create(
        [
            ProgressUpdate(
                action=action,
                by=by,
                at=at,
                progress_rag_before=action.progress_rag,
                progress_rag_after=action.progress_rag,
                impact_rag_before=action.impact_rag,
                impact_rag_after=action.impact_rag,
                status_before=action.status,
                status_after=action.status,
                due_on_before=action.due_on,
                due_on_after=action.due_on,
                commentary=commentary,
                action_version=action.version,
            )
            for action in actions
        ],
        batch_size=500,
    )
