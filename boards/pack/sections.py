"""The pack's sections, computed from a frozen snapshot only (never from today's rows).

Everything the template shows is derived here, so the PDF, the browser preview and the tests
read the same figures.
"""

import datetime
from collections import Counter

from boards.pack import charts
from boards.pack.movement import risk_rating
from boards.pack.schema import Movement, Snapshot
from improvement.rag import measure_rag, risk_band, shown_impact_rag
from improvement.ratings import (
    DUE_SOON_DAYS,
    NO_UPDATE_DAYS,
    SCORE_MAX,
    SCORE_MIN,
    Rag,
    Status,
    severity,
)

TREND_PERIODS = 12
NO_THEME = "No theme"


class Coverage:
    FULLY = "Fully covered"
    PARTLY = "Partly covered"
    NOT = "Not covered"


def as_date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _rag_label(value: str) -> str:
    return Rag(value).label


def _action_row(action: dict, *, slow: dict) -> dict:
    # Stored snapshots keep their own derived RAG; impact is shown by today's blue rule, which
    # reads only that RAG, so a pack issued years ago renders the same way.
    impact, impact_note = shown_impact_rag(
        impact_rag=action.get("impact_rag", ""), derived=action["rag"]
    )
    return {
        **action,
        "due": as_date(action["due_on"]),
        "last_update": as_date(action["last_update_on"]),
        "rag_label": _rag_label(action["rag"]),
        "progress_rag_label": _rag_label(action["progress_rag"]),
        "reported_differs": (action["progress_rag"] or Rag.NOT_RATED) != action["rag"],
        "impact_rag_shown": impact.value,
        "impact_rag_label": impact.label,
        "impact_note": impact_note,
        "status_label": Status(action["status"]).label,
        "slow": slow.get(action["reference"], ""),
    }


def summary(snapshot: Snapshot, actions: list[dict], coverage: list[dict]) -> dict:
    themes = {t["id"]: t["name"] for t in snapshot["themes"]}
    by_theme: dict[str, Counter] = {name: Counter() for name in themes.values()}
    for action in actions:
        by_theme.setdefault(themes.get(action["theme_id"], NO_THEME), Counter())[action["rag"]] += 1
    rows = [
        {
            "name": name,
            "counts": dict(counts),
            "cells": [counts.get(rag.value, 0) for rag in charts.RAG_ORDER],
            "total": sum(counts.values()),
        }
        for name, counts in by_theme.items()
        if counts
    ]
    totals = Counter(a["rag"] for a in actions)
    done = sum(1 for a in actions if a["done"])
    return {
        "rows": rows,
        "totals": [totals.get(rag.value, 0) for rag in charts.RAG_ORDER],
        "total": len(actions),
        "done": done,
        "percent_complete": round(100 * done / len(actions)) if actions else 0,
        "overdue": sum(1 for a in actions if a["days_overdue"]),
        "key_actions": [a for a in actions if a["is_key"]],
        "coverage": _coverage_counts(coverage),
        "chart": charts.data_uri(charts.rag_by_theme(rows)) if rows else None,
    }


def _coverage_counts(coverage: list[dict]) -> list[tuple[str, int]]:
    counts = Counter(r["coverage"] for r in coverage)
    return [
        (label, counts.get(label, 0)) for label in (Coverage.FULLY, Coverage.PARTLY, Coverage.NOT)
    ]


def exceptions(actions: list[dict], *, as_at: datetime.date) -> list[dict]:
    open_actions = [a for a in actions if not a["done"]]
    stale_before = as_at - datetime.timedelta(days=NO_UPDATE_DAYS)

    def not_updated(a):
        return not a["last_update"] or a["last_update"] < stale_before

    def last_update(a):
        return f"last update {a['last_update']:%d/%m/%Y}" if a["last_update"] else "no update"

    groups = [
        ("exceptions-red", "Red actions", lambda a: a["rag"] == Rag.RED, "rag_reason"),
        ("exceptions-overdue", "Overdue actions", lambda a: a["days_overdue"], None),
        ("exceptions-slow", "Slow to progress", lambda a: a["slow"], "slow"),
        ("exceptions-no-update", f"No update for {NO_UPDATE_DAYS} days", not_updated, None),
        (
            "exceptions-disagree",
            "Reported and derived RAG disagree",
            lambda a: a["disagreement"],
            "disagreement",
        ),
    ]
    why = {
        "exceptions-overdue": lambda a: f"{a['days_overdue']} days overdue",
        "exceptions-no-update": last_update,
    }
    return [
        {
            "id": key,
            "title": title,
            "rows": [
                {**a, "why": why[key](a) if key in why else a[field]}
                for a in open_actions
                if test(a)
            ],
        }
        for key, title, test, field in groups
    ]


def _overall(actions: list[dict]) -> str:
    if not actions:
        return "No actions"
    if all(a["done"] for a in actions):
        return "Complete"
    worst = min((a for a in actions if not a["done"]), key=lambda a: severity(a["rag"]))
    return _rag_label(worst["rag"])


def recommendations(snapshot: Snapshot, actions: list[dict]) -> list[dict]:
    rows = []
    for rec in snapshot["recommendations"]:
        linked = [a for a in actions if rec["id"] in a["recommendation_ids"]]
        if not linked:
            coverage = Coverage.NOT
        elif all(a["done"] for a in linked):
            coverage = Coverage.FULLY
        else:
            coverage = Coverage.PARTLY
        rows.append({**rec, "actions": linked, "coverage": coverage, "status": _overall(linked)})
    return rows


