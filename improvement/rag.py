"""RAG rules: pure functions, no database, one place for pages, packs and exports.

Officers report a progress RAG; the plan's rule derives another from the facts (dates, or the
criteria some councils rate by). Both are shown, and a disagreement is flagged rather than
silently corrected, because the board needs to see optimism as much as slippage.
"""

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from improvement.criteria import STANDARD_CRITERIA, Criterion
from improvement.models import DONE_STATUSES, Plan, Rag, Status

DUE_SOON_DAYS = 14
NO_UPDATE_DAYS = 30
MET, NOT_MET, NOT_ASSESSED = "Met", "Not met", "Not assessed"


@dataclass(frozen=True)
class Assessment:
    """One of the plan's criteria and what the action records against it."""

    criterion: Criterion
    met: bool | None

    @property
    def label(self) -> str:
        return NOT_ASSESSED if self.met is None else MET if self.met else NOT_MET


def assess(
    criteria: Sequence[Criterion], values: Mapping[str, bool | None]
) -> tuple[Assessment, ...]:
    """The plan's criteria, in its order, each with the action's answer; a missing one is not
    yet assessed."""
    return tuple(Assessment(criterion=c, met=values.get(c.key)) for c in criteria)


@dataclass(frozen=True)
class DerivedRag:
    rag: Rag
    reason: str
    # Filled when the officer's reported RAG disagrees: "reported green, 21 days overdue".
    disagreement: str = ""
    # Under the criteria rule, what the rule read: each criterion and the action's answer.
    assessments: tuple[Assessment, ...] = ()


def days_overdue(*, due_on: datetime.date | None, status: str, today: datetime.date) -> int:
    if due_on is None or status in DONE_STATUSES or due_on >= today:
        return 0
    return (today - due_on).days


def is_overdue(*, due_on: datetime.date | None, status: str, today: datetime.date) -> bool:
    return days_overdue(due_on=due_on, status=status, today=today) > 0


def completed_rag(*, impact_evidence: str) -> Rag:
    """Complete and evidenced is blue; complete without impact evidence stays green."""
    return Rag.BLUE if impact_evidence.strip() else Rag.GREEN


def _by_dates(*, reported: Rag, status: str, due_on, today) -> tuple[Rag, str]:
    overdue = days_overdue(due_on=due_on, status=status, today=today)
    if overdue:
        return Rag.RED, f"{overdue} day{'s' if overdue != 1 else ''} overdue"
    if (
        due_on is not None
        and status == Status.NOT_STARTED
        and (due_on - today).days <= DUE_SOON_DAYS
    ):
        days = (due_on - today).days
        return Rag.AMBER, f"not started, due in {days} day{'s' if days != 1 else ''}"
    return reported, "as reported"


def _plural(count: int, word: str = "criterion", plural: str = "criteria") -> str:
    return f"{count} {word if count == 1 else plural}"


def _by_criteria(assessments: Sequence[Assessment]) -> tuple[Rag, str]:
    # An action half assessed is not rated rather than red: red would tell the board an action
    # is failing when nobody has yet asked.
    if unassessed := [a for a in assessments if a.met is None]:
        return Rag.NOT_RATED, f"{_plural(len(unassessed))} not assessed"
    not_met = [a.criterion for a in assessments if a.met is False]
    if essential := [c.name for c in not_met if c.essential]:
        return Rag.RED, f"{' and '.join(essential)} not met"
    if len(not_met) >= 2:
        return Rag.RED, f"{_plural(len(not_met))} not met"
    if not_met:
        return Rag.AMBER, f"{not_met[0].name} not met"
    return Rag.GREEN, "all criteria met"


def derive_rag(
    *,
    reported: str,
    status: str,
    due_on: datetime.date | None,
    today: datetime.date,
    impact_evidence: str = "",
    rule: str = Plan.RagRule.DATES,
    assessments: Sequence[Assessment] | None = None,
) -> DerivedRag:
    """`assessments` (from `assess`) are what the criteria rule reads; none given, the plan's
    standard criteria, none yet assessed."""
    reported = Rag(reported or Rag.NOT_RATED)
    by_criteria = rule == Plan.RagRule.CRITERIA
    assessments = tuple(assessments or assess(STANDARD_CRITERIA, {})) if by_criteria else ()
    if status in DONE_STATUSES:
        rag, reason = completed_rag(impact_evidence=impact_evidence), "complete"
    elif by_criteria:
        rag, reason = _by_criteria(assessments)
    else:
        rag, reason = _by_dates(reported=reported, status=status, due_on=due_on, today=today)
    disagreement = ""
    # A rule that cannot rate the action yet (criteria not assessed) has nothing to disagree with.
    rated = Rag.NOT_RATED not in (reported, rag)
    if rated and reported != rag and reason not in ("as reported", "complete"):
        disagreement = f"reported {reported.label.lower()}, {reason}"
    return DerivedRag(rag=rag, reason=reason, disagreement=disagreement, assessments=assessments)


def derive_action_rag(action, *, today: datetime.date) -> DerivedRag:
    """derive_rag for an Action (or anything with the same attributes, e.g. a historical row)."""
    plan = action.plan
    return derive_rag(
        reported=action.progress_rag,
        status=action.status,
        due_on=action.due_on,
        today=today,
        impact_evidence=action.impact_evidence or "",
        rule=plan.rag_rule,
        assessments=(
            assess(plan.criterion_list(), action.criteria or {})
            if plan.rag_rule == Plan.RagRule.CRITERIA
            else None
        ),
    )
