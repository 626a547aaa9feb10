"""A chair reads one exceptions list: each open action once, with every reason it is there,
the most worrying first, lateness in words, and slow progress rolled up by objective and lead."""

import pytest

from boards.pack import sections
from boards.pack.exceptions import lateness
from boards.pack.movement import movement
from boards.pack.render import render_html
from improvement.models import Rag, Status

AS_AT = "2017-02-15"


def _action(reference, *, rag=Rag.GREEN, progress_rag=Rag.GREEN, **more):
    status = more.pop("status", Status.IN_PROGRESS)
    return {
        "id": hash(reference) % 10_000,
        "reference": reference,
        "number": reference,
        "text": f"Action {reference}",
        "theme_id": None,
        "objective_id": more.pop("objective_id", None),
        "period_id": None,
        "lead": more.pop("lead", "Head of HR"),
        "is_key": False,
        "due_on": "2017-06-01",
        "due_text": "",
        "first_due_on": "2017-06-01",
        "status": status,
        "done": status in (Status.COMPLETE, Status.CLOSED),
        "progress_rag": progress_rag,
        "impact_rag": "",
        "rag": rag,
        "rag_reason": "",
        "disagreement": "",
        "days_overdue": 0,
        "commentary": "",
        "expected_impact": "",
        "recommendation_ids": [],
        "last_update_on": "2017-02-10",
        "due_revisions": 0,
        **more,
    }


def _built(*actions, slow=None, objectives=()):
    snapshot = {
        "as_at": AS_AT,
        "themes": [],
        "objectives": list(objectives),
        "actions": list(actions),
        "recommendations": [],
        "measures": [],
        "risks": [],
        "meeting_actions": [],
        "visits": [],
        "slow": slow or {},
    }
    snapshot["movement"] = movement(None, snapshot)
    return sections.build(snapshot)


def test_an_action_red_overdue_stale_and_disagreeing_appears_once_with_every_reason():
    late = _action(
        "P1",
        rag=Rag.RED,
        progress_rag=Rag.GREEN,
        due_on="2016-12-07",
        days_overdue=70,
        rag_reason="70 days overdue",
        disagreement="reported green, 70 days overdue",
        last_update_on="2016-11-01",
    )

    [row] = _built(late)["exceptions"]

    assert row["reference"] == "P1"
    assert row["reasons"] == [
        "Overdue by 2 months",
        "No update since 01/11/2016",
        "RAG disagreement: reported Green, shown Red",
    ]


def test_an_open_action_whose_due_date_could_not_be_read_is_an_exception():
    ongoing = _action("P2", due_on=None, due_text="On going")
    impossible = _action("P3", due_on=None, due_text="31/11/2016")

    rows = _built(ongoing, impossible)["exceptions"]

    assert [(r["reference"], r["reasons"]) for r in rows] == [
        ("P2", ["Due date unreadable (“On going”)"]),
        ("P3", ["Due date unreadable (“31/11/2016”)"]),
    ]


def test_complete_and_untroubled_actions_are_not_exceptions():
    done = _action("P4", status=Status.COMPLETE, due_on=None, due_text="On going")
    fine = _action("P5")

    assert _built(done, fine)["exceptions"] == []


def test_the_worst_rag_comes_first_then_the_longest_overdue():
    amber = _action("A1", rag=Rag.AMBER, progress_rag=Rag.AMBER, last_update_on=None)
    red_new = _action("R1", rag=Rag.RED, progress_rag=Rag.RED, days_overdue=3)
    red_old = _action("R2", rag=Rag.RED, progress_rag=Rag.RED, days_overdue=400)

    rows = _built(amber, red_new, red_old)["exceptions"]

    assert [r["reference"] for r in rows] == ["R2", "R1", "A1"]


@pytest.mark.parametrize(
    ("days", "words"),
    [
        (1, "1 day"),
        (13, "13 days"),
        (21, "3 weeks"),
        (70, "2 months"),
        (100, "3 months"),
        (3744, "10 years"),
    ],
)
def test_lateness_reads_in_days_weeks_months_or_years(days, words):
    assert lateness(days) == words


def test_slow_progress_is_rolled_up_by_objective_and_by_lead():
    objectives = [{"id": 1, "title": "Better plans", "theme_id": None}]
    actions = [
        _action("S1", objective_id=1, lead="Head of Safeguarding"),
        _action("S2", objective_id=1, lead="Head of HR"),
        _action("S3", objective_id=1, lead="Head of HR"),
    ]

    built = _built(
        *actions, slow={"S1": "no update for 2 months", "S2": "x"}, objectives=objectives
    )

    assert built["slow_rollup"]["by_objective"] == [("Better plans", 2, 3)]
    assert sorted(built["slow_rollup"]["by_lead"]) == [
        ("Head of HR", 1, 2),
        ("Head of Safeguarding", 1, 1),
    ]
    assert {r["reference"] for r in built["exceptions"]} == {"S1", "S2"}


def test_no_commentary_prints_nothing_rather_than_none_recorded():
    html = _render(_action("P9", rag=Rag.RED, progress_rag=Rag.RED, days_overdue=5))

    assert "None recorded" not in html
    assert "Overdue by 5 days" in html


def _render(*actions):
    snapshot = {
        "version": 4,
        "as_at": AS_AT,
        "taken_at": "2017-02-15T12:00:00+00:00",
        "plan": {
            "slug": "p",
            "title": "Plan",
            "authority": "Anytown",
            "version": "",
            "rag_rule": "dates",
        },
        "board": None,
        "meeting": None,
        "themes": [],
        "objectives": [],
        "periods": [],
        "actions": list(actions),
        "recommendations": [],
        "measures": [],
        "risks": [],
        "meeting_actions": [],
        "visits": [],
        "slow": {},
        "before_history": "",
    }
    snapshot["movement"] = movement(None, snapshot)
    return render_html(snapshot)
