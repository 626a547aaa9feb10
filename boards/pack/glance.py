"""The pack's front section, "At a glance", and the summary its cover carries.

Two to four pages a chair reads first: each theme's RAG counts with the change since the last
pack, how much is complete and overdue, the decisions the board is asked to make (closures
awaiting sign-off, revised due dates to agree), measures off target, risks above target, and the
monitoring-visit findings and Ofsted recommendations no action answers. From the snapshot and
the sections already built from it, never from today's rows.
"""

import datetime
from collections import Counter

from boards.pack import charts
from boards.pack.themes import theme_figures
from boards.pack.visits import visit_name
from improvement.rag import measure_off_track
from improvement.ratings import DONE_STATUSES, Rag, Status


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def _signed(change: int) -> str:
    # A real minus sign: a screen reader says "minus", and it lines up with "+" in print.
    return f"+{change}" if change > 0 else f"−{-change}" if change < 0 else "0"


def _figure(count: int, earlier: int | None) -> dict:
    return {"count": count, "change": None if earlier is None else _signed(count - earlier)}


def _theme_row(name: str, now: dict, before: dict | None) -> dict:
    return {
        "name": name,
        "rags": [
            _figure(
                now["rags"].get(rag.value, 0),
                before["rags"].get(rag.value, 0) if before else None,
            )
            for rag in charts.RAG_ORDER
        ],
        "total": now["total"],
        "done": now["done"],
        "percent_complete": _percent(now["done"], now["total"]),
        "overdue": _figure(now["overdue"], before["overdue"] if before else None),
    }


def _all_themes(rows: list[dict]) -> dict:
    rags: Counter = Counter()
    for row in rows:
        rags.update(row["rags"])
    return {
        "rags": dict(rags),
        **{key: sum(row[key] for row in rows) for key in ("total", "done", "overdue")},
    }


def theme_table(snapshot: dict) -> dict:
    """Each theme's derived RAG counts, complete and overdue, with the change since the pack the
    movement compares with (matched by theme id, or by name for a theme whose id changed), and
    the same for all themes."""
    previous = snapshot["movement"].get("previous_themes")
    compared = previous is not None
    by_id = {row["theme_id"]: row for row in previous or []}
    by_name = {row["name"]: row for row in previous or []}
    empty = {"rags": {}, "total": 0, "done": 0, "overdue": 0}
    current = theme_figures(snapshot)
    rows = [
        _theme_row(
            now["name"],
            now,
            (by_id.get(now["theme_id"]) or by_name.get(now["name"]) or empty) if compared else None,
        )
        for now in current
    ]
    totals = _theme_row(
        "All themes", _all_themes(current), _all_themes(previous) if compared else None
    )
    return {"rows": rows, "totals": totals, "compared": compared}


def closures_awaiting_sign_off(actions: list[dict]) -> list[dict]:
    """Actions their leads say are done, waiting for the board's or the lead's approval,
    longest waiting first."""
    waiting = [a for a in actions if a["status"] == Status.AWAITING_SIGN_OFF]
    return sorted(waiting, key=lambda a: (a["last_update"] or datetime.date.min, a["reference"]))


def revised_due_dates(snapshot: dict, actions: list[dict]) -> list[dict]:
    """Due dates to agree: those moved since the last pack; in a first pack, those of open
    actions revised in the tracker, from the date first set. Each with the reason last given;
    a date the board itself moved by a decision is agreed already and left out."""
    by_reference = {a["reference"]: a for a in actions}
    movement = snapshot["movement"]
    if movement["previous_as_at"]:
        moved = [
            (by_reference[m["reference"]], m["from"], m["to"])
            for m in movement["due_revised"]
            if m["reference"] in by_reference
        ]
    else:
        moved = [
            (a, a["first_due_on"], a["due_on"])
            for a in actions
            if not a["done"] and a["due_revisions"] and a["due_on"] != a["first_due_on"]
        ]
    return [
        {
            **action,
            "was": datetime.date.fromisoformat(was) if was else None,
            "now": datetime.date.fromisoformat(now) if now else None,
            "reason": action["due_revision_reason"],
        }
        for action, was, now in moved
        if action["status"] not in DONE_STATUSES and not action["due_revision_decided"]
    ]


def unanswered_findings(visits: dict | None) -> list[dict]:
    """Every finding of any visit held by the as-at date that no open action answers, the
    latest visit's first."""
    if not visits:
        return []
    latest = visits["latest"]
    return [
        {**finding, "visit": visit_name(latest)}
        for finding in latest["findings"]
        if not finding["answered_by"]
    ] + visits["earlier_unanswered"]


def front(
    snapshot: dict,
    *,
    actions: list[dict],
    coverage: list[dict],
    measure_section: dict,
    risks: dict,
    visits: dict | None,
) -> dict:
    measures_off = [m for m in measure_section["table"] if measure_off_track(Rag(m["rag"]))]
    measures_off.sort(key=lambda m: (m["rag"] != Rag.RED, m["name"]))
    return {
        "themes": theme_table(snapshot),
        "closures": closures_awaiting_sign_off(actions),
        "revised_dates": revised_due_dates(snapshot, actions),
        "measures_off_target": measures_off,
        "risks_above_target": risks["above_target"],
        "findings": unanswered_findings(visits),
        "uncovered": [rec for rec in coverage if not rec["actions"]],
    }


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def cover_summary(summary: dict, glance: dict, movement: dict) -> list[str]:
    """The cover's sentences: the plan's state, what moved, and what the board is asked."""
    lines = [
        f"{_count(summary['total'], 'action')}: {summary['done']} complete "
        f"({summary['percent_complete']}%), {summary['overdue']} overdue, "
        f"{summary['red']} red."
    ]
    if movement["previous_as_at"]:
        since = datetime.date.fromisoformat(movement["previous_as_at"])
        lines.append(
            f"Since the pack as at {since:%-d %B %Y}: {len(movement['improved'])} improved, "
            f"{len(movement['declined'])} declined, {len(movement['completed'])} completed, "
            f"{len(movement['newly_overdue'])} newly overdue."
        )
    asks = []
    if glance["closures"]:
        asks.append(f"approve {_count(len(glance['closures']), 'closure')}")
    if glance["revised_dates"]:
        asks.append(f"agree {_count(len(glance['revised_dates']), 'revised due date')}")
    if asks:
        lines.append(f"The board is asked to {' and '.join(asks)}.")
    flags = [
        _count(len(glance["measures_off_target"]), "measure") + " off target",
        _count(len(glance["risks_above_target"]), "risk") + " above target",
        _count(len(glance["findings"]), "monitoring-visit finding") + " with no action",
        _count(len(glance["uncovered"]), "recommendation") + " with no action",
    ]
    lines.append("; ".join(flags) + ".")
    return lines
