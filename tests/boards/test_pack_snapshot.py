import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from boards.pack.snapshot import pack_snapshot
from improvement.models import Action, Rag, Status
from improvement.services import record_progress
from tests import factories


# The story is told once for this module; each test reads it afresh in its own savepoint.
@pytest.fixture
def cast(db, story_told_once):
    return story_told_once.fresh()


@pytest.fixture
def story(cast):
    return cast.story


@pytest.fixture
def officer(cast):
    return cast.officer


def _plan_with_actions(count: int):
    plan = factories.PlanFactory()
    theme = factories.ThemeFactory(plan=plan)
    objective = factories.ObjectiveFactory(plan=plan, theme=theme)
    leads = factories.LeadFactory.create_batch(3)
    rec = factories.RecommendationFactory()
    plan.inspections.add(rec.inspection)
    actions = bulk_create_with_history(
        [
            Action(
                plan=plan,
                reference=f"A{n}",
                text=f"Action {n}",
                theme=theme,
                objective=objective,
                lead=leads[n % 3],
                due_on=datetime.date(2017, 1, 1) + datetime.timedelta(days=n),
                first_due_on=datetime.date(2017, 1, 1),
                order=n,
            )
            for n in range(count)
        ],
        Action,
    )
    Action.recommendations.through.objects.bulk_create(
        Action.recommendations.through(action_id=a.pk, recommendation_id=rec.pk)
        for a in Action.objects.filter(plan=plan)
    )
    factories.RiskFactory.create_batch(3, plan=plan)
    measure = factories.MeasureFactory(plan=plan)
    for month in range(1, 5):
        factories.MeasureValueFactory(measure=measure, period_ending=datetime.date(2017, month, 28))
    board = factories.BoardFactory()
    board.plans.add(plan)
    # A meeting dated in the plan's past, so both plans read it the same way whatever the sequence.
    meeting = factories.MeetingFactory(board=board, held_on=datetime.date(2017, 6, 1))
    factories.MeetingActionFactory.create_batch(2, meeting=meeting)
    return plan, board, actions


def _queries_for_snapshot(plan, board) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as queries:
        snapshot = pack_snapshot(plan=plan, as_at=timezone.localdate(), board=board)
    return len(queries), snapshot


def test_gathering_a_snapshot_costs_the_same_queries_for_5_or_500_actions(db):
    small_plan, small_board, _ = _plan_with_actions(5)
    large_plan, large_board, _ = _plan_with_actions(500)

    small_queries, small = _queries_for_snapshot(small_plan, small_board)
    large_queries, large = _queries_for_snapshot(large_plan, large_board)

    assert (len(small["actions"]), len(large["actions"])) == (5, 500)
    assert len(large["measures"][0]["values"]) == 4
    assert len(large["meeting_actions"]) == 2
    assert small_queries == large_queries == 16


def test_the_snapshot_shows_the_plan_as_it_stood_at_the_as_at_date(story, officer):
    p1 = story.actions["P1"]
    record_progress(
        action=p1,
        by=officer,
        expected_version=p1.version,
        progress_rag=Rag.GREEN,
        status=Status.COMPLETE,
        commentary="All ten posts filled.",
    )

    then = pack_snapshot(plan=story.plan, as_at=story.two_months_ago, board=story.board)
    now = pack_snapshot(plan=story.plan, as_at=story.today, board=story.board)

    then_p1 = next(a for a in then["actions"] if a["reference"] == "P1")
    now_p1 = next(a for a in now["actions"] if a["reference"] == "P1")
    assert (then_p1["status"], then_p1["rag"], then_p1["commentary"]) == (
        Status.IN_PROGRESS,
        Rag.AMBER,
        "Six offers made.",
    )
    assert (now_p1["status"], now_p1["rag"], now_p1["commentary"]) == (
        Status.COMPLETE,
        Rag.GREEN,
        "All ten posts filled.",
    )
    assert now_p1["last_update_on"] == story.today.isoformat()


def test_nothing_created_after_the_as_at_date_is_in_the_snapshot(story):
    factories.ActionFactory(plan=story.plan, reference="LATE", text="Added today")

    then = pack_snapshot(plan=story.plan, as_at=story.two_months_ago, board=story.board)

    assert [a["reference"] for a in then["actions"]] == ["P1", "P2", "Q1", "Q2", "Q3"]


@pytest.mark.parametrize(
    ("reference", "rag", "days_overdue", "disagreement"),
    [
        ("P1", Rag.AMBER, 0, ""),
        ("P2", Rag.RED, 70, "reported green, 70 days overdue"),
        ("Q1", Rag.BLUE, 0, ""),
        ("Q2", Rag.RED, 0, ""),
        ("Q3", Rag.NOT_RATED, 0, ""),
    ],
)
def test_each_action_carries_its_derived_rag_at_the_as_at_date(
    story, reference, rag, days_overdue, disagreement
):
    snapshot = pack_snapshot(plan=story.plan, as_at=story.today, board=story.board)

    row = next(a for a in snapshot["actions"] if a["reference"] == reference)
    assert (row["rag"], row["days_overdue"], row["disagreement"]) == (
        rag,
        days_overdue,
        disagreement,
    )
