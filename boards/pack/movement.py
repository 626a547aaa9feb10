"""What moved since the last issued pack, and which actions are slow to progress.

Pure functions over snapshots (boards/pack/schema.py), so the figures frozen in one pack can
always be recomputed from two stored snapshots. Actions are matched by reference, risks by
reference: both are stable within a plan.
"""

from boards.pack.schema import ActionBrief, ActionRow, Movement, PlanAsAt, RiskRow
from boards.pack.themes import theme_figures
from improvement import rag
from improvement.ratings import RAG_RANKED

# Derived RAG from worst to best; "not rated" has no place, so it neither improves nor declines.
RAG_RANK = {rag: rank for rank, rag in enumerate(RAG_RANKED)}
SLOW_NO_IMPROVEMENT = "no improvement across the last two packs"
SLOW_DUE_REVISED = "due date revised {n} times"


def _rank(action: ActionRow) -> int | None:
    return RAG_RANK.get(action["rag"])


def risk_rating(risk: RiskRow) -> int:
    return rag.risk_rating(score=risk["score"], residual_score=risk["residual_score"])


def _brief(action: ActionRow) -> ActionBrief:
    return {"reference": action["reference"], "text": action["text"], "lead": action["lead"]}


def _action_moves(before: ActionRow, now: ActionRow) -> list[tuple[str, dict]]:
    moves = []
    if now["done"] and not before["done"]:
        moves.append(("completed", {}))
    elif _rank(now) is not None and _rank(before) is not None and not now["done"]:
        if _rank(now) > _rank(before):
            moves.append(("improved", {"from": before["rag"], "to": now["rag"]}))
        elif _rank(now) < _rank(before):
            moves.append(("declined", {"from": before["rag"], "to": now["rag"]}))
    if now["days_overdue"] and not before["days_overdue"]:
        moves.append(("newly_overdue", {"days": now["days_overdue"]}))
    if before["due_on"] and now["due_on"] != before["due_on"]:
        moves.append(("due_revised", {"from": before["due_on"], "to": now["due_on"]}))
    return moves


def movement(previous: PlanAsAt | None, current: PlanAsAt) -> Movement:
    result: Movement = {
        "previous_as_at": previous["as_at"] if previous else None,
        "improved": [],
        "declined": [],
        "completed": [],
        "newly_overdue": [],
        "due_revised": [],
        "new_actions": [],
        "risks_rose": [],
        "risks_fell": [],
        "previous_themes": theme_figures(previous) if previous else None,
    }
    if previous is None:
        return result
    before_actions = {a["reference"]: a for a in previous["actions"]}
    for action in current["actions"]:
        before = before_actions.get(action["reference"])
        if before is None:
            result["new_actions"].append(_brief(action))
            continue
        for kind, detail in _action_moves(before, action):
            result[kind].append({**_brief(action), **detail})
    before_risks = {r["reference"]: r for r in previous["risks"]}
    for risk in current["risks"]:
        before = before_risks.get(risk["reference"])
        if before is None or risk_rating(risk) == risk_rating(before):
            continue
        kind = "risks_rose" if risk_rating(risk) > risk_rating(before) else "risks_fell"
        result[kind].append(
            {
                "reference": risk["reference"],
                "description": risk["description"],
                "from": risk_rating(before),
                "to": risk_rating(risk),
            }
        )
    return result


def _no_better(now: ActionRow, then: ActionRow) -> bool:
    return _rank(now) is not None and _rank(then) is not None and _rank(now) <= _rank(then)


def slow_to_progress(current: PlanAsAt, earlier: list[PlanAsAt]) -> dict[str, str]:
    """Open actions the Improvement Notice calls slow: {reference: reason}.

    `earlier` is the previous issued packs' snapshots, newest first. No improvement across the
    last two packs means the action was in the pack two before this one and its derived RAG is
    no better now than then; a due date revised twice or more also counts.
    """
    two_back = {a["reference"]: a for a in earlier[1]["actions"]} if len(earlier) >= 2 else {}
    slow = {}
    for action in current["actions"]:
        if action["done"]:
            continue
        reasons = []
        then = two_back.get(action["reference"])
        if then and not then["done"] and _no_better(action, then):
            reasons.append(SLOW_NO_IMPROVEMENT)
        if action["due_revisions"] >= 2:
            reasons.append(SLOW_DUE_REVISED.format(n=action["due_revisions"]))
        if reasons:
            slow[action["reference"]] = "; ".join(reasons)
    return slow