def measures(snapshot: Snapshot) -> list[dict]:
    rows = []
    for measure in snapshot["measures"]:
        values = measure["values"][-TREND_PERIODS:]
        latest = values[-1] if values else None
        rag = measure_rag(latest and latest["value"], measure["target"], measure["direction"])
        trend = (
            charts.measure_trend(values=values, target=measure["target"], unit=measure["unit"])
            if len(values) >= 2
            else None
        )
        rows.append(
            {
                **measure,
                "latest": latest,
                "trend_values": values,
                "rag": rag,
                "rag_label": _rag_label(rag),
                "direction_label": (
                    "Higher is better" if measure["direction"] == "higher" else "Lower is better"
                ),
                "chart": charts.data_uri(trend) if trend else None,
            }
        )
    return rows


def _heat_map(pairs: list[tuple[int, int]]) -> list[dict]:
    counts = Counter(pairs)
    return [
        {
            "likelihood": likelihood,
            "cells": [
                {
                    "impact": impact,
                    "count": counts.get((likelihood, impact), 0),
                    "band": risk_band(likelihood * impact),
                }
                for impact in range(SCORE_MIN, SCORE_MAX + 1)
            ],
        }
        for likelihood in range(SCORE_MAX, SCORE_MIN - 1, -1)
    ]


def risks(snapshot: Snapshot, movement: Movement) -> dict:
    changed = {r["reference"]: r for r in movement["risks_rose"] + movement["risks_fell"]}
    open_risks = [r for r in snapshot["risks"] if r["status"] == "open"]
    rows = []
    for risk in sorted(open_risks, key=lambda r: (-risk_rating(r), r["reference"])):
        change = changed.get(risk["reference"])
        rows.append(
            {
                **risk,
                "rating": risk_rating(risk),
                "reviewed": as_date(risk["reviewed_on"]),
                "band": risk_band(risk_rating(risk)),
                "change": (
                    f"{'Rose' if change['to'] > change['from'] else 'Fell'} from {change['from']}"
                    if change
                    else ("No change" if movement["previous_as_at"] else "First pack")
                ),
            }
        )
    after = [
        (r["residual_likelihood"], r["residual_impact"])
        for r in open_risks
        if r["residual_likelihood"] and r["residual_impact"]
    ]
    return {
        "rows": rows,
        "before": _heat_map([(r["likelihood"], r["impact"]) for r in open_risks]),
        "after": _heat_map(after),
        "after_count": len(after),
    }


def appendix(snapshot: Snapshot, actions: list[dict]) -> list[dict]:
    objectives = {o["id"]: o for o in snapshot["objectives"]}
    themes = [*snapshot["themes"], {"id": None, "name": NO_THEME}]
    result = []
    for theme in themes:
        in_theme = [a for a in actions if a["theme_id"] == theme["id"]]
        if not in_theme:
            continue
        groups: dict[int | None, list[dict]] = {}
        for action in in_theme:
            groups.setdefault(action["objective_id"], []).append(action)
        result.append(
            {
                "name": theme["name"],
                "objectives": [
                    {
                        "title": objectives[key]["title"] if key in objectives else "",
                        "actions": rows,
                    }
                    for key, rows in groups.items()
                ],
            }
        )
    return result


def _day(value: str | None) -> str:
    return f"{as_date(value):%d/%m/%Y}" if value else "no date"


MOVEMENT_LISTS = [
    ("improved", "Improved", lambda r: f"{_rag_label(r['from'])} to {_rag_label(r['to'])}"),
    ("declined", "Declined", lambda r: f"{_rag_label(r['from'])} to {_rag_label(r['to'])}"),
    ("completed", "Completed", lambda r: ""),
    ("newly_overdue", "Newly overdue", lambda r: f"{r['days']} days overdue"),
    ("due_revised", "Due date revised", lambda r: f"{_day(r['from'])} to {_day(r['to'])}"),
    ("new_actions", "New actions", lambda r: ""),
]


def movement_lists(movement: Movement) -> list[dict]:
    return [
        {"title": title, "rows": [{**row, "detail": detail(row)} for row in movement[key]]}
        for key, title, detail in MOVEMENT_LISTS
        if movement[key]
    ]


def build(snapshot: Snapshot) -> dict:
    """Every section of the pack, from the snapshot with its frozen movement and slow flags."""
    as_at = as_date(snapshot["as_at"])
    slow = snapshot.get("slow", {})
    actions = [_action_row(a, slow=slow) for a in snapshot["actions"]]
    movement = snapshot["movement"]
    coverage = recommendations(snapshot, actions)
    meeting_actions = [
        {**m, "due": as_date(m["due_on"]), "raised": as_date(m["meeting_held_on"])}
        for m in snapshot["meeting_actions"]
    ]
    return {
        "as_at": as_at,
        "summary": summary(snapshot, actions, coverage),
        "movement": movement,
        "movement_lists": movement_lists(movement),
        "previous_as_at": as_date(movement["previous_as_at"]),
        "exceptions": exceptions(actions, as_at=as_at),
        "recommendations": coverage,
        "measures": measures(snapshot),
        "risks": risks(snapshot, movement),
        "meeting_actions": meeting_actions,
        "appendix": appendix(snapshot, actions),
    }


RAG_KEY = [
    (Rag.RED, "Overdue, or off track and needs the board's attention"),
    (Rag.AMBER, f"Some slippage, or not started and due within {DUE_SOON_DAYS} days"),
    (Rag.GREEN, "On track, or complete with impact not yet evidenced"),
    (Rag.BLUE, "Delivered: complete and signed off, with its impact evidenced"),
    (Rag.NOT_RATED, "Not yet rated"),
]
