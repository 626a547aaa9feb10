"""Reads composed for pages: each returns what one page shows at a fixed number of queries."""

import datetime
from dataclasses import dataclass, field

from django.db.models import F, Prefetch

from improvement.models import Action, Evidence, Measure, MeasureValue, Plan, ProgressUpdate
from improvement.rag import derive_action_rag, is_overdue
from improvement.ratings import DONE_STATUSES, DUE_SOON_DAYS, Status
from improvement.trend import Trend, trend
from inspections.models import Recommendation

DUE_REVISED = "Due date revised %(count)d time%(plural)s; first due %(first)s"


@dataclass
class ActionGroup:
    key: str
    title: str
    actions: list = field(default_factory=list)


def with_derived_rag(actions, *, today: datetime.date) -> list[Action]:
    """Attach the RAG the plan's rule derives, so templates show it beside the reported one."""
    actions = list(actions)
    for action in actions:
        action.derived = derive_action_rag(action, today=today)
    return actions


def _group_key(action: Action, *, today: datetime.date) -> str:
    if action.status in DONE_STATUSES:
        return "complete"
    if action.status == Status.AWAITING_SIGN_OFF:
        return "awaiting"
    if is_overdue(due_on=action.due_on, status=action.status, today=today):
        return "overdue"
    if action.due_on is not None and (action.due_on - today).days <= DUE_SOON_DAYS:
        return "due_soon"
    return "later"


def my_actions(*, user, today: datetime.date) -> list[ActionGroup]:
    """The actions a user leads, co-leads or is delegated, in the groups the home page shows."""
    groups = {
        "overdue": ActionGroup("overdue", "Overdue"),
        "due_soon": ActionGroup("due_soon", f"Due in the next {DUE_SOON_DAYS} days"),
        "later": ActionGroup("later", "Due later"),
        "awaiting": ActionGroup("awaiting", "Awaiting sign-off"),
        "complete": ActionGroup("complete", "Complete"),
    }
    actions = (
        Action.objects.for_user(user)
        .select_related("plan", "lead")
        .with_latest_update()
        .with_sign_off_story()
        .order_by(F("due_on").asc(nulls_last=True), "plan__title", "order", "pk")
    )
    for action in with_derived_rag(actions, today=today):
        action.sent_back = sent_back(action)
        groups[_group_key(action, today=today)].actions.append(action)
    return list(groups.values())


@dataclass(frozen=True)
class SentBack:
    at: datetime.datetime
    reason: str


def sent_back(action: Action) -> SentBack | None:
    """Why sign-off was refused, while the officer still has it to answer: from the send-back
    until they ask again (annotations of with_sign_off_story)."""
    at = getattr(action, "sent_back_at", None)
    if at is None or action.status in (Status.AWAITING_SIGN_OFF, *DONE_STATUSES):
        return None
    asked = action.sign_off_requested_at
    if asked is not None and asked > at:
        return None
    return SentBack(at=at, reason=action.sent_back_reason)


def plan_actions(plan: Plan):
    """The plan page's rows, in plan order: theme, then objective, then the action's place."""
    return (
        plan.actions.for_listing()
        .prefetch_related("recommendations")
        .order_by("theme__order", "theme__name", "objective__order", "objective__pk", "order", "pk")
    )


@dataclass
class ActionPage:
    action: Action
    timeline: list
    evidence: list
    milestones: list
    due_revisions: int
    sent_back: "SentBack | None" = None

    @property
    def due_revision_note(self) -> str:
        if not self.due_revisions:
            return ""
        first = self.action.first_due_on
        return DUE_REVISED % {
            "count": self.due_revisions,
            "plural": "" if self.due_revisions == 1 else "s",
            "first": first.strftime("%d/%m/%Y") if first else "not recorded",
        }


