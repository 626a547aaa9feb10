"""Why an open action needs a reminder on a day: a pure rule, no database, table-tested.

The same three exceptions the pack and the dashboard show: overdue, due within the "due soon"
window (ratings.DUE_SOON_DAYS) and no progress update for NO_UPDATE_DAYS. The queryset
`Action.objects.needing_reminder(on=day)` asks the same in SQL; tests hold both to one table.
"""

import datetime

from improvement.ratings import DONE_STATUSES, DUE_SOON_DAYS, NO_UPDATE_DAYS

OVERDUE = "overdue"
COMING_DUE = "due_soon"
NO_UPDATE = "no_update"
REVIEW_DUE = "review_due"

WHY = {
    OVERDUE: "Overdue: it was due on %(due)s",
    COMING_DUE: "Due soon: it is due on %(due)s",
    NO_UPDATE: f"No progress update for {NO_UPDATE_DAYS} days",
    REVIEW_DUE: "Review due: last reviewed %(last)s",
}


def reminder_reasons(
    *,
    status: str,
    due_on: datetime.date | None,
    last_update_on: datetime.date | None,
    today: datetime.date,
) -> tuple[str, ...]:
    """The reasons, most pressing first; none for an action that is done. An action never
    updated counts as not updated, as the pack's "no update for 30 days" exception counts it."""
    if status in DONE_STATUSES:
        return ()
    reasons = []
    if due_on is not None and due_on < today:
        reasons.append(OVERDUE)
    elif due_on is not None and due_on <= today + datetime.timedelta(days=DUE_SOON_DAYS):
        reasons.append(COMING_DUE)
    if last_update_on is None or last_update_on < today - datetime.timedelta(days=NO_UPDATE_DAYS):
        reasons.append(NO_UPDATE)
    return tuple(reasons)


def why(reason: str, *, due: datetime.date | None = None, last: datetime.date | None = None):
    return WHY[reason] % {
        "due": f"{due:%-d %B %Y}" if due else "",
        "last": f"{last:%-d %B %Y}" if last else "never",
    }
