"""The pack's "Since the last monitoring visit" section, from the snapshot's visits only."""

import datetime

from boards.pack.schema import Snapshot


def since_last_visit(snapshot: Snapshot) -> dict | None:
    """The latest visit held by the as-at date with each finding and its answer, and every
    finding of any visit that no open action answers; None when the plan records no visit."""
    visits = snapshot["visits"]
    if not visits:
        return None
    latest, *earlier = visits
    earlier_unanswered = [
        {**finding, "visit": visit_name(visit)}
        for visit in earlier
        for finding in visit["findings"]
        if not finding["answered_by"]
    ]
    latest_unanswered = sum(1 for finding in latest["findings"] if not finding["answered_by"])
    return {
        "latest": {
            **latest,
            "visited": datetime.date.fromisoformat(latest["visited_on"]),
            "letter": datetime.date.fromisoformat(latest["letter_on"])
            if latest["letter_on"]
            else None,
        },
        "unanswered_count": latest_unanswered + len(earlier_unanswered),
        "earlier_unanswered": earlier_unanswered,
    }


def visit_name(visit) -> str:
    day = datetime.date.fromisoformat(visit["visited_on"])
    return f"{visit['kind']}, {day:%-d %B %Y}"
