"""Every signed-in user finds their way from the home page to the plans and boards they may read."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import ActionFactory, BoardFactory, PlanFactory


@pytest.fixture
def board(plan):
    board = BoardFactory(name="Anytown Improvement Board")
    board.plans.add(plan)
    return board


def menu_of(client, user):
    client.force_login(user)
    return client.get(reverse("improvement:my_actions")).context["menu"]


def test_a_chair_who_leads_no_action_is_offered_the_plan_and_the_board(client, chair, board, plan):
    PlanFactory(title="Another council's plan")

    menu = menu_of(client, chair)

    assert menu["plans"] == [plan]
    assert menu["boards"] == [board]
    page = client.get(reverse("improvement:my_actions")).content.decode()
    assert reverse("boards:board", args=[board.pk]) in page
    assert plan.get_absolute_url() in page


def test_an_officer_is_offered_the_plan_they_lead_in_but_not_the_board_packs(
    client, officer, officer_lead, board, plan
):
    ActionFactory(plan=plan, lead=officer_lead)

    menu = menu_of(client, officer)

    assert menu["plans"] == [plan]
    assert menu["boards"] == []


def test_the_menu_costs_the_same_queries_however_many_plans_and_actions(client, chair, board, plan):
    client.force_login(chair)
    client.get("/")  # the session's idle clock, written on the first request only
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("improvement:my_actions"))
    ActionFactory.create_batch(30, plan=plan)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("improvement:my_actions"))

    assert len(many) == len(few)
