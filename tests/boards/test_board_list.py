"""/boards/: the boards overseeing a plan whose packs the user may read."""

import pytest
from django.urls import reverse

from boards.models import Board
from boards.views import NO_BOARDS
from improvement.models import PlanRole
from tests import factories


@pytest.fixture
def board(plan):
    board = factories.BoardFactory(name="Anytown Improvement Board", chair_name="Ann Chair")
    board.plans.add(plan)
    return board


@pytest.fixture
def foreign_board(foreign_plan):
    board = factories.BoardFactory(name="Otherton Board", authority=foreign_plan.authority)
    board.plans.add(foreign_plan)
    return board


def _names(response) -> list[str]:
    return [board.name for board in response.context["boards"]]


def test_chair_sees_their_board_with_the_plans_it_oversees(client, chair, board, foreign_board):
    client.force_login(chair)

    response = client.get(reverse("boards:list"))

    assert _names(response) == ["Anytown Improvement Board"]
    page = response.content.decode()
    assert f'href="/boards/{board.pk}/"' in page
    assert "Anytown improvement plan" in page
    assert "Otherton" not in page


def test_a_plan_of_another_council_forced_onto_a_board_is_not_listed_under_it(
    client, chair, board, foreign_plan
):
    board.plans.add(foreign_plan)
    factories.PlanRoleFactory(plan=foreign_plan, user=chair, role=PlanRole.Role.BOARD_CHAIR)
    client.force_login(chair)

    response = client.get(reverse("boards:list"))

    assert [p.title for p in response.context["boards"][0].readable_plans] == [
        "Anytown improvement plan"
    ]


def test_an_officer_reads_no_packs_so_sees_no_board(client, officer, board, foreign_board):
    client.force_login(officer)

    response = client.get(reverse("boards:list"))

    assert _names(response) == []
    assert NO_BOARDS in response.content.decode()


def test_readable_by_matches_the_menu_for_every_persona(chair, officer, board, foreign_board):
    assert list(Board.objects.readable_by(chair)) == [board]
    assert list(Board.objects.readable_by(officer)) == []
