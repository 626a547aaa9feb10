"""Who may do what in a plan. Every view and service asks here; templates only mirror it.

- Officers update the actions they lead (as lead or co-lead) or are delegated.
- Improvement leads change and sign off everything in their plan, issue board packs and
  download the plan workbook (for re-import).
- Board chairs and members read everything in their plan and change nothing.
- Risk owners (users linked to a risk's owner) read the plan and update the risks they own.
- Board secretaries read the plan like a member, and with improvement leads record the
  meetings, decisions and action log of the boards that oversee it.
- Improvement leads record monitoring visits, their findings and the actions answering them.
- Improvement leads invite the plan's people and change their roles and leads.
- Superusers may do everything.
"""

from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db.models import Value

from improvement.models import Action, Plan, PlanRole, Risk

READ_ROLES = (
    PlanRole.Role.IMPROVEMENT_LEAD,
    PlanRole.Role.BOARD_CHAIR,
    PlanRole.Role.BOARD_MEMBER,
    PlanRole.Role.BOARD_SECRETARY,
)
MEETING_ROLES = (PlanRole.Role.IMPROVEMENT_LEAD, PlanRole.Role.BOARD_SECRETARY)


@dataclass(frozen=True)
class Reach:
    """What a user holds across the installation, read once per request: their roles by plan,
    the actions they lead, co-lead or are delegated, and the risks they own (each by plan)."""

    roles: dict[int, frozenset[str]]
    actions: dict[int, int]
    risks: dict[int, int]

    def plan_ids(self) -> set[int]:
        """The plans can_view_plan lets the user read (superusers aside)."""
        read = {plan for plan, roles in self.roles.items() if roles & set(READ_ROLES)}
        return read | set(self.actions.values()) | set(self.risks.values())


# A request's reaches by user: kept for one request (KeepReachPerRequest), so a page asking many
# questions (the menu, the plan, each action's buttons) costs one query in all. Outside a
# request (commands, the worker, tests calling services) each question reads afresh.
_kept_reaches: ContextVar[dict | None] = ContextVar("kept_reaches", default=None)


@contextmanager
def reach_kept_for_a_request():
    token = _kept_reaches.set({})
    try:
        yield
    finally:
        _kept_reaches.reset(token)


class KeepReachPerRequest:
    """Middleware: each user's reach is read once per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with reach_kept_for_a_request():
            return self.get_response(request)


def _reach(user) -> Reach:
    kept = _kept_reaches.get()
    if kept is not None and user.pk in kept:
        return kept[user.pk]
    reach = _read_reach(user)
    if kept is not None:
        kept[user.pk] = reach
    return reach


def _read_reach(user) -> Reach:
    held = (
        PlanRole.objects.filter(user=user)
        .order_by()
        .values_list(Value("role"), "plan_id", "plan_id", "role")
        .union(
            Action.objects.for_user(user)
            .order_by()
            .values_list(Value("action"), "pk", "plan_id", Value("")),
            Risk.objects.owned_by(user)
            .order_by()
            .values_list(Value("risk"), "pk", "plan_id", Value("")),
            all=True,
        )
    )
    roles, actions, risks = defaultdict(set), {}, {}
    for kind, pk, plan_id, role in held:
        if kind == "role":
            roles[plan_id].add(role)
        else:
            (actions if kind == "action" else risks)[pk] = plan_id
    return Reach(
        roles={plan_id: frozenset(named) for plan_id, named in roles.items()},
        actions=actions,
        risks=risks,
    )


def _roles(user, plan: Plan) -> frozenset[str]:
    return _reach(user).roles.get(plan.pk, frozenset())


def is_improvement_lead(user, plan: Plan) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_superuser or PlanRole.Role.IMPROVEMENT_LEAD in _roles(user, plan)


def leads_action(user, action: Action) -> bool:
    if not user.is_authenticated:
        return False
    return action.pk in _reach(user).actions


def actions_held_by(user) -> dict[int, int]:
    """{action id: plan id} of the actions the user leads, co-leads or is delegated."""
    if not user.is_authenticated:
        return {}
    return dict(_reach(user).actions)


def can_view_plan(user, plan: Plan) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser or _roles(user, plan) & set(READ_ROLES):
        return True
    return plan.pk in _reach(user).plan_ids()


def can_read_action(user, action: Action) -> bool:
    """Whoever may read the plan reads its actions, their evidence included."""
    return can_view_plan(user, action.plan)


def plans_visible_to(user):
    """The plans can_view_plan allows: for the navigation and plan lists."""
    if not user.is_authenticated:
        return Plan.objects.none()
    if user.is_superuser:
        return Plan.objects.all()
    return Plan.objects.filter(pk__in=_reach(user).plan_ids())


def plans_with_packs_for(user):
    """The plans whose board packs can_read_packs allows."""
    if not user.is_authenticated:
        return Plan.objects.none()
    if user.is_superuser:
        return Plan.objects.all()
    reading = [plan for plan, roles in _reach(user).roles.items() if roles & set(READ_ROLES)]
    return Plan.objects.filter(pk__in=reading)


def can_update_action(user, action: Action) -> bool:
    return is_improvement_lead(user, action.plan) or leads_action(user, action)


def can_sign_off_in(user, plan: Plan) -> bool:
    """Whether the user decides the plan's sign-off requests: its improvement leads (and
    superusers, who may do everything)."""
    return is_improvement_lead(user, plan)


def can_sign_off(user, action: Action) -> bool:
    return can_sign_off_in(user, action.plan)


def can_import_into(user, plan: Plan) -> bool:
    # The workbook import writes every sheet of the plan: for those who may change it all.
    return is_improvement_lead(user, plan)


def can_issue_pack(user, plan: Plan) -> bool:
    return is_improvement_lead(user, plan)


def can_download_plan_workbook(user, plan: Plan) -> bool:
    # The whole plan in the layout the importer reads back: the file an improvement lead edits
    # and imports, so it goes to those who may change everything in the plan.
    return is_improvement_lead(user, plan)


def can_read_packs(user, plan: Plan) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_superuser or bool(_roles(user, plan) & set(READ_ROLES))


def owns_risk(user, risk: Risk) -> bool:
    return risk.owner_id is not None and risk.pk in _reach(user).risks


def can_update_risk(user, risk: Risk) -> bool:
    """The risk's owner and the plan's improvement leads review and rescore a risk."""
    return is_improvement_lead(user, risk.plan) or owns_risk(user, risk)


def can_record_meetings(user, plan: Plan) -> bool:
    """Minutes, decisions and the action log of the boards overseeing this plan; a decision
    may approve one of its actions' revised due date or closure."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or bool(_roles(user, plan) & set(MEETING_ROLES))


def can_record_measure(user, measure) -> bool:
    """A measure's values: the users of its owner (a lead of the plan's council) and the plan's
    improvement leads."""
    if not user.is_authenticated:
        return False
    if is_improvement_lead(user, measure.plan):
        return True
    owner = measure.owner
    return (
        owner is not None
        and owner.authority_id == measure.plan.authority_id
        and (owner.users.filter(pk=user.pk).exists())
    )


def can_record_visits(user, plan: Plan) -> bool:
    """Monitoring visits and their findings, and which actions answer a finding: the plan's
    improvement leads, who also shape the actions that answer them."""
    return is_improvement_lead(user, plan)


def can_manage_people(user, plan: Plan) -> bool:
    """Who is invited to the plan, in what role, and which roles and leads its people hold: the
    plan's improvement leads (and superusers)."""
    return is_improvement_lead(user, plan)
