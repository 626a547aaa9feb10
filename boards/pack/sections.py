"""The pack's sections, computed from a frozen snapshot only (never from today's rows).

Everything the template shows is derived here, so the PDF, the browser preview and the tests
read the same figures.
"""

import datetime
from collections import Counter

from boards.pack import action_log, charts, glance
from boards.pack import exceptions as pack_exceptions
from boards.pack import measures as pack_measures
from boards.pack import risks as pack_risks
from boards.pack.schema import Movement, Snapshot
from boards.pack.visits import since_last_visit
from improvement.rag import shown_impact_rag
from improvement.ratings import (
    DUE_SOON_DAYS,
    Rag,
    Status,
    severity,
)

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
        "red": totals.get(Rag.RED, 0),
        "key_actions": [a for a in actions if a["is_key"]],
        "coverage": _coverage_counts(coverage),
        "chart": charts.data_uri(charts.rag_by_theme(rows)) if rows else None,
    }


def _coverage_counts(coverage: list[dict]) -> list[tuple[str, int]]:
    counts = Counter(r["coverage"] for r in coverage)
    return [
        (label, counts.get(label, 0)) for label in (Coverage.FULLY, Coverage.PARTLY, Coverage.NOT)
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
        done = sum(1 for a in linked if a["done"])
        rows.append(
            {
                **rec,
                "actions": linked,
                "coverage": coverage,
                "status": _overall(linked),
                "open": len(linked) - done,
                "complete": done,
                # Blue: delivered, signed off and its impact evidenced.
                "evidenced": sum(1 for a in linked if a["rag"] == Rag.BLUE),
            }
        )
    return rows


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
    ("risks_rose", "Risks whose score rose", lambda r: f"score {r['from']} to {r['to']}"),
    ("risks_fell", "Risks whose score fell", lambda r: f"score {r['from']} to {r['to']}"),
]


def _named(row: dict) -> dict:
    # A risk is named by its description, as "Risk 5", so it reads apart from the actions.
    if "description" in row:
        return {"reference": f"Risk {row['reference']}", "text": row["description"]}
    return {}


def movement_lists(movement: Movement) -> list[dict]:
    """Each kind of move that happened, every action or risk named in full (risks by their
    description)."""
    return [
        {
            "key": key,
            "title": title,
            "rows": [{**row, **_named(row), "detail": detail(row)} for row in movement[key]],
        }
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
    board_log = action_log.section(snapshot)
    measure_section = pack_measures.section(snapshot)
    risks = pack_risks.register(snapshot, movement)
    visits = since_last_visit(snapshot)
    pack_summary = summary(snapshot, actions, coverage)
    at_a_glance = glance.front(
        snapshot,
        actions=actions,
        coverage=coverage,
        measure_section=measure_section,
        risks=risks,
        visits=visits,
    )
    return {
        "as_at": as_at,
        "summary": pack_summary,
        "glance": at_a_glance,
        "cover_summary": glance.cover_summary(pack_summary, at_a_glance, movement),
        "movement": movement,
        "movement_lists": movement_lists(movement),
        "previous_as_at": as_date(movement["previous_as_at"]),
        "exceptions": pack_exceptions.exceptions(actions, as_at=as_at),
        "slow_rollup": pack_exceptions.slow_rollup(snapshot, actions),
        "recommendations": coverage,
        "measures": measure_section["rows"],
        "measure_table": measure_section,
        "risks": risks,
        "meeting_actions": board_log["rows"],
        "action_log": board_log,
        "appendix": appendix(snapshot, actions),
        "visits": visits,
    }


RAG_KEY = [
    (Rag.RED, "Overdue, or off track and needs the board's attention"),
    (Rag.AMBER, f"Some slippage, or not started and due within {DUE_SOON_DAYS} days"),
    (Rag.GREEN, "On track, or complete with impact not yet evidenced"),
    (Rag.BLUE, "Delivered: complete and signed off, with its impact evidenced"),
    (Rag.NOT_RATED, "Not yet rated"),
]
