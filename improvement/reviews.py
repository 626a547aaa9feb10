"""When a risk is due for review: a pure rule, no database, table-tested. See docs/rag.md.

A plan reviews its risks every `risk_review_months`; a risk's last review is its review date,
else the date it was raised. The review is overdue the day after the interval has run from it.
"""

import calendar
import datetime

# A plan's risks are reviewed quarterly unless the plan says otherwise.
DEFAULT_REVIEW_MONTHS = 3


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day of the month `months` later (or earlier), the month's last day where the
    month is shorter: 31 January plus one month is 28 (or 29) February."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def last_review_on(
    *, reviewed_on: datetime.date | None, raised_on: datetime.date | None
) -> datetime.date | None:
    return reviewed_on or raised_on


def next_review_on(*, last_reviewed: datetime.date | None, months: int) -> datetime.date | None:
    """The day by which the risk should next be reviewed; None when no review date is known."""
    return None if last_reviewed is None else add_months(last_reviewed, months)


def is_review_overdue(
    *, last_reviewed: datetime.date | None, months: int, today: datetime.date, closed: bool = False
) -> bool:
    """Overdue when the interval has run out before today. A closed risk is never overdue; an
    open risk with no date of review or raising is, since nobody can show it was reviewed."""
    if closed:
        return False
    if last_reviewed is None:
        return True
    return next_review_on(last_reviewed=last_reviewed, months=months) < today


def review_cutoff(*, today: datetime.date, months: int) -> datetime.date:
    """The earliest last-review date that is not overdue today, so a query can ask
    `last_review < cutoff` and agree with `is_review_overdue` on every day, month ends included
    (adding months is not undone by subtracting them: 30 March less a month is 28 February, but
    28 February plus a month is 28 March)."""
    cutoff = add_months(today, -months)
    one_day = datetime.timedelta(days=1)
    while add_months(cutoff - one_day, months) >= today:
        cutoff -= one_day
    while add_months(cutoff, months) < today:
        cutoff += one_day
    return cutoff