def action_page(*, plan: Plan, reference: str, today: datetime.date) -> ActionPage:
    updates = (
        ProgressUpdate.objects.select_related("by")
        .prefetch_related("evidence")
        .order_by("-at", "-pk")
    )
    action = (
        plan.actions.select_related("plan", "theme", "period", "objective", "lead")
        .with_due_revisions()
        .with_sign_off_story()
        .prefetch_related(
            Prefetch(
                "recommendations", queryset=Recommendation.objects.select_related("inspection")
            ),
            "co_leads",
            "delegates",
            Prefetch("updates", queryset=updates),
            "evidence__uploaded_by",
            "milestones",
        )
        .get(reference=reference)
    )
    action.derived = derive_action_rag(action, today=today)
    return ActionPage(
        action=action,
        timeline=list(action.updates.all()),
        evidence=list(action.evidence.all()),
        milestones=list(action.milestones.all()),
        due_revisions=action.due_revisions,
        sent_back=sent_back(action),
    )


def _sign_off_requests(plan: Plan):
    """A plan's actions as the sign-off pages show them: the request (who asked, when, what they
    said), the impact evidence and every evidence file, at three queries whatever the count."""
    requests = ProgressUpdate.objects.sign_off_requests().select_related("by")
    requests = requests.order_by("-at", "-pk")
    evidence = Evidence.objects.select_related("uploaded_by").order_by("-uploaded_at", "-pk")
    return (
        plan.actions.select_related("plan", "theme", "lead")
        .with_sign_off_story()
        .prefetch_related(
            Prefetch("updates", queryset=requests, to_attr="requests"),
            Prefetch("evidence", queryset=evidence, to_attr="evidence_items"),
        )
    )


def _with_request(action: Action) -> Action:
    # None for an action that came in awaiting sign-off (an import): no one asked on the site.
    action.request = action.requests[0] if action.requests else None
    return action


def sign_off_queue(*, plan: Plan) -> list[Action]:
    """The plan's actions awaiting sign-off, the longest waiting first."""
    actions = (
        _sign_off_requests(plan)
        .awaiting_sign_off()
        .order_by(F("sign_off_requested_at").asc(nulls_first=True), "order", "pk")
    )
    return [_with_request(action) for action in actions]


def sign_off_request(*, plan: Plan, reference: str) -> Action:
    """One action as the decision page shows it; raises Action.DoesNotExist."""
    return _with_request(_sign_off_requests(plan).get(reference=reference))


def recommendation_actions(*, plan: Plan, recommendation: Recommendation):
    return plan.actions.filter(recommendations=recommendation).select_related("plan", "lead")


@dataclass
class MeasureRow:
    """One measure as the measures page shows it: latest and previous value, the change, its
    RAG against the target and tolerance, and its trend."""

    measure: Measure
    values: list
    latest: MeasureValue | None
    previous: MeasureValue | None
    rag: str
    trend: Trend | None

    @property
    def change(self):
        if self.latest is None or self.previous is None:
            return None
        return self.latest.value - self.previous.value

    @property
    def trend_words(self) -> str:
        return "; ".join(
            f"{v.label or format(v.period_ending, '%b %Y')}: {v.value}" for v in self.values
        )


def measure_row(measure: Measure) -> MeasureRow:
    values = list(measure.values.all())
    latest = values[-1] if values else None
    return MeasureRow(
        measure=measure,
        values=values,
        latest=latest,
        previous=values[-2] if len(values) > 1 else None,
        rag=measure.rag_of(latest.value if latest else None),
        trend=trend(
            [float(v.value) for v in values],
            target=float(measure.target) if measure.target is not None else None,
        ),
    )


def plan_measures(plan: Plan) -> list[MeasureRow]:
    """Every measure of the plan with its values, in two queries whatever their number."""
    measures = (
        plan.measures.select_related("plan", "owner")
        .prefetch_related(
            Prefetch("values", queryset=MeasureValue.objects.order_by("period_ending"))
        )
        .order_by("order", "name")
    )
    return [measure_row(measure) for measure in measures]
