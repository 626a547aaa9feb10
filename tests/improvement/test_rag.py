"""The RAG rules as a table: one row per scenario the board has to be able to trust."""

import datetime

import pytest

from improvement.criteria import STANDARD_CRITERIA, Criterion
from improvement.models import Action, Plan, Rag, Status
from improvement.rag import (
    BLUE_NOT_EARNED,
    IMPACT_BLUE_NOT_EARNED,
    assess,
    completed_rag,
    derive_rag,
    derived_rag_only,
    is_overdue,
    measure_rag,
    risk_band,
    shown_impact_rag,
)
from tests import factories

TODAY = datetime.date(2017, 2, 15)
DATES, CRITERIA = Plan.RagRule.DATES, Plan.RagRule.CRITERIA
NOT_BLUE_YET = f"reported blue, {BLUE_NOT_EARNED}"


def days(n):
    return TODAY + datetime.timedelta(days=n)


# One row per scenario: what was reported, the status, the due date and impact evidence, then
# the derived RAG and the disagreement a page shows.
DATES_RULE = [
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
    # blue means delivered: closed is done but not delivered, and an open action is not blue
    (Rag.BLUE, Status.CLOSED, days(-30), "Merged into another action.", Rag.GREEN, ""),
    (Rag.BLUE, Status.IN_PROGRESS, days(30), "", Rag.GREEN, NOT_BLUE_YET),
    (Rag.BLUE, Status.AWAITING_SIGN_OFF, days(30), "Audit.", Rag.GREEN, NOT_BLUE_YET),
]


@pytest.mark.parametrize(
    ("reported", "status", "due_on", "evidence", "rag", "disagreement"), DATES_RULE
)
def test_dates_rule(reported, status, due_on, evidence, rag, disagreement):
    derived = derive_rag(
        reported=reported, status=status, due_on=due_on, today=TODAY, impact_evidence=evidence
    )

    assert (derived.rag, derived.disagreement) == (rag, disagreement)
    # what lists count and filter by is the same rule
    assert (
        derived_rag_only(
            reported=reported, status=status, due_on=due_on, today=TODAY, impact_evidence=evidence
        )
        == rag
    )


def test_the_database_counts_and_filters_by_the_same_dates_rule(plan, officer_lead):
    """Plan pages count and filter whole plans by derived RAG in the database: every scenario of
    the table gives the same RAG there, whitespace-only evidence and a blank report included."""
    scenarios = [
        *DATES_RULE,
        (Rag.GREEN, Status.COMPLETE, days(-3), "\n\t ", Rag.GREEN, ""),
        ("", Status.IN_PROGRESS, days(30), "", Rag.NOT_RATED, ""),
    ]
    expected = {}
    for n, (reported, status, due_on, evidence, rag, _disagreement) in enumerate(scenarios):
        action = factories.ActionFactory(
            plan=plan,
            lead=officer_lead,
            reference=f"R{n}",
            progress_rag=reported,
            status=status,
            due_on=due_on,
            impact_evidence=evidence,
        )
        expected[action.pk] = rag
    actions = Action.objects.filter(plan=plan)

    counts = actions.derived_rag_counts(today=TODAY)
    chosen = {
        rag: set(actions.derived_rag_is(rag, today=TODAY).values_list("pk", flat=True))
        for rag in Rag
    }

    assert counts == {rag: list(expected.values()).count(rag) for rag in Rag}
    assert chosen == {rag: {pk for pk, r in expected.items() if r == rag} for rag in Rag}


