import pytest
from django.utils import timezone

from boards.models import Pack
from boards.pack.movement import (
    SLOW_DUE_REVISED,
    SLOW_NO_IMPROVEMENT,
    movement,
    slow_to_progress,
)
from boards.services import issue_pack
from improvement.models import Rag, Status
from improvement.services import record_progress


def _action(reference, rag, *, done=False, overdue=0, due="2018-03-31", revisions=0):
    return {
        "reference": reference,
        "text": f"Action {reference}",
        "lead": "Head of Service",
        "rag": rag,
        "done": done,
        "days_overdue": overdue,
        "due_on": due,
        "due_revisions": revisions,
        "theme_id": 1,
    }


def _risk(reference, score, residual=None):
    return {
        "reference": reference,
        "description": f"Risk {reference}",
        "score": score,
        "residual_score": residual,
    }


def _snapshot(as_at, actions, risks=()):
    themes = [{"id": 1, "name": "Practice"}]
    return {"as_at": as_at, "themes": themes, "actions": list(actions), "risks": list(risks)}


JANUARY = _snapshot(
    "2018-01-31",
    [
        _action("A", Rag.RED),
        _action("B", Rag.GREEN),
        _action("C", Rag.AMBER),
        _action("D", Rag.GREEN),
        _action("E", Rag.AMBER, due="2018-02-28"),
        _action("F", Rag.AMBER),
    ],
    [_risk("R1", 20, 12), _risk("R2", 9), _risk("R3", 16, 8)],
)
FEBRUARY = _snapshot(
    "2018-02-28",
    [
        _action("A", Rag.AMBER),  # improved
        _action("B", Rag.RED, overdue=3),  # declined and newly overdue
        _action("C", Rag.BLUE, done=True),  # completed (not also "improved")
        _action("D", Rag.GREEN),  # no change
        _action("E", Rag.AMBER, due="2018-04-30"),  # due date revised
        _action("F", Rag.NOT_RATED),  # not rated: neither improved nor declined
        _action("G", Rag.GREEN),  # new since January
    ],
    [_risk("R1", 20, 15), _risk("R2", 6), _risk("R3", 16, 8)],
)


def test_movement_sorts_each_change_into_its_kind():
    moved = movement(JANUARY, FEBRUARY)

    def refs(kind):
        return [row["reference"] for row in moved[kind]]

    assert moved["previous_as_at"] == "2018-01-31"
    assert refs("improved") == ["A"]
    assert (moved["improved"][0]["from"], moved["improved"][0]["to"]) == (Rag.RED, Rag.AMBER)
    assert refs("declined") == ["B"]
    assert refs("completed") == ["C"]
    assert refs("newly_overdue") == ["B"]
    assert refs("due_revised") == ["E"]
    assert (moved["due_revised"][0]["from"], moved["due_revised"][0]["to"]) == (
        "2018-02-28",
        "2018-04-30",
    )
    assert refs("new_actions") == ["G"]
    # R1 is watched after controls (12 → 15); R2 has no residual score, so before (9 → 6).
    assert [(r["reference"], r["from"], r["to"]) for r in moved["risks_rose"]] == [("R1", 12, 15)]
    assert [(r["reference"], r["from"], r["to"]) for r in moved["risks_fell"]] == [("R2", 9, 6)]


def test_movement_freezes_the_previous_packs_figures_by_theme():
    [practice] = movement(JANUARY, FEBRUARY)["previous_themes"]

    assert practice["name"] == "Practice"
    assert practice["rags"] == {Rag.RED: 1, Rag.GREEN: 2, Rag.AMBER: 3}
    assert (practice["total"], practice["done"], practice["overdue"]) == (6, 0, 0)


def test_the_first_pack_has_nothing_to_compare_with():
    moved = movement(None, FEBRUARY)

    assert moved["previous_as_at"] is None
    assert not any(moved[kind] for kind in moved if kind != "previous_as_at")


@pytest.mark.parametrize(
    ("two_packs_ago", "now", "expected"),
    [
        (_action("X", Rag.RED), _action("X", Rag.RED), SLOW_NO_IMPROVEMENT),
        (_action("X", Rag.AMBER), _action("X", Rag.RED), SLOW_NO_IMPROVEMENT),
        (_action("X", Rag.RED), _action("X", Rag.AMBER), None),
        (_action("X", Rag.RED), _action("X", Rag.BLUE, done=True), None),
        (
            _action("X", Rag.GREEN),
            _action("X", Rag.GREEN, revisions=2),
            f"{SLOW_NO_IMPROVEMENT}; {SLOW_DUE_REVISED.format(n=2)}",
        ),
        (_action("Y", Rag.RED), _action("X", Rag.GREEN, revisions=3), "due date revised 3 times"),
        (_action("Y", Rag.RED), _action("X", Rag.RED, revisions=1), None),
    ],
)
def test_slow_to_progress_means_no_improvement_over_two_packs_or_due_revised_twice(
    two_packs_ago, now, expected
):
    last_pack = _snapshot("2018-01-31", [_action("X", Rag.AMBER)])
    two_back = _snapshot("2017-12-31", [two_packs_ago])

    slow = slow_to_progress(_snapshot("2018-02-28", [now]), [last_pack, two_back])

    assert slow.get("X") == expected


def test_with_fewer_than_two_earlier_packs_only_revised_dates_count_as_slow():
    now = _snapshot("2018-02-28", [_action("X", Rag.RED), _action("Z", Rag.RED, revisions=2)])

    assert slow_to_progress(now, [JANUARY]) == {"Z": SLOW_DUE_REVISED.format(n=2)}


def test_a_pack_freezes_its_movement_since_the_previous_issued_pack(
    story, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = issue_pack(plan=story.plan, board=story.board, as_at=story.two_months_ago, by=None)
    p2, q2 = story.actions["P2"], story.actions["Q2"]
    record_progress(
        action=q2,
        by=officer,
        expected_version=q2.version,
        progress_rag=Rag.GREEN,
        commentary="Training rescheduled and delivered.",
    )
    record_progress(
        action=p2,
        by=officer,
        expected_version=p2.version,
        status=Status.COMPLETE,
        commentary="Agency use now 12%.",
    )

    with django_capture_on_commit_callbacks(execute=True):
        second = issue_pack(plan=story.plan, board=story.board, as_at=timezone.localdate(), by=None)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Pack.PackStatus.ISSUED, Pack.PackStatus.ISSUED)
    moved = second.snapshot["movement"]
    assert moved["previous_as_at"] == story.two_months_ago.isoformat()
    assert [r["reference"] for r in moved["improved"]] == ["Q2"]
    assert [r["reference"] for r in moved["completed"]] == ["P2"]
    assert moved["declined"] == moved["due_revised"] == moved["newly_overdue"] == []
