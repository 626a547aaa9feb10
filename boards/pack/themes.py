"""A plan's figures by theme (derived RAG counts, complete, overdue), from a snapshot only.

The front section prints them beside the previous pack's, which its movement freezes, so the
change by theme is read from two snapshots and never from today's rows.
"""

from collections import Counter

from boards.pack.schema import PlanAsAt, ThemeFigures

NO_THEME = "No theme"


def theme_figures(snapshot: PlanAsAt) -> list[ThemeFigures]:
    """One row per theme that has actions, in the plan's theme order; actions in no theme last."""
    names = {t["id"]: t["name"] for t in snapshot["themes"]}
    grouped: dict[int | None, list[dict]] = {pk: [] for pk in names}
    for action in snapshot["actions"]:
        key = action["theme_id"] if action["theme_id"] in names else None
        grouped.setdefault(key, []).append(action)
    return [
        {
            "theme_id": key,
            "name": names.get(key, NO_THEME),
            "rags": dict(Counter(a["rag"] for a in actions)),
            "total": len(actions),
            "done": sum(1 for a in actions if a["done"]),
            "overdue": sum(1 for a in actions if a["days_overdue"]),
        }
        for key, actions in grouped.items()
        if actions
    ]
