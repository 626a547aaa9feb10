"""When a plan's recorded history begins, and what a pack dated before then must say.

A pack is read from history, so a pack as at a day before anything was recorded comes out empty
or partial; it says so on its cover, and is issued only when asked to be.
"""

import datetime

from django.db.models import Min
from django.utils import timezone

from improvement.models import Action

BEFORE_HISTORY = (
    "This pack is dated before the plan's recorded history begins on {begins:%-d %B %Y}: "
    "nothing was recorded as at {as_at:%-d %B %Y}, so its figures are empty or incomplete, "
    "not the plan as it then stood."
)


def history_begins_on(plan) -> datetime.date | None:
    """The day the first of the plan's actions was recorded; None when it has none."""
    first = Action.history.filter(plan_id=plan.pk).aggregate(first=Min("history_date"))["first"]
    return timezone.localdate(first) if first else None


def before_history_warning(plan, as_at: datetime.date) -> str:
    """The cover's warning for a pack dated before the history begins, or "" for any other."""
    begins = history_begins_on(plan)
    if begins is None or as_at >= begins:
        return ""
    return BEFORE_HISTORY.format(begins=begins, as_at=as_at)
