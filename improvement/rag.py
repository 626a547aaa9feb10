"""RAG rules: pure functions, no database, one place for pages, packs and exports.

Officers report a progress RAG; the plan's rule derives another from the facts (dates, or the
criteria some councils rate by). The derived one is what every page shows and counts, with the
reported one beside it where they differ, because the board needs to see optimism as much as
slippage. See docs/rag.md.
"""

import datetime
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from improvement.criteria import STANDARD_CRITERIA, Criterion
from improvement.ratings import DONE_STATUSES, DUE_SOON_DAYS, Rag, RagRule, Status

MET, NOT_MET, NOT_ASSESSED = "Met", "Not met", "Not assessed"
AS_REPORTED = "as reported"
BLUE_NOT_EARNED = "blue is for an action complete with its impact evidenced"
IMPACT_BLUE_NOT_EARNED = "reported blue; " + BLUE_NOT_EARNED
# A measure within this fraction of its target (on the wrong side) is amber rather than red.
MEASURE_AMBER_MARGIN = 0.10
# Risk scores (likelihood x impact, 1-25) from which a risk is in the medium and high bands.
RISK_MEDIUM_FROM, RISK_HIGH_FROM = 8, 15


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
    reported: Rag = Rag.NOT_RATED
    # The impact RAG as shown: the officer's, except that blue needs the action delivered.
    impact: Rag = Rag.NOT_RATED
    impact_note: str = ""

    @property
    def differs(self) -> bool:
        """Whether pages show "(reported ...)" beside the derived RAG."""
        return self.reported != self.rag


def days_overdue(*, due_on: datetime.date | None, status: str, today: datetime.date) -> int:
    if due_on is None or status in DONE_STATUSES or due_on >= today:
        return 0
    return (today - due_on).days


def is_overdue(*, due_on: datetime.date | None, status: str, today: datetime.date) -> bool:
    return days_overdue(due_on=due_on, status=status, today=today) > 0


def completed_rag(*, impact_evidence: str, status: str = Status.COMPLETE) -> Rag:
    """Blue is delivered and evidenced: complete (which only sign-off or the council's own
    record makes it) with evidence of impact recorded. Anything else done is green."""
    return Rag.BLUE if status == Status.COMPLETE and impact_evidence.strip() else Rag.GREEN


def shown_impact_rag(*, impact_rag: str, derived: str) -> tuple[Rag, str]:
    """The impact RAG a page or pack shows, and a note when it is not the one reported."""
    impact = Rag(impact_rag or Rag.NOT_RATED)
    if impact == Rag.BLUE and derived != Rag.BLUE:
        return Rag.GREEN, IMPACT_BLUE_NOT_EARNED
    return impact, ""


def _plural_days(days: int) -> str:
    return f"{days} day{'s' if days != 1 else ''}"


def _overdue(*, status: str, due_on, today) -> tuple[Rag, str] | None:
    if overdue := days_overdue(due_on=due_on, status=status, today=today):
        return Rag.RED, f"{_plural_days(overdue)} overdue"
    return None


def _by_dates(*, reported: Rag, status: str, due_on, today) -> tuple[Rag, str]:
    if (
        due_on is not None
        and status == Status.NOT_STARTED
        and (days := (due_on - today).days) <= DUE_SOON_DAYS
    ):
        return Rag.AMBER, f"not started, due in {_plural_days(days)}"
    if reported == Rag.BLUE:
        return Rag.GREEN, BLUE_NOT_EARNED
    return reported, AS_REPORTED


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


def _done(*, status: str, impact_evidence: str) -> tuple[Rag, str]:
    rag = completed_rag(impact_evidence=impact_evidence, status=status)
    if status == Status.CLOSED:
        return rag, "closed"
    return rag, "complete" if rag == Rag.BLUE else "complete, impact not evidenced"


def _rule(
    *, reported: Rag, status: str, due_on, today, impact_evidence: str, assessments
) -> tuple[Rag, str]:
    if status in DONE_STATUSES:
        return _done(status=status, impact_evidence=impact_evidence)
    # A date gone by is a fact no criterion outweighs: overdue is red under every rule.
    if overdue := _overdue(status=status, due_on=due_on, today=today):
        return overdue
    if assessments is not None:
        return _by_criteria(assessments)
    return _by_dates(reported=reported, status=status, due_on=due_on, today=today)