def test_a_queryset_over_a_dates_plan_and_a_criteria_plan_counts_each_by_its_own_rule(
    plan, officer_lead
):
    criteria_plan = factories.PlanFactory(authority=plan.authority, rag_rule=CRITERIA)
    criteria_plan.criteria = [{"key": "safe", "name": "Children are safe", "essential": True}]
    criteria_plan.save()
    dated = factories.ActionFactory(
        plan=plan, lead=officer_lead, due_on=days(-1), progress_rag=Rag.GREEN
    )
    rated = factories.ActionFactory(
        plan=criteria_plan, lead=officer_lead, due_on=days(30), criteria={"safe": False}
    )
    # two co-leads: a filter through them joins the action twice, and it still counts once
    rated.co_leads.add(factories.LeadFactory(authority=plan.authority), officer_lead)
    actions = Action.objects.filter(co_leads__isnull=False) | Action.objects.filter(pk=dated.pk)

    counts = actions.derived_rag_counts(today=TODAY)
    red = set(actions.derived_rag_is(Rag.RED, today=TODAY).values_list("pk", flat=True))

    assert counts == {**dict.fromkeys(Rag, 0), Rag.RED: 2}
    assert red == {dated.pk, rated.pk}


SCOPE, IDENTIFIED, ALLOCATED, PROJECT_PLAN, PACE = (c.key for c in STANDARD_CRITERIA)
ALL_MET = dict.fromkeys([SCOPE, IDENTIFIED, ALLOCATED, PROJECT_PLAN, PACE], True)


def _by_criteria(values, *, criteria=STANDARD_CRITERIA, reported=Rag.GREEN, status=None):
    return derive_rag(
        reported=reported,
        status=status or Status.IN_PROGRESS,
        # Not yet due: the criteria rule reads no dates until one has gone by.
        due_on=days(100),
        today=TODAY,
        rule=CRITERIA,
        assessments=assess(criteria, values),
    )


@pytest.mark.parametrize(
    ("values", "rag", "reason"),
    [
        (ALL_MET, Rag.GREEN, "all criteria met"),
        ({**ALL_MET, PROJECT_PLAN: False}, Rag.AMBER, "Project plan in place not met"),
        # the fifth, once "timescale realistic", is named as councils name it
        ({**ALL_MET, PACE: False}, Rag.AMBER, "Ambitious delivery timescales (pace) not met"),
        ({**ALL_MET, PROJECT_PLAN: False, ALLOCATED: False}, Rag.RED, "2 criteria not met"),
        # an essential criterion not met is red on its own
        ({**ALL_MET, SCOPE: False}, Rag.RED, "Clear scope not met"),
        (
            {SCOPE: False, IDENTIFIED: False, ALLOCATED: True, PROJECT_PLAN: True, PACE: True},
            Rag.RED,
            "Clear scope not met",
        ),
        # not yet assessed is not rated, never red, however many others are not met
        ({**ALL_MET, IDENTIFIED: None}, Rag.NOT_RATED, "1 criterion not assessed"),
        (
            {SCOPE: False, IDENTIFIED: False, ALLOCATED: False},
            Rag.NOT_RATED,
            "2 criteria not assessed",
        ),
        ({}, Rag.NOT_RATED, "5 criteria not assessed"),
    ],
)
def test_criteria_rule(values, rag, reason):
    derived = _by_criteria(values)

    assert (derived.rag, derived.reason) == (rag, reason)
    assert (
        derived_rag_only(
            reported=Rag.GREEN,
            status=Status.IN_PROGRESS,
            due_on=days(100),
            today=TODAY,
            assessments=assess(STANDARD_CRITERIA, values),
        )
        == rag
    )
    assert bool(derived.disagreement) == (rag not in (Rag.GREEN, Rag.NOT_RATED))


def test_criteria_disagreeing_with_the_reported_rag_are_flagged_with_the_reason():
    derived = _by_criteria({**ALL_MET, SCOPE: False}, reported=Rag.AMBER)

    assert derived.disagreement == "reported amber, Clear scope not met"


def test_criteria_not_assessed_never_disagree_with_what_the_lead_reported():
    assert _by_criteria({}, reported=Rag.RED).disagreement == ""


THREE_OF_OUR_OWN = (
    Criterion("safe", "Children are safe", essential=True),
    Criterion("funded", "Funding agreed"),
    Criterion("staffed", "Staff in post"),
)


