"""The day the plan's pages count from: what is overdue or due soon, and the date in a download's
name. Pages ask `today()`; rules and selectors take the day as an argument, as packs take `as_at`.

`pinned(day)` fixes the day for the code inside it, in the current context only: a pin cannot
outlive its `with` block, nor reach another thread's or another request's pages.
"""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone

_pinned_day: ContextVar[datetime.date | None] = ContextVar("pinned_day", default=None)


def today() -> datetime.date:
    """Today in the site's time zone, unless a caller has pinned the day."""
    day = _pinned_day.get()
    return timezone.localdate() if day is None else day


@contextmanager
def pinned(day: datetime.date) -> Iterator[datetime.date]:
    token = _pinned_day.set(day)
    try:
        yield day
    finally:
        _pinned_day.reset(token)
