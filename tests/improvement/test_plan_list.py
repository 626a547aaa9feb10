"""/plans/: the plans a user may read, and nothing of another council's."""

import datetime

import pytest
from django.urls import reverse

from improvement.models import PlanRole, Status
from improvement.views_plans import NO_PLANS
from tests import factories
from tests.improvement.conftest import TODAY


@pytest.fixture
def second_plan(plan):
    return factories.PlanFactory(slug="anytown-2018", title="Anytown plan 2018")


def _titles(response) -> list[str]:
    return [plan.title for plan in response.context["plans"]]


def test_chair_sees_the_plans_they_hold_a_role_in_with_their_overdue_count(
    client, chair, plan, second_plan, officer_lead, foreign_plan
):
    factories.PlanRoleFactory(plan=second_plan, user=chair, role=PlanRole.Role.BOARD_MEMBER)
    factories.ActionFactory(plan=plan, lead=officer_lead, due_on=TODAY - datetime.timedelta(days=3))
    factories.ActionFactory(
        plan=plan,
        lead=officer_lead,
        due_on=TODAY - datetime.timedelta(days=3),
        status=Status.COMPLETE,
    )
    client.force_login(chair)

    response = client.get(reverse("improvement:plans"))

    assert _titles(response) == ["Anytown improvement plan", "Anytown plan 2018"]
    anytown = response.context["plans"][0]
    assert (anytown.action_count, anytown.open_count, anytown.overdue_count) == (2, 1, 1)
    assert f'href="/plans/{plan.slug}/?overdue=on"' in response.content.decode()
    assert "Otherton" not in response.content.decode()


def test_officer_sees_only_the_plans_whose_actions_they_lead(
    client, officer, officer_lead, plan, second_plan
):
    factories.ActionFactory(plan=second_plan, lead=officer_lead)
    client.force_login(officer)

    assert _titles(client.get(reverse("improvement:plans"))) == ["Anytown plan 2018"]


def test_another_councils_officer_sees_only_their_own_councils_plan(
    client, foreign_officer, plan, chair
):
    client.force_login(foreign_officer)

    response = client.get(reverse("improvement:plans"))

    assert _titles(response) == ["Otherton improvement plan"]
    assert "Anytown" not in response.content.decode()


def test_a_user_with_no_plan_is_told_how_they_get_one(client, django_user_model, plan):
    client.force_login(factories.UserFactory(username="newcomer"))

    response = client.get(reverse("improvement:plans"))

    assert _titles(response) == []
    assert NO_PLANS in response.content.decode()
