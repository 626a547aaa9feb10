"""The shape of a pack's snapshot, shared by snapshot, movement, sections and the template.

An issued pack is re-rendered from its stored snapshot for years, so a stored snapshot is never
rewritten: a change of shape takes the next VERSION and a step in `upgrade` that reads the one
before. Dates are ISO strings and numbers plain floats, so the snapshot is JSON as it stands.

Version 1 (packs issued before co-leads and evidence were frozen) carried "schema": 1 instead of
"version"; version 2 adds each action's co-leads and evidence count; version 3 adds to each board
action its status, the date of the meeting that closed it, its latest note and whether it was
carried forward from an earlier meeting (the log also lists actions closed at the latest meeting);
version 4 adds the monitoring visits held by the as-at date with their findings and the references
of the actions that answered each at the cut-off; version 5 adds each action's impact evidence,
the reason given for its latest due-date revision and whether a board decision made it, and to
the movement the previous pack's figures by theme (RAG counts, complete and overdue), so the
front section shows the change by theme.
"""

from typing import TypedDict

VERSION = 5


class UnknownSnapshotVersion(ValueError):
    pass


class PlanFacts(TypedDict):
    slug: str
    title: str
    authority: str
    version: str  # the plan's own version, as printed on it
    rag_rule: str


class BoardFacts(TypedDict):
    name: str
    chair: str


class MeetingFacts(TypedDict):
    held_on: str | None
    title: str


class ThemeRow(TypedDict):
    id: int
    name: str


class ObjectiveRow(TypedDict):
    id: int
    title: str
    theme_id: int | None


class PeriodRow(TypedDict):
    id: int
    name: str


class ActionRow(TypedDict):
    id: int
    reference: str
    number: str
    text: str
    theme_id: int | None
    objective_id: int | None
    period_id: int | None
    lead: str
    co_leads: list[str]
    is_key: bool
    due_on: str | None
    due_text: str
    first_due_on: str | None
    status: str
    done: bool
    progress_rag: str
    impact_rag: str
    rag: str
    rag_reason: str
    disagreement: str
    days_overdue: int
    commentary: str
    expected_impact: str
    impact_evidence: str
    recommendation_ids: list[int]
    last_update_on: str | None
    due_revisions: int
    # Why the due date last moved, as the officer or improvement lead gave it ("" when none).
    due_revision_reason: str
    # That revision carried a board decision (approve_revised_due_date): nothing left to agree.
    due_revision_decided: bool
    # None where the pack was issued before evidence was counted (version 1).
    evidence_count: int | None


class RecommendationRow(TypedDict):
    id: int
    reference: str
    text: str
    body: str


class MeasurePoint(TypedDict):
    period_ending: str
    label: str
    value: float | None


class MeasureRow(TypedDict):
    name: str
    unit: str
    direction: str
    target: float | None
    tolerance: float | None
    england_average: float | None
    statistical_neighbours: float | None
    values: list[MeasurePoint]


class RiskRow(TypedDict):
    reference: str
    description: str
    owner: str
    status: str
    likelihood: int
    impact: int
    score: int
    residual_likelihood: int | None
    residual_impact: int | None
    residual_score: int | None
    target_score: int | None
    existing_controls: str
    additional_controls: str
    reviewed_on: str | None
    review_text: str


class MeetingActionRow(TypedDict):
    meeting_held_on: str | None
    number: int
    text: str
    owner: str
    due_on: str | None
    due_text: str
    status: str  # "open" or "closed" at the cut-off
    closed_on: str | None  # the day of the meeting that closed it
    note: str  # the latest note minuted against it ("" when none)
    # Raised before the latest meeting held by the cut-off and still open: carried forward.
    carried_forward: bool


class FindingRow(TypedDict):
    reference: str
    kind: str  # the kind's label, as printed: "Area for improvement", "Strength"
    text: str
    recommendation: str  # the reference of the recommendation it follows up, or ""
    # The plan's actions linked to it at the cut-off that were not closed: its answer.
    answered_by: list[str]


class VisitRow(TypedDict):
    kind: str  # the kind's label
    visited_on: str
    theme: str
    inspectors: str
    letter_on: str | None
    published: bool
    findings: list[FindingRow]


class ThemeFigures(TypedDict):
    theme_id: int | None  # None for actions in no theme
    name: str
    rags: dict[str, int]  # derived RAG → number of actions
    total: int
    done: int
    overdue: int


class ActionBrief(TypedDict):
    reference: str
    text: str
    lead: str


