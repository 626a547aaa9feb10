"""A chair opens the pack and reads the picture first: the cover's few sentences, then two to
four pages "At a glance" of each theme's RAG with the change since the last pack, what is
complete and overdue, the decisions the board is asked to make, and what no action answers."""

import datetime
import re

import pytest
from django.utils import timezone

from boards.pack import sections
from boards.pack.movement import movement
from boards.pack.render import render_html, render_pdf
from boards.pack.snapshot import pack_snapshot
from improvement.models import Rag, Status
from improvement.services import record_progress
from improvement.services.decisions import approve_revised_due_date
from tests import factories
from tests.boards.conftest import pdf_pages

AS_AT = "2017-02-15"
PRACTICE, PEOPLE = 1, 2


def _action(reference, *, rag=Rag.GREEN, theme_id=PRACTICE, **more):
    status = more.pop("status", Status.IN_PROGRESS)
    return {
        "id": sum(map(ord, reference)),
        "reference": reference,
        "number": reference,
        "text": f"Action {reference}",
        "theme_id": theme_id,
        "objective_id": None,
        "period_id": None,
        "lead": more.pop("lead", "Head of HR"),
        "co_leads": [],
        "is_key": False,
        "due_on": "2017-06-01",
        "due_text": "",
        "first_due_on": "2017-06-01",
        "status": status,
        "done": status in (Status.COMPLETE, Status.CLOSED),
        "progress_rag": rag,
        "impact_rag": "",
        "rag": rag,
        "rag_reason": "",
        "disagreement": "",
        "days_overdue": 0,
        "commentary": "",
        "expected_impact": "",
        "impact_evidence": "",
        "recommendation_ids": [],
        "last_update_on": "2017-02-10",
        "due_revisions": 0,
        "due_revision_reason": "",
        "due_revision_decided": False,
        "evidence_count": 0,
        **more,
    }


