"""The pack's one exceptions list: each open action the board must look at, once, with every
reason it is there, the most worrying first; and slow progress rolled up by objective and lead."""

import datetime
from collections import Counter

from improvement.ratings import NO_UPDATE_DAYS, Rag, severity


def lateness(days: int) -> str:
    """How late, in the unit a reader counts in: days, then weeks, months, years."""
    if days < 14:
        return f"{days} day{'s' if days != 1 else ''}"
    if days < 60:
        return f"{days // 7} weeks"
    if days < 730:
        return f"{days * 12 // 365} months"
    return f"{days // 365} years"


def reasons(action: dict, *, as_at: datetime.date) -> list[str]:
    """Why an open action is an exception; empty when it is not one."""
    found = []
    if action["days_overdue"]:
        found.append(f"Overdue by {lateness(action['days_overdue'])}")
    if action["rag"] == Rag.RED and not action["days_overdue"]:
        found.append(f"Red: {action['rag_reason']}" if action["rag_reason"] else "Red")
    if not action["due"] and action["due_text"].strip():
        found.append(f"Due date unreadable (“{action['due_text'].strip()}”)")
    if action["slow"]:
        found.append(f"Slow to progress: {action['slow']}")
    stale_before = as_at - datetime.timedelta(days=NO_UPDATE_DAYS)
    if not action["last_update"]:
        found.append("Never updated")
    elif action["last_update"] < stale_before:
        found.append(f"No update since {action['last_update']:%d/%m/%Y}")
    if action["disagreement"]:
        found.append(
            f"RAG disagreement: reported {action['progress_rag_label']}, "
            f"shown {action['rag_label']}"
        )
    return found


def _age(action: dict, as_at: datetime.date) -> int:
    if action["days_overdue"]:
        return action["days_overdue"]
    return (as_at - action["last_update"]).days if action["last_update"] else 0


def exceptions(actions: list[dict], *, as_at: datetime.date) -> list[dict]:
    """Open actions with at least one reason, by severity of their RAG, then oldest first."""
    rows = []
    for action in actions:
        if action["done"]:
            continue
        why = reasons(action, as_at=as_at)
        if why:
            rows.append({**action, "reasons": why})
    return sorted(
        rows,
        key=lambda a: (severity(a["rag"]), -_age(a, as_at), a["reference"]),
    )


def slow_rollup(snapshot: dict, actions: list[dict]) -> dict:
    """Slow-to-progress actions counted by objective and by lead (Improvement Notice 5(d)),
    each beside the open actions it has, most slow first."""
    objectives = {o["id"]: o["title"] for o in snapshot["objectives"]}
    open_actions = [a for a in actions if not a["done"]]

    def rollup(key) -> list[tuple[str, int, int]]:
        slow = Counter(key(a) for a in open_actions if a["slow"])
        total = Counter(key(a) for a in open_actions)
        return sorted(((name, n, total[name]) for name, n in slow.items()), key=lambda r: -r[1])

    return {
        "by_objective": rollup(lambda a: objectives.get(a["objective_id"], "No objective")),
        "by_lead": rollup(lambda a: a["lead"] or "No lead"),
    }
