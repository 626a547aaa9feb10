"""The pack's sections read a frozen snapshot: each action's derived RAG is what is counted and
shown, with the reported one beside it and the impact RAG, blue only when delivered."""

from boards.pack import sections
from boards.pack.movement import movement
from improvement.models import Rag, Status
from improvement.rag import IMPACT_BLUE_NOT_EARNED


def _action(reference, *, rag, progress_rag, status=Status.IN_PROGRESS, impact_rag="", **more):
    return {
        "id": len(reference),
        "reference": reference,
        "number": reference,
        "text": f"Action {reference}",
        "theme_id": None,
        "objective_id": None,
        "period_id": None,
        "lead": "Head of HR",
        "is_key": False,
        "due_on": "2017-01-01",
        "due_text": "",
        "first_due_on": "2017-01-01",
        "status": status,
        "done": status in (Status.COMPLETE, Status.CLOSED),
        "progress_rag": progress_rag,
        "impact_rag": impact_rag,
        "rag": rag,
        "rag_reason": "",
        "disagreement": "",
        "days_overdue": 0,
        "commentary": "",
        "expected_impact": "",
        "recommendation_ids": [1],
        "last_update_on": None,
        "due_revisions": 0,
        **more,
    }


def _snapshot(*actions):
    snapshot = {
        "as_at": "2017-02-15",
        "themes": [],
        "objectives": [],
        "actions": list(actions),
        "recommendations": [{"id": 1, "reference": "7", "text": "Plans", "body": "ofsted"}],
        "measures": [],
        "risks": [],
        "meeting_actions": [],
        "visits": [],
        "slow": {},
    }
    snapshot["movement"] = movement(None, snapshot)
    return snapshot


def _rows(built):
    objectives = [o for theme in built["appendix"] for o in theme["objectives"]]
    return {a["reference"]: a for o in objectives for a in o["actions"]}


def test_the_pack_counts_the_derived_rag_and_shows_the_reported_one_beside_it():
    built = sections.build(
        _snapshot(
            _action("A1", rag=Rag.RED, progress_rag=Rag.GREEN, days_overdue=45),
            _action("A2", rag=Rag.AMBER, progress_rag=Rag.AMBER),
        )
    )

    assert built["summary"]["totals"] == [1, 1, 0, 0, 0]
    rows = _rows(built)
    assert (rows["A1"]["rag_label"], rows["A1"]["reported_differs"]) == ("Red", True)
    assert rows["A1"]["progress_rag_label"] == "Green"
    assert rows["A2"]["reported_differs"] is False


def test_a_recommendation_takes_the_worst_rag_of_its_open_actions():
    built = sections.build(
        _snapshot(
            _action("A1", rag=Rag.GREEN, progress_rag=Rag.GREEN),
            _action("A2", rag=Rag.NOT_RATED, progress_rag=Rag.NOT_RATED),
            _action("A3", rag=Rag.BLUE, progress_rag=Rag.BLUE, status=Status.COMPLETE),
        )
    )

    # not rated is a worry before green, and a done action does not speak for the open ones
    assert built["recommendations"][0]["status"] == "Not rated"


def test_the_pack_shows_impact_blue_only_for_an_action_delivered_and_evidenced():
    built = sections.build(
        _snapshot(
            _action(
                "D1",
                rag=Rag.BLUE,
                progress_rag=Rag.BLUE,
                status=Status.COMPLETE,
                impact_rag=Rag.BLUE,
            ),
            _action("O1", rag=Rag.GREEN, progress_rag=Rag.GREEN, impact_rag=Rag.BLUE),
        )
    )

    rows = _rows(built)
    assert (rows["D1"]["impact_rag_shown"], rows["D1"]["impact_note"]) == (Rag.BLUE, "")
    assert (rows["O1"]["impact_rag_shown"], rows["O1"]["impact_note"]) == (
        Rag.GREEN,
        IMPACT_BLUE_NOT_EARNED,
    )


def test_a_snapshot_without_an_impact_rag_still_renders_its_rows():
    action = _action("A1", rag=Rag.GREEN, progress_rag=Rag.GREEN)
    del action["impact_rag"]

    rows = _rows(sections.build(_snapshot(action)))

    assert rows["A1"]["impact_rag_shown"] == Rag.NOT_RATED