def derive_rag(
    *,
    reported: str,
    status: str,
    due_on: datetime.date | None,
    today: datetime.date,
    impact_evidence: str = "",
    rule: str = RagRule.DATES,
    assessments: Sequence[Assessment] | None = None,
    impact_rag: str = Rag.NOT_RATED,
) -> DerivedRag:
    """`assessments` (from `assess`) are what the criteria rule reads; none given, the plan's
    standard criteria, none yet assessed."""
    reported = Rag(reported or Rag.NOT_RATED)
    by_criteria = rule == RagRule.CRITERIA
    assessments = tuple(assessments or assess(STANDARD_CRITERIA, {})) if by_criteria else ()
    rag, reason = _rule(
        reported=reported,
        status=status,
        due_on=due_on,
        today=today,
        impact_evidence=impact_evidence,
        assessments=assessments if by_criteria else None,
    )
    disagreement = ""
    # A rule that cannot rate the action yet (criteria not assessed) has nothing to disagree
    # with, and a done action's RAG is its completion, not a verdict on the lead's report.
    rated = Rag.NOT_RATED not in (reported, rag)
    if rated and reported != rag and reason != AS_REPORTED and status not in DONE_STATUSES:
        disagreement = f"reported {reported.label.lower()}, {reason}"
    impact, impact_note = shown_impact_rag(impact_rag=impact_rag, derived=rag)
    return DerivedRag(
        rag=rag,
        reason=reason,
        disagreement=disagreement,
        assessments=assessments,
        reported=reported,
        impact=impact,
        impact_note=impact_note,
    )


def derived_rag_only(
    *,
    reported: str,
    status: str,
    due_on: datetime.date | None,
    today: datetime.date,
    impact_evidence: str = "",
    assessments: Sequence[Assessment] | None = None,
) -> Rag:
    """derive_rag's RAG alone, for counting and filtering whole plans: the same rule, without
    the reason, the disagreement and the impact RAG a page row shows. `assessments` given means
    the criteria rule."""
    return _rule(
        reported=Rag(reported or Rag.NOT_RATED),
        status=status,
        due_on=due_on,
        today=today,
        impact_evidence=impact_evidence,
        assessments=assessments,
    )[0]


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
            if plan.rag_rule == RagRule.CRITERIA
            else None
        ),
        impact_rag=action.impact_rag,
    )


def rag_counts(rags: Iterable[str]) -> dict[Rag, int]:
    """How many of each RAG, every RAG listed (none is left out for having no actions)."""
    counts = Counter(Rag(rag) for rag in rags)
    return {rag: counts.get(rag, 0) for rag in Rag}


def measure_rag(
    value: float | None, target: float | None, direction: str, *, tolerance: float | None = None
) -> Rag:
    """A measure's latest value against its target, in its direction ("higher" is better, or
    "lower"): green on or past the target, amber short of it by no more than the tolerance (in
    the measure's unit; without one, 10% of the target), red beyond; unrated without a value or
    a target."""
    if value is None or target is None:
        return Rag.NOT_RATED
    gap = (value - target) if direction == "higher" else (target - value)
    if gap >= 0:
        return Rag.GREEN
    allowed = abs(target) * MEASURE_AMBER_MARGIN if tolerance is None else tolerance
    if abs(gap) <= allowed:
        return Rag.AMBER
    return Rag.RED


def risk_band(score: int) -> str:
    """The colour band of a risk score on the heat map: "high", "medium" or "low"."""
    if score >= RISK_HIGH_FROM:
        return "high"
    if score >= RISK_MEDIUM_FROM:
        return "medium"
    return "low"


def measure_off_track(rag: Rag) -> bool:
    """Whether a measure's RAG says it misses its target: amber (just) or red."""
    return rag in (Rag.RED, Rag.AMBER)


def risk_rating(*, score: int, residual_score: int | None) -> int:
    """The score the board watches: after controls where assessed, otherwise before."""
    return residual_score or score


def is_above_target(*, score: int, residual_score: int | None, target: int | None) -> bool:
    """A risk with a target whose rating is still above it; no target, nothing to be above."""
    return target is not None and risk_rating(score=score, residual_score=residual_score) > target