@pytest.mark.parametrize(
    ("values", "rag", "reason"),
    [
        ({"safe": True, "funded": True, "staffed": True}, Rag.GREEN, "all criteria met"),
        ({"safe": True, "funded": True, "staffed": False}, Rag.AMBER, "Staff in post not met"),
        ({"safe": True, "funded": False, "staffed": False}, Rag.RED, "2 criteria not met"),
        ({"safe": False, "funded": True, "staffed": True}, Rag.RED, "Children are safe not met"),
        ({"safe": True, "funded": True}, Rag.NOT_RATED, "1 criterion not assessed"),
        # answers to a standard criterion the plan does not ask are not read
        ({**ALL_MET, "safe": True, "funded": True}, Rag.NOT_RATED, "1 criterion not assessed"),
    ],
)
def test_a_plan_rates_by_its_own_three_criteria(values, rag, reason):
    derived = _by_criteria(values, criteria=THREE_OF_OUR_OWN)

    assert (derived.rag, derived.reason) == (rag, reason)
    assert [a.criterion.name for a in derived.assessments] == [
        "Children are safe",
        "Funding agreed",
        "Staff in post",
    ]


def test_two_essential_criteria_not_met_are_both_named():
    criteria = (*THREE_OF_OUR_OWN[:2], Criterion("staffed", "Staff in post", essential=True))

    derived = _by_criteria({"safe": False, "funded": True, "staffed": False}, criteria=criteria)

    assert (derived.rag, derived.reason) == (Rag.RED, "Children are safe and Staff in post not met")


@pytest.mark.parametrize(
    ("values", "reported"), [({}, Rag.GREEN), (ALL_MET, Rag.GREEN), ({SCOPE: False}, Rag.AMBER)]
)
def test_an_overdue_action_is_red_under_the_criteria_rule_too(values, reported):
    derived = derive_rag(
        reported=reported,
        status=Status.IN_PROGRESS,
        due_on=days(-3000),
        today=TODAY,
        rule=CRITERIA,
        assessments=assess(STANDARD_CRITERIA, values),
    )

    assert (derived.rag, derived.reason) == (Rag.RED, "3000 days overdue")
    assert derived.differs


@pytest.mark.parametrize(
    ("evidence", "rag", "reason"),
    [
        ("Signed off with audit.", Rag.BLUE, "complete"),
        ("", Rag.GREEN, "complete, impact not evidenced"),
    ],
)
def test_a_done_action_is_rated_as_complete_under_the_criteria_rule_too(evidence, rag, reason):
    derived = derive_rag(
        reported=Rag.GREEN,
        status=Status.COMPLETE,
        due_on=None,
        today=TODAY,
        impact_evidence=evidence,
        rule=CRITERIA,
        assessments=assess(STANDARD_CRITERIA, {}),
    )

    assert (derived.rag, derived.reason, derived.disagreement) == (rag, reason, "")


def test_each_answer_reads_as_met_not_met_or_not_assessed():
    derived = _by_criteria({SCOPE: True, IDENTIFIED: False})

    assert [(a.criterion.name, a.label) for a in derived.assessments] == [
        ("Clear scope", "Met"),
        ("Resources identified", "Not met"),
        ("Resources allocated", "Not assessed"),
        ("Project plan in place", "Not assessed"),
        ("Ambitious delivery timescales (pace)", "Not assessed"),
    ]


def test_the_dates_rule_reads_no_criteria():
    derived = derive_rag(reported=Rag.GREEN, status=Status.IN_PROGRESS, due_on=None, today=TODAY)

    assert (derived.rag, derived.assessments) == (Rag.GREEN, ())


def test_the_criteria_rule_with_no_answers_given_reads_the_standard_five_as_not_assessed():
    derived = derive_rag(
        reported=Rag.GREEN, status=Status.IN_PROGRESS, due_on=None, today=TODAY, rule=CRITERIA
    )

    assert (derived.rag, derived.reason) == (Rag.NOT_RATED, "5 criteria not assessed")


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