class OverdueMove(ActionBrief):
    days: int


# "from" is a Python keyword, so the moves are declared in the functional form.
RagMove = TypedDict("RagMove", {"reference": str, "text": str, "lead": str, "from": str, "to": str})
DueMove = TypedDict(
    "DueMove", {"reference": str, "text": str, "lead": str, "from": str | None, "to": str | None}
)
RiskMove = TypedDict("RiskMove", {"reference": str, "description": str, "from": int, "to": int})


class Movement(TypedDict):
    previous_as_at: str | None
    improved: list[RagMove]
    declined: list[RagMove]
    completed: list[ActionBrief]
    newly_overdue: list[OverdueMove]
    due_revised: list[DueMove]
    new_actions: list[ActionBrief]
    risks_rose: list[RiskMove]
    risks_fell: list[RiskMove]
    # The previous pack's figures by theme; None for a first pack, or when the pack compared
    # with had them not frozen (issued before version 5).
    previous_themes: list[ThemeFigures] | None


class PlanAsAt(TypedDict):
    """The plan as it stood at the as-at date, before it is compared with earlier packs."""

    version: int
    as_at: str
    taken_at: str
    plan: PlanFacts
    board: BoardFacts | None
    meeting: MeetingFacts | None
    themes: list[ThemeRow]
    objectives: list[ObjectiveRow]
    periods: list[PeriodRow]
    actions: list[ActionRow]
    recommendations: list[RecommendationRow]
    measures: list[MeasureRow]
    risks: list[RiskRow]
    meeting_actions: list[MeetingActionRow]
    visits: list[VisitRow]  # newest first


class Snapshot(PlanAsAt):
    """What an issued pack freezes: the plan as at the date, what moved since the previous
    issued pack, and the actions slow to progress ({reference: reason})."""

    movement: Movement
    slow: dict[str, str]
    # The cover's warning when the pack is dated before the plan's recorded history; "" if not.
    before_history: str


def version_of(snapshot: dict) -> int:
    # Every issued snapshot names its version; one that does not is read as the first shape.
    return snapshot.get("version", snapshot.get("schema", 1))


def upgrade(snapshot: dict) -> Snapshot:
    """The stored snapshot in today's shape, one version at a time; the stored one is left as it
    was issued."""
    version = version_of(snapshot)
    while version != VERSION:
        step = UPGRADE_STEPS.get(version)
        if step is None:
            raise UnknownSnapshotVersion(f"A pack snapshot of version {version!r} cannot be read.")
        snapshot = step(snapshot)
        version = version_of(snapshot)
    return snapshot


def _from_version_1(snapshot: dict) -> Snapshot:
    upgraded = {key: value for key, value in snapshot.items() if key != "schema"}
    upgraded["version"] = 2
    upgraded["actions"] = [
        {**action, "co_leads": [], "evidence_count": None} for action in snapshot["actions"]
    ]
    upgraded.setdefault("slow", {})
    upgraded.setdefault("before_history", "")
    return upgraded


def _from_version_2(snapshot: dict) -> Snapshot:
    # Version 2 froze open board actions only, with no note and no carried-forward mark.
    upgraded = {**snapshot, "version": 3}
    upgraded["meeting_actions"] = [
        {**row, "status": "open", "closed_on": None, "note": "", "carried_forward": False}
        for row in snapshot["meeting_actions"]
    ]
    # Before version 3 a measure had no tolerance of its own (10% of the target) nor comparators.
    upgraded["measures"] = [
        {"tolerance": None, "england_average": None, "statistical_neighbours": None, **row}
        for row in snapshot["measures"]
    ]
    return upgraded


def _from_version_3(snapshot: dict) -> Snapshot:
    # Packs issued before visits were recorded in the tracker froze none.
    return {**snapshot, "version": 4, "visits": []}


def _from_version_4(snapshot: dict) -> Snapshot:
    # Packs before version 5 froze no impact evidence, revision reasons or figures by theme.
    upgraded = {**snapshot, "version": 5}
    upgraded["actions"] = [
        {
            "impact_evidence": "",
            "due_revision_reason": "",
            "due_revision_decided": False,
            **action,
        }
        for action in snapshot["actions"]
    ]
    upgraded["movement"] = {"previous_themes": None, **snapshot["movement"]}
    return upgraded


UPGRADE_STEPS = {
    1: _from_version_1,
    2: _from_version_2,
    3: _from_version_3,
    4: _from_version_4,
}
