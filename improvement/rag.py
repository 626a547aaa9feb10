"""RAG rules: pure functions, no database, one place for pages, packs and exports.

Officers report a progress RAG; the plan's rule derives another from the facts (dates, or the
criteria some councils rate by). Both are shown, and a disagreement is flagged rather than
silently corrected, because the board needs to see optimism as much as slippage.
"""

import datetime
from dataclasses import dataclass

from improvement.models import DONE_STATUSES, Plan, Rag, Status

DUE_SOON_DAYS = 14
NO_UPDATE_DAYS = 30


@dataclass(frozen=True)
class Criteria:
    """Worcestershire-style readiness criteria; None means not yet assessed (counts as missing)."""

    scope_clear: bool | None = None
    resources_known: bool | None = None
    resources_allocated: bool | None = None
    has_project_plan: bool | None = None
    timescale_realistic: bool | None = None

    def missing(self) -> int:
        return sum(1 for held in vars(self).values() if not held)


@dataclass(frozen=True)
class DerivedRag:
    rag: Rag
    reason: str
    # Filled when the officer's reported RAG disagrees: "reported green, 21 days overdue".
    disagreement: str = ""


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


def _by_criteria(criteria: Criteria) -> tuple[Rag, str]:
    missing = criteria.missing()
    if not criteria.scope_clear:
        return Rag.RED, "scope is not clear"
    if missing >= 2:
        return Rag.RED, f"{missing} criteria not met"
    if missing == 1:
        return Rag.AMBER, "1 criterion not met"
    return Rag.GREEN, "all criteria met"


def derive_rag(
    *,
    reported: str,
    status: str,
    due_on: datetime.date | None,
    today: datetime.date,
    impact_evidence: str = "",
    rule: str = Plan.RagRule.DATES,
    criteria: Criteria | None = None,
) -> DerivedRag:
    reported = Rag(reported or Rag.NOT_RATED)
    if status in DONE_STATUSES:
        rag, reason = completed_rag(impact_evidence=impact_evidence), "complete"
    elif rule == Plan.RagRule.CRITERIA:
        rag, reason = _by_criteria(criteria or Criteria())
    else:
        rag, reason = _by_dates(reported=reported, status=status, due_on=due_on, today=today)
    disagreement = ""
    if reported not in (rag, Rag.NOT_RATED) and reason not in ("as reported", "complete"):
        disagreement = f"reported {reported.label.lower()}, {reason}"
    return DerivedRag(rag=rag, reason=reason, disagreement=disagreement)


def derive_action_rag(action, *, today: datetime.date) -> DerivedRag:
    """derive_rag for an Action (or anything with the same attributes, e.g. a snapshot row)."""
    return derive_rag(
        reported=action.progress_rag,
        status=action.status,
        due_on=action.due_on,
        today=today,
        impact_evidence=action.impact_evidence or "",
        rule=action.plan.rag_rule,
        criteria=Criteria(
            scope_clear=action.scope_clear,
            resources_known=action.resources_known,
            resources_allocated=action.resources_allocated,
            has_project_plan=action.has_project_plan,
            timescale_realistic=action.timescale_realistic,
        ),
    )