def _snapshot(actions, *, as_at=AS_AT, **more) -> dict:
    snapshot = {
        "version": 5,
        "as_at": as_at,
        "taken_at": f"{as_at}T23:00:00+00:00",
        "plan": {
            "slug": "anytown",
            "title": "Anytown plan",
            "authority": "Anytown",
            "version": "",
            "rag_rule": "dates",
        },
        "board": None,
        "meeting": None,
        "themes": [{"id": PRACTICE, "name": "Practice"}, {"id": PEOPLE, "name": "People"}],
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
    snapshot.update(more)
    return snapshot


def _pack(actions, *, previous=None, **more) -> dict:
    snapshot = _snapshot(actions, **more)
    snapshot["movement"] = movement(previous, snapshot)
    return snapshot


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


JANUARY = _snapshot(
    [
        _action("P1", rag=Rag.RED, days_overdue=5),
        _action("P2", rag=Rag.AMBER),
        _action("H1", rag=Rag.GREEN, theme_id=PEOPLE),
    ],
    as_at="2017-01-15",
)


def test_each_theme_shows_its_rag_counts_with_the_change_since_the_last_pack():
    february = _pack(
        [
            _action("P1", rag=Rag.AMBER),
            _action("P2", rag=Rag.AMBER),
            _action("P3", rag=Rag.RED, days_overdue=2),
            _action("H1", rag=Rag.BLUE, theme_id=PEOPLE, status=Status.COMPLETE),
        ],
        previous=JANUARY,
    )

    themes = sections.build(february)["glance"]["themes"]

    practice, people = themes["rows"]
    assert practice["name"] == "Practice"
    # Red, Amber, Green, Blue, Not rated: the count now and the change since January.
    assert [(f["count"], f["change"]) for f in practice["rags"]] == [
        (1, "0"),
        (2, "+1"),
        (0, "0"),
        (0, "0"),
        (0, "0"),
    ]
    assert (practice["overdue"]["count"], practice["overdue"]["change"]) == (1, "0")
    assert [(f["count"], f["change"]) for f in people["rags"]][2:4] == [(0, "−1"), (1, "+1")]
    assert (people["done"], people["percent_complete"]) == (1, 100)
    assert themes["totals"]["total"] == 4
    text = _text(render_html(february))
    assert "in brackets, the change since the pack as at 15 January 2017" in text
    assert "Practice 1 (0) 2 (+1) 0 (0) 0 (0) 0 (0) 3 0 (0%) 1 (0)" in text
    assert "All themes 1 (0) 2 (+1) 0 (−1) 1 (+1) 0 (0) 4 1 (25%) 1 (0)" in text


def test_a_first_pack_shows_the_figures_without_a_change():
    first = _pack([_action("P1", rag=Rag.RED)])

    themes = sections.build(first)["glance"]["themes"]

    assert themes["compared"] is False
    assert {f["change"] for row in themes["rows"] for f in row["rags"]} == {None}
    assert "Practice 1 0 0 0 0 1 0 (0%) 0" in _text(render_html(first))


def test_a_pack_compared_with_one_issued_before_theme_figures_were_frozen_says_so():
    february = _pack([_action("P1")], previous=JANUARY)
    february["movement"]["previous_themes"] = None  # as the step from version 4 leaves it

    text = _text(render_html(february))

    assert "froze no figures by theme to compare with" in text
    assert "(0)" not in text[text.index("At a glance") : text.index("Decisions for the board")]


def test_the_board_is_asked_to_approve_closures_and_agree_revised_due_dates():
    february = _pack(
        [
            _action(
                "P1",
                status=Status.AWAITING_SIGN_OFF,
                impact_evidence="Audit shows 95% of visits in time.",
                evidence_count=2,
                last_update_on="2017-02-01",
            ),
            _action(
                "P2",
                due_on="2017-09-30",
                due_revisions=1,
                due_revision_reason="Recruitment delayed.",
            ),
            _action("H1", theme_id=PEOPLE),
        ],
        previous=_snapshot(
            [_action("P1"), _action("P2", due_on="2017-03-31"), _action("H1")], as_at="2017-01-15"
        ),
    )

    built = sections.build(february)
    text = _text(render_html(february))

    assert [a["reference"] for a in built["glance"]["closures"]] == ["P1"]
    [revised] = built["glance"]["revised_dates"]
    assert (revised["reference"], revised["was"], revised["now"], revised["reason"]) == (
        "P2",
        datetime.date(2017, 3, 31),
        datetime.date(2017, 9, 30),
        "Recruitment delayed.",
    )
    assert "Closures awaiting sign-off (1)" in text
    assert "P1 Action P1 Head of HR 01/02/2017 2 items Audit shows 95% of visits in time." in text
    assert "Revised due dates to agree (1)" in text
    assert "P2 Action P2 Head of HR 31/03/2017 30/09/2017 Recruitment delayed." in text
    assert "The board is asked to approve 1 closure and agree 1 revised due date." in text


def test_a_first_pack_asks_to_agree_the_due_dates_revised_in_the_tracker_only():
    first = _pack(
        [
            _action("P1", first_due_on="2017-01-31", due_revisions=1, due_revision_reason="Late"),
            # Different from its first date, but never revised through the tracker: imported so.
            _action("P2", first_due_on="2016-12-31"),
            _action("P3", first_due_on="2017-01-31", due_revisions=1, status=Status.COMPLETE),
            # Moved by the board's own decision: agreed already.
            _action("P4", first_due_on="2017-01-31", due_revisions=1, due_revision_decided=True),
        ]
    )

    revised = sections.build(first)["glance"]["revised_dates"]

    assert [(r["reference"], r["was"]) for r in revised] == [("P1", datetime.date(2017, 1, 31))]


def _measure(name, latest, *, target=80.0):
    return {
        "name": name,
        "unit": "%",
        "direction": "higher",
        "target": target,
        "tolerance": None,
        "england_average": None,
        "statistical_neighbours": None,
        "values": [
            {"period_ending": "2016-12-31", "label": "Q3", "value": latest - 2},
            {"period_ending": "2017-01-31", "label": "Q4", "value": latest},
        ],
    }


def _risk(reference, score, target):
    return {
        "reference": reference,
        "description": f"Risk {reference} happens",
        "owner": "Head of Service",
        "status": "open",
        "likelihood": score // 5 or 1,
        "impact": 5 if score >= 5 else score,
        "score": score,
        "residual_likelihood": None,
        "residual_impact": None,
        "residual_score": None,
        "target_score": target,
        "existing_controls": "",
        "additional_controls": "",
        "reviewed_on": None,
        "review_text": "",
    }


def _visit(*findings):
    return {
        "kind": "Monitoring visit",
        "visited_on": "2017-01-10",
        "theme": "Children in need",
        "inspectors": "",
        "letter_on": None,
        "published": False,
        "findings": [
            {
                "reference": ref,
                "kind": "Area for improvement",
                "text": f"Finding {ref} text",
                "recommendation": "",
                "answered_by": answered,
            }
            for ref, answered in findings
        ],
    }


def test_what_misses_its_target_or_has_no_action_is_named_on_the_front_pages():
    snapshot = _pack(
        [_action("P1", recommendation_ids=[1])],
        measures=[
            _measure("Visits in time", 60),
            _measure("Audits good", 77),
            _measure("On target", 85),
        ],
        risks=[_risk("R1", 20, 8), _risk("R2", 4, 8), _risk("R3", 10, None)],
        visits=[_visit(("1", ["P1"]), ("2", []))],
        recommendations=[
            {"id": 1, "reference": "1", "text": "Improve visits.", "body": ""},
            {"id": 2, "reference": "2", "text": "Improve supervision.", "body": ""},
        ],
    )

    glance = sections.build(snapshot)["glance"]
    text = _text(render_html(snapshot))

    # Red first, then amber (within 10% of the target); one on target is left out.
    assert [m["name"] for m in glance["measures_off_target"]] == ["Visits in time", "Audits good"]
    assert [r["reference"] for r in glance["risks_above_target"]] == ["R1"]
    assert [f["reference"] for f in glance["findings"]] == ["2"]
    assert [r["reference"] for r in glance["uncovered"]] == ["2"]
    assert "Measures off target (2)" in text
    assert "Risks above target (1) " in text
    assert "R1 Risk R1 happens Head of Service 20 8" in text
    assert "Monitoring-visit findings with no action (1)" in text
    assert "Monitoring visit, 10 January 2017 2 Finding 2 text" in text
    assert "Recommendations with no action (1)" in text
    assert "2 Improve supervision." in text
    assert "Of 2 recommendations: fully covered 0, partly covered 1, not covered 1." in text


def test_the_cover_carries_the_summary():
    snapshot = _pack(
        [
            _action("P1", rag=Rag.RED, days_overdue=3),
            _action("P2", status=Status.COMPLETE, rag=Rag.GREEN),
            _action("P3", status=Status.AWAITING_SIGN_OFF),
        ],
        previous=JANUARY,
        risks=[_risk("R1", 20, 8)],
    )

    html = render_html(snapshot)
    cover = _text(html[html.index('class="cover"') : html.index('class="contents"')])

    assert "In brief" in cover
    assert "3 actions: 1 complete (33%), 1 overdue, 1 red." in cover
    assert "Since the pack as at 15 January 2017:" in cover
    assert "The board is asked to approve 1 closure." in cover
    assert (
        "0 measures off target; 1 risk above target; 0 monitoring-visit findings with no action;"
        " 0 recommendations with no action." in cover
    )


def test_exceptions_print_expected_impact_and_impact_evidence():
    snapshot = _pack(
        [
            _action(
                "P1",
                rag=Rag.RED,
                days_overdue=20,
                expected_impact="Children are seen in time.",
                impact_evidence="Audit of 40 cases.",
            )
        ]
    )

    html = render_html(snapshot)
    exceptions = _text(html[html.index('id="exceptions"') : html.index('id="recommendations"')])

    assert "Expected impact: Children are seen in time." in exceptions
    assert "Impact evidence: Audit of 40 cases." in exceptions


@pytest.mark.django_db
def test_the_snapshot_freezes_impact_evidence_and_the_reason_for_the_latest_due_revision(
    plan, officer, officer_lead
):
    today = timezone.localdate()
    action = factories.ActionFactory(
        plan=plan, lead=officer_lead, due_on=today + datetime.timedelta(days=30)
    )
    for days, reason in ((60, "Waiting for the new case system."), (90, "Recruitment delayed.")):
        action.refresh_from_db()
        record_progress(
            action=action,
            by=officer,
            expected_version=action.version,
            due_on=today + datetime.timedelta(days=days),
            due_reason=reason,
        )
    action.refresh_from_db()
    record_progress(
        action=action,
        by=officer,
        expected_version=action.version,
        status=Status.AWAITING_SIGN_OFF,
        commentary="Done: every case audited.",
        impact_evidence="Audit of 40 cases.",
    )

    [row] = pack_snapshot(plan=plan, as_at=today)["actions"]

    assert row["impact_evidence"] == "Audit of 40 cases."
    assert (row["due_revisions"], row["due_revision_reason"]) == (2, "Recruitment delayed.")
    assert row["due_revision_decided"] is False


@pytest.mark.django_db
def test_a_due_date_the_board_moved_by_a_decision_is_not_asked_to_be_agreed(
    plan, improvement_lead, officer_lead
):
    today = timezone.localdate()
    action = factories.ActionFactory(
        plan=plan, lead=officer_lead, due_on=today + datetime.timedelta(days=30)
    )
    approve_revised_due_date(
        action=action,
        by=improvement_lead,
        due_on=today + datetime.timedelta(days=120),
        decision="The board agreed a new date for the audit.",
        decision_url="/boards/1/meetings/1/#decision-3",
    )

    snapshot = pack_snapshot(plan=plan, as_at=today)
    [row] = snapshot["actions"]

    assert (row["due_revision_reason"], row["due_revision_decided"]) == (
        "The board agreed a new date for the audit.",
        True,
    )
    assert sections.build(snapshot)["glance"]["revised_dates"] == []


def test_the_front_section_of_a_plan_of_forty_actions_takes_two_to_four_pages():
    actions = [
        _action(
            f"A{n}",
            rag=[Rag.RED, Rag.AMBER, Rag.GREEN][n % 3],
            theme_id=[PRACTICE, PEOPLE][n % 2],
            status=Status.AWAITING_SIGN_OFF if n % 7 == 0 else Status.IN_PROGRESS,
            due_revisions=1 if n % 5 == 0 else 0,
            first_due_on="2017-01-31",
            due_revision_reason="Capacity in the team.",
            text=f"Action {n}: audit case files in the area and report the findings to the board.",
        )
        for n in range(40)
    ]
    pages = pdf_pages(render_pdf(render_html(_pack(actions))).pdf)

    starts = [n for n, page in enumerate(pages) if re.search(r"^\s*At a glance", page, re.M)]
    ends = [
        n
        for n, page in enumerate(pages)
        if starts and n >= starts[0] and re.search(r"^\s*Movement since the last pack", page, re.M)
    ]
    assert starts
    assert ends
    assert 1 <= ends[0] - starts[0] + 1 <= 4
