"""The RAG rules as a table: one row per scenario the board has to be able to trust."""

import datetime

import pytest

from improvement.models import Plan, Rag, Status
from improvement.rag import Criteria, completed_rag, derive_rag, is_overdue

TODAY = datetime.date(2017, 2, 15)
DATES, CRITERIA = Plan.RagRule.DATES, Plan.RagRule.CRITERIA


def days(n):
    return TODAY + datetime.timedelta(days=n)


@pytest.mark.parametrize(
    ("reported", "status", "due_on", "evidence", "rag", "disagreement"),
    [
        # overdue and not complete is red, whatever was reported
        (Rag.GREEN, Status.IN_PROGRESS, days(-21), "", Rag.RED, "reported green, 21 days overdue"),
        (Rag.AMBER, Status.NOT_STARTED, days(-1), "", Rag.RED, "reported amber, 1 day overdue"),
        (Rag.RED, Status.IN_PROGRESS, days(-5), "", Rag.RED, ""),
        (Rag.NOT_RATED, Status.IN_PROGRESS, days(-5), "", Rag.RED, ""),
        # due today is not yet overdue
        (Rag.GREEN, Status.IN_PROGRESS, days(0), "", Rag.GREEN, ""),
        # due within 14 days and not started is amber
        (
            Rag.GREEN,
            Status.NOT_STARTED,
            days(14),
            "",
            Rag.AMBER,
            "reported green, not started, due in 14 days",
        ),
        (Rag.GREEN, Status.NOT_STARTED, days(15), "", Rag.GREEN, ""),
        (Rag.GREEN, Status.IN_PROGRESS, days(3), "", Rag.GREEN, ""),
        (
            Rag.RED,
            Status.NOT_STARTED,
            days(1),
            "",
            Rag.AMBER,
            "reported red, not started, due in 1 day",
        ),
        # otherwise the reported RAG stands, including with no due date at all
        (Rag.AMBER, Status.IN_PROGRESS, days(90), "", Rag.AMBER, ""),
        (Rag.GREEN, Status.NOT_STARTED, None, "", Rag.GREEN, ""),
        # awaiting sign-off is still open: an overdue one is red
        (
            Rag.GREEN,
            Status.AWAITING_SIGN_OFF,
            days(-2),
            "",
            Rag.RED,
            "reported green, 2 days overdue",
        ),
        # complete: blue when the impact is evidenced, green otherwise, never overdue
        (Rag.BLUE, Status.COMPLETE, days(-30), "Re-audit shows 94%.", Rag.BLUE, ""),
        (Rag.GREEN, Status.COMPLETE, days(-30), "  ", Rag.GREEN, ""),
        (Rag.GREEN, Status.CLOSED, days(-30), "", Rag.GREEN, ""),
    ],
)
def test_dates_rule(reported, status, due_on, evidence, rag, disagreement):
    derived = derive_rag(
        reported=reported, status=status, due_on=due_on, today=TODAY, impact_evidence=evidence
    )

    assert (derived.rag, derived.disagreement) == (rag, disagreement)


ALL_MET = dict(
    scope_clear=True,
    resources_known=True,
    resources_allocated=True,
    has_project_plan=True,
    timescale_realistic=True,
)


@pytest.mark.parametrize(
    ("criteria", "rag", "reason"),
    [
        (ALL_MET, Rag.GREEN, "all criteria met"),
        ({**ALL_MET, "has_project_plan": False}, Rag.AMBER, "1 criterion not met"),
        ({**ALL_MET, "resources_known": None}, Rag.AMBER, "1 criterion not met"),
        (
            {**ALL_MET, "has_project_plan": False, "resources_allocated": False},
            Rag.RED,
            "2 criteria not met",
        ),
        ({**ALL_MET, "scope_clear": False}, Rag.RED, "scope is not clear"),
        ({}, Rag.RED, "scope is not clear"),
    ],
)
def test_criteria_rule(criteria, rag, reason):
    derived = derive_rag(
        reported=Rag.GREEN,
        status=Status.IN_PROGRESS,
        due_on=days(-100),
        today=TODAY,
        rule=CRITERIA,
        criteria=Criteria(**criteria),
    )

    assert (derived.rag, derived.reason) == (rag, reason)
    assert bool(derived.disagreement) == (rag != Rag.GREEN)


@pytest.mark.parametrize(
    ("due_on", "status", "overdue"),
    [
        (days(-1), Status.IN_PROGRESS, True),
        (days(0), Status.IN_PROGRESS, False),
        (None, Status.IN_PROGRESS, False),
        (days(-1), Status.COMPLETE, False),
        (days(-1), Status.CLOSED, False),
        (days(-1), Status.AWAITING_SIGN_OFF, True),
    ],
)
def test_is_overdue(due_on, status, overdue):
    assert is_overdue(due_on=due_on, status=status, today=TODAY) is overdue


@pytest.mark.parametrize(("evidence", "rag"), [("Audit shows it.", Rag.BLUE), ("", Rag.GREEN)])
def test_completed_rag(evidence, rag):
    assert completed_rag(impact_evidence=evidence) == rag
