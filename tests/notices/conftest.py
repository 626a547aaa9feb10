"""Anytown's people around one plan and its board, and Otherton's, who must never hear of them."""

from dataclasses import dataclass

import pytest

from improvement.models import PlanRole, Status
from tests import factories
from tests.conftest import plan_role_holder


@dataclass
class Council:
    plan: object
    board: object
    action: object
    officer: object
    improvement_lead: object
    second_lead: object
    chair: object
    member: object
    secretary: object


@pytest.fixture
def anytown(plan, officer_lead, officer, improvement_lead, chair):
    board = factories.BoardFactory(authority=plan.authority, name="Anytown Improvement Board")
    board.plans.add(plan)
    board.chair = chair
    board.save()
    member = plan_role_holder(plan, username="member", role=PlanRole.Role.BOARD_MEMBER)
    board.members.add(member)
    action = factories.ActionFactory(
        plan=plan, reference="A1", lead=officer_lead, status=Status.IN_PROGRESS
    )
    return Council(
        plan=plan,
        board=board,
        action=action,
        officer=officer,
        improvement_lead=improvement_lead,
        second_lead=plan_role_holder(
            plan, username="second_lead", role=PlanRole.Role.IMPROVEMENT_LEAD
        ),
        chair=chair,
        member=member,
        secretary=plan_role_holder(plan, username="secretary", role=PlanRole.Role.BOARD_SECRETARY),
    )


@pytest.fixture
def otherton(foreign_plan, foreign_officer):
    """Another council's improvement lead and chair, and one of its officers who was (wrongly)
    made a member of Anytown's board: none of them may hear of Anytown's work."""
    lead = plan_role_holder(
        foreign_plan, username="otherton_lead", role=PlanRole.Role.IMPROVEMENT_LEAD
    )
    chair = plan_role_holder(
        foreign_plan, username="otherton_chair", role=PlanRole.Role.BOARD_CHAIR
    )
    return [lead, chair, foreign_officer]


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run what a write schedules on commit (the tasks, on the immediate backend in tests)."""

    def run(write, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return write(*args, **kwargs)

    return run
