"""The admin's writes: what an action is (its words, lead, place), never its progress."""

import datetime

from django.db import transaction

from improvement.models import Action, ProgressUpdate
from improvement.services import steps
from improvement.services.sheets import record_new_actions

DETAILS_CHANGED = "Details changed in the admin: %(fields)s."
ADDED_IN_ADMIN = "Added in the admin."


@transaction.atomic
def edit_action_details(
    *, action: Action, by, changed: list[str], at: datetime.datetime | None = None
) -> ProgressUpdate:
    """An installation admin's change to what an action is (its words, lead, place in the
    plan): progress stays as the locked row holds it, so an update recorded on the site since
    the admin page opened is kept, and the change is one version with its one progress update."""
    steps.require(by.has_perm("improvement.change_action"))
    current = Action.objects.select_for_update().get(pk=action.pk)
    for name in (*steps.PROGRESS_FIELDS, "version"):
        setattr(action, name, getattr(current, name))
    update = steps.update_of(
        action, by=by, at=at, commentary=DETAILS_CHANGED % {"fields": ", ".join(changed)}
    )
    steps.save(action, update, by=by)
    return update


@transaction.atomic
def add_action(*, action: Action, by, at: datetime.datetime | None = None) -> ProgressUpdate:
    """An action an installation admin adds: unrated and not started, with its first update."""
    steps.require(by.has_perm("improvement.add_action"))
    action._history_user = by
    action._change_reason = ADDED_IN_ADMIN
    action.save()
    return record_new_actions(actions=[action], by=by, commentary=ADDED_IN_ADMIN, at=at)[0]
