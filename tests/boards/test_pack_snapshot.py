import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from boards.pack.render import render_html
from boards.pack.snapshot import pack_snapshot
from improvement.models import Action, Evidence, LinkChange, Rag, Status, Theme
from improvement.services import record_progress
from inspections.models import Recommendation
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
    # 20: themes, objectives, leads, evidence and links read as they were, and when history
    # began (was 16), and the plan's monitoring visits (their findings and answers are read
    # only when it has some), and the reasons given for due-date revisions.
    assert small_queries == large_queries == 22


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


def _p1(snapshot: dict) -> tuple:
    """P1 as the pack tells it: theme, objective, lead, co-leads and recommendations."""
    row = next(a for a in snapshot["actions"] if a["reference"] == "P1")
    themes = {t["id"]: t["name"] for t in snapshot["themes"]}
    objectives = {o["id"]: o["title"] for o in snapshot["objectives"]}
    references = {r["id"]: r["reference"] for r in snapshot["recommendations"]}
    return (
        themes[row["theme_id"]],
        objectives[row["objective_id"]],
        row["lead"],
        row["co_leads"],
        [references[pk] for pk in row["recommendation_ids"]],
    )


def test_a_pack_as_at_two_months_ago_reads_the_plan_as_it_was_organised_then(story):
    p1 = story.actions["P1"]
    p1.objective.title = "Recruit and keep social workers"
    p1.objective.save()
    p1.lead.name = "Head of Children's Social Care"
    p1.lead.save()
    p1.theme = Theme.objects.get(plan=story.plan, name="Practice")
    p1.save()
    recommendations = {r.reference: r for r in Recommendation.objects.all()}
    p1.recommendations.remove(recommendations["1"])
    p1.recommendations.add(recommendations["3"])
    p1.co_leads.add(factories.LeadFactory(authority=story.plan.authority, name="Head of HR"))

    then = pack_snapshot(plan=story.plan, as_at=story.two_months_ago, board=story.board)
    now = pack_snapshot(plan=story.plan, as_at=story.today, board=story.board)

    assert _p1(then) == ("People", "Recruit social workers", "Head of Safeguarding", [], ["1"])
    assert _p1(now) == (
        "Practice",
        "Recruit and keep social workers",
        "Head of Children's Social Care",
        ["Head of HR"],
        ["3"],
    )
    html = render_html(then, appendix=True)
    assert "Recruit social workers" in html
    assert "Recruit and keep social workers" not in html
    assert "Head of HR" not in html


def test_a_theme_renamed_since_reads_by_its_old_name_in_the_earlier_pack(story):
    people = Theme.objects.get(plan=story.plan, name="People")
    people.name = "Workforce"
    people.save()

    then = pack_snapshot(plan=story.plan, as_at=story.two_months_ago, board=story.board)
    now = pack_snapshot(plan=story.plan, as_at=story.today, board=story.board)

    assert [t["name"] for t in then["themes"]] == ["People", "Practice"]
    assert [t["name"] for t in now["themes"]] == ["Workforce", "Practice"]


def test_evidence_deleted_after_the_as_at_date_still_counts_in_that_dates_pack(story):
    q1 = story.actions["Q1"]
    evidence = factories.EvidenceFactory(action=q1, description="Visits audit, March")
    Evidence.history.update(history_date=timezone.now() - datetime.timedelta(days=60))
    evidence_id = evidence.pk
    evidence.delete()

    then = pack_snapshot(plan=story.plan, as_at=story.two_months_ago, board=story.board)
    now = pack_snapshot(plan=story.plan, as_at=story.today, board=story.board)

    def count(snapshot):
        return next(a["evidence_count"] for a in snapshot["actions"] if a["reference"] == "Q1")

    assert (count(then), count(now)) == (1, 0)
    assert not Evidence.objects.filter(pk=evidence_id).exists()
    deleted = Evidence.history.get(id=evidence_id, history_type="-")
    assert deleted.description == "Visits audit, March"
    assert "Evidence: 1" in render_html(then, appendix=True)
    assert "Evidence: 1" not in render_html(now, appendix=True)


def test_links_changed_from_the_recommendations_side_are_remembered_too(story):
    p2 = story.actions["P2"]
    second = Recommendation.objects.get(reference="2")
    second.actions.add(p2)

    then = pack_snapshot(plan=story.plan, as_at=story.two_months_ago, board=story.board)
    now = pack_snapshot(plan=story.plan, as_at=story.today, board=story.board)

    def references(snapshot):
        row = next(a for a in snapshot["actions"] if a["reference"] == "P2")
        return [
            r["reference"]
            for r in snapshot["recommendations"]
            if r["id"] in row["recommendation_ids"]
        ]

    assert (references(then), references(now)) == (["1"], ["1", "2"])


def test_unlinking_what_was_never_linked_leaves_no_trail(story):
    q3 = story.actions["Q3"]
    before = LinkChange.objects.count()

    q3.recommendations.remove(*Recommendation.objects.all())
    q3.co_leads.clear()

    assert LinkChange.objects.count() == before


def test_a_recommendation_deleted_since_is_still_linked_in_the_earlier_pack(story):
    Recommendation.objects.get(reference="2").delete()

    then = pack_snapshot(plan=story.plan, as_at=story.two_months_ago, board=story.board)

    q1 = next(a for a in then["actions"] if a["reference"] == "Q1")
    assert [
        r["reference"] for r in then["recommendations"] if r["id"] in q1["recommendation_ids"]
    ] == ["2"]
