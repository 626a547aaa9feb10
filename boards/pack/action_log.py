"""The board's own action log in the pack: each action minuted at a meeting held by the as-at
date that was still open then, or closed at the latest meeting, with its status, owner, age,
latest note and whether it was carried forward from an earlier meeting.

From the frozen snapshot only (boards/pack/snapshot.py chooses the rows).
"""

import datetime

OPEN = "open"
CLOSED = "closed"


def _as_date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def status_label(action: dict, *, due: datetime.date | None, as_at: datetime.date) -> str:
    if action["status"] == CLOSED:
        closed = _as_date(action["closed_on"])
        return f"Closed {closed:%d/%m/%Y}" if closed else "Closed"
    if due is not None and due < as_at:
        return "Open, overdue"
    return "Open"


def age_in_days(action: dict, *, raised: datetime.date | None, as_at: datetime.date) -> int | None:
    """Days open as at the pack date, or until the meeting that closed it."""
    if raised is None:
        return None
    until = _as_date(action["closed_on"]) if action["status"] == CLOSED else None
    return max(((until or as_at) - raised).days, 0)


def row(action: dict, *, as_at: datetime.date) -> dict:
    raised = _as_date(action["meeting_held_on"])
    due = _as_date(action["due_on"])
    return {
        **action,
        "raised": raised,
        "due": due,
        "status_label": status_label(action, due=due, as_at=as_at),
        "age_days": age_in_days(action, raised=raised, as_at=as_at),
        "closed": action["status"] == CLOSED,
    }


def section(snapshot: dict) -> dict:
    as_at = _as_date(snapshot["as_at"])
    rows = [row(a, as_at=as_at) for a in snapshot["meeting_actions"]]
    return {
        "rows": rows,
        "open": sum(1 for r in rows if not r["closed"]),
        "carried_forward": sum(1 for r in rows if r["carried_forward"]),
        "closed": sum(1 for r in rows if r["closed"]),
    }
