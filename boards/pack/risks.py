"""The pack's risk register: one compact table of open risks (before, after and target scores,
movement since the last pack, owner, last and next review), the controls text in an appendix
table, and heat maps only where they have something to count.

From the frozen snapshot and its movement only.
"""

import calendar
import datetime
from collections import Counter

from boards.pack.movement import risk_rating
from improvement.rag import risk_band
from improvement.ratings import SCORE_MAX, SCORE_MIN

# The register has no next-review field: a risk is due for review this many months after its
# last review (the quarterly cycle the Improvement Board reviews its register on).
REVIEW_INTERVAL_MONTHS = 3
NOT_ASSESSED_AFTER_CONTROLS = "Not assessed after controls"
NO_RISKS = "The plan records no open risks."
NONE_ASSESSED_AFTER_CONTROLS = (
    "No open risk has been assessed after controls, so there is no after-controls map."
)


def _as_date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def next_review(reviewed_on: datetime.date | None) -> datetime.date | None:
    return add_months(reviewed_on, REVIEW_INTERVAL_MONTHS) if reviewed_on else None


def _movement_label(change: dict | None, *, first_pack: bool) -> str:
    if change:
        verb = "Rose" if change["to"] > change["from"] else "Fell"
        return f"{verb} from {change['from']} to {change['to']}"
    return "First pack" if first_pack else "No change"


def heat_map(pairs: list[tuple[int, int]]) -> list[dict]:
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


def row(risk: dict, *, change: dict | None, first_pack: bool, as_at: datetime.date) -> dict:
    rating = risk_rating(risk)
    reviewed = _as_date(risk["reviewed_on"])
    due = next_review(reviewed)
    target = risk["target_score"]
    return {
        **risk,
        "rating": rating,
        "band": risk_band(rating),
        "assessed_after": bool(risk["residual_score"]),
        "above_target": target is not None and rating > target,
        "reviewed": reviewed,
        "next_review": due,
        "review_overdue": due is not None and due < as_at,
        "change": _movement_label(change, first_pack=first_pack),
        "rose": bool(change and change["to"] > change["from"]),
        "has_controls": bool(risk["existing_controls"] or risk["additional_controls"]),
    }


def register(snapshot: dict, movement: dict) -> dict:
    as_at = _as_date(snapshot["as_at"])
    changed = {r["reference"]: r for r in movement["risks_rose"] + movement["risks_fell"]}
    open_risks = sorted(
        (r for r in snapshot["risks"] if r["status"] == "open"),
        key=lambda r: (-risk_rating(r), r["reference"]),
    )
    rows = [
        row(
            risk,
            change=changed.get(risk["reference"]),
            first_pack=not movement["previous_as_at"],
            as_at=as_at,
        )
        for risk in open_risks
    ]
    after = [
        (r["residual_likelihood"], r["residual_impact"])
        for r in open_risks
        if r["residual_likelihood"] and r["residual_impact"]
    ]
    return {
        "rows": rows,
        "controls": [r for r in rows if r["has_controls"]],
        "above_target": [r for r in rows if r["above_target"]],
        "rose": [r for r in rows if r["rose"]],
        # No grid of zeros: a map only when there is a risk to place on it.
        "before": heat_map([(r["likelihood"], r["impact"]) for r in open_risks]) if rows else None,
        "after": heat_map(after) if after else None,
        "after_count": len(after),
        "review_interval_months": REVIEW_INTERVAL_MONTHS,
    }