@pytest.mark.parametrize(
    ("status", "evidence", "rag"),
    [
        (Status.COMPLETE, "Audit shows it.", Rag.BLUE),
        (Status.COMPLETE, " \n", Rag.GREEN),
        (Status.CLOSED, "Audit shows it.", Rag.GREEN),
    ],
)
def test_completed_rag_is_blue_only_when_complete_and_evidenced(status, evidence, rag):
    assert completed_rag(impact_evidence=evidence, status=status) == rag


@pytest.mark.parametrize(
    ("impact", "derived", "shown"),
    [
        (Rag.BLUE, Rag.BLUE, (Rag.BLUE, "")),
        (Rag.BLUE, Rag.GREEN, (Rag.GREEN, IMPACT_BLUE_NOT_EARNED)),
        (Rag.BLUE, Rag.RED, (Rag.GREEN, IMPACT_BLUE_NOT_EARNED)),
        (Rag.AMBER, Rag.RED, (Rag.AMBER, "")),
        ("", Rag.GREEN, (Rag.NOT_RATED, "")),
    ],
)
def test_an_impact_rag_is_shown_blue_only_for_an_action_delivered_and_evidenced(
    impact, derived, shown
):
    assert shown_impact_rag(impact_rag=impact, derived=derived) == shown


def test_the_derived_rag_carries_the_reported_and_the_impact_rag_as_shown():
    derived = derive_rag(
        reported=Rag.GREEN,
        status=Status.IN_PROGRESS,
        due_on=days(-21),
        today=TODAY,
        impact_rag=Rag.BLUE,
    )

    assert (derived.rag, derived.reported, derived.differs) == (Rag.RED, Rag.GREEN, True)
    assert (derived.impact, derived.impact_note) == (Rag.GREEN, IMPACT_BLUE_NOT_EARNED)


@pytest.mark.parametrize(
    ("value", "target", "direction", "expected"),
    [
        (90, 90, "higher", Rag.GREEN),
        (95, 90, "higher", Rag.GREEN),
        (81, 90, "higher", Rag.AMBER),  # 9 short of 90: within 10%
        (80, 90, "higher", Rag.RED),
        (20, 20, "lower", Rag.GREEN),
        (22, 20, "lower", Rag.AMBER),
        (23, 20, "lower", Rag.RED),
        (None, 90, "higher", Rag.NOT_RATED),
        (50, None, "higher", Rag.NOT_RATED),
    ],
)
def test_a_measure_is_rated_against_its_target_in_its_direction(value, target, direction, expected):
    assert measure_rag(value, target, direction) == expected


@pytest.mark.parametrize(
    ("value", "target", "direction", "tolerance", "expected"),
    [
        (70, 75, "higher", 5, Rag.AMBER),  # 5 short of 75: on the tolerance
        (69.9, 75, "higher", 5, Rag.RED),
        (75, 75, "higher", 5, Rag.GREEN),
        (88, 90, "higher", 0, Rag.RED),  # no tolerance: anything short is red
        (26, 25, "lower", 2, Rag.AMBER),  # days to assessment: 1 over a target of 25
        (27, 25, "lower", 2, Rag.AMBER),
        (28, 25, "lower", 2, Rag.RED),
        (24, 25, "lower", 2, Rag.GREEN),
        (None, 25, "lower", 2, Rag.NOT_RATED),
    ],
)
def test_a_measure_with_a_tolerance_is_amber_within_it_on_either_side(
    value, target, direction, tolerance, expected
):
    assert measure_rag(value, target, direction, tolerance=tolerance) == expected


@pytest.mark.parametrize(
    ("score", "band"),
    [(1, "low"), (7, "low"), (8, "medium"), (14, "medium"), (15, "high"), (25, "high")],
)
def test_a_risk_score_falls_in_its_band(score, band):
    assert risk_band(score) == band
