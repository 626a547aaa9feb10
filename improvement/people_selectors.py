"""The reads of the people pages, each at a fixed number of queries whatever the plan's size."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q
from django.utils import timezone

from improvement.models import Invitation, Lead, PeopleChange, Plan, PlanRole

RECENT_CHANGES = 30
ACCEPTED_SHOWN = 50


def plan_leads(plan: Plan):
    """The leads of the plan's actions (and co-leads), risks, themes and measures, within the
    plan's council only."""
    return Lead.objects.filter(authority_id=plan.authority_id).filter(
        Q(actions__plan=plan)
        | Q(co_led_actions__plan=plan)
        | Q(risks__plan=plan)
        | Q(theme__plan=plan)
        | Q(measures__plan=plan)
    )


def plan_people(plan: Plan):
    """Users with a role in the plan, linked to one of its leads, or who accepted an invitation
    to it (an officer invited for a lead that leads nothing yet is one of the plan's people)."""
    users = get_user_model()._default_manager
    ids = (
        users.filter(
            Q(plan_roles__plan=plan)
            | Q(leads__in=plan_leads(plan))
            | Q(invitations_accepted__plan=plan)
        )
        .values("pk")
        .distinct()
    )
    return users.filter(pk__in=ids)


def person_display(user) -> str:
    return user.get_full_name() or user.get_username()


@dataclass(frozen=True)
class Person:
    user: object
    name: str
    roles: list  # PlanRole rows of this plan
    leads: list  # Lead rows of this plan's council


def _with_roles_and_leads(users, plan: Plan):
    return users.prefetch_related(
        Prefetch(
            "plan_roles", queryset=PlanRole.objects.filter(plan=plan).order_by("role"), to_attr="r"
        ),
        Prefetch(
            "leads",
            queryset=Lead.objects.filter(authority_id=plan.authority_id).order_by("name"),
            to_attr="l",
        ),
    )


def _person(user) -> Person:
    return Person(user=user, name=person_display(user), roles=user.r, leads=user.l)


@dataclass(frozen=True)
class PeoplePage:
    people: list[Person]
    open_invitations: list
    accepted_invitations: list
    changes: list


def people_page(*, plan: Plan) -> PeoplePage:
    now = timezone.now()
    users = _with_roles_and_leads(
        plan_people(plan).order_by("last_name", "first_name", "username"), plan
    )
    invitations = Invitation.objects.for_plan(plan).select_related(
        "lead", "invited_by", "accepted_by"
    )
    # Not accepted nor revoked: open, waiting for the worker, or expired (shown as such).
    pending = list(invitations.filter(accepted_at=None, revoked_at=None))
    for invitation in pending:
        invitation.current_state = invitation.state(now=now)
    return PeoplePage(
        people=[_person(user) for user in users],
        open_invitations=pending,
        accepted_invitations=list(invitations.accepted().order_by("-accepted_at")[:ACCEPTED_SHOWN]),
        changes=list(PeopleChange.objects.filter(plan=plan).select_related("by")[:RECENT_CHANGES]),
    )


def person_of_plan(*, plan: Plan, pk) -> Person | None:
    user = _with_roles_and_leads(plan_people(plan).filter(pk=pk), plan).first()
    return None if user is None else _person(user)


def person_changes(*, plan: Plan, person) -> list:
    return list(
        PeopleChange.objects.filter(plan=plan, person=person).select_related("by")[:RECENT_CHANGES]
    )


def authority_leads(plan: Plan):
    return Lead.objects.filter(authority_id=plan.authority_id).order_by("name")
