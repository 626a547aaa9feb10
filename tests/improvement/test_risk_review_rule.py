"""The review-overdue rule as a table, and the query that must agree with it on every day."""

import datetime

import pytest

from improvement.models import Risk
from improvement.reviews import (
    add_months,
    is_review_overdue,
    next_review_on,
    review_cutoff,
)
from tests import factories

D = datetime.date

# last reviewed (or raised), interval in months, today, closed -> overdue
REVIEW_OVERDUE = [
    # reviewed in December, quarterly: due by 1 March, overdue from 2 March
    (D(2016, 12, 1), 3, D(2017, 3, 1), False, False),
    (D(2016, 12, 1), 3, D(2017, 3, 2), False, True),
    # a monthly plan is overdue sooner than a quarterly one
    (D(2017, 1, 15), 1, D(2017, 2, 16), False, True),
    (D(2017, 1, 15), 3, D(2017, 2, 16), False, False),
    # month ends: 30 November plus three months is 28 February
    (D(2016, 11, 30), 3, D(2017, 2, 28), False, False),
    (D(2016, 11, 30), 3, D(2017, 3, 1), False, True),
    # 31 January plus a month is the last of February, in a leap year the 29th
    (D(2016, 1, 31), 1, D(2016, 2, 29), False, False),
    (D(2016, 1, 31), 1, D(2016, 3, 1), False, True),
    # reviewed today is never overdue, whatever the interval
    (D(2017, 2, 15), 1, D(2017, 2, 15), False, False),
    # a closed risk needs no review
    (D(2015, 1, 1), 3, D(2017, 2, 15), True, False),
    # an open risk nobody can show was reviewed or raised is overdue; closed, it is not
    (None, 3, D(2017, 2, 15), False, True),
    (None, 3, D(2017, 2, 15), True, False),
]


@pytest.mark.parametrize(("last", "months", "today", "closed", "overdue"), REVIEW_OVERDUE)
def test_review_overdue_rule(last, months, today, closed, overdue):
    assert (
        is_review_overdue(last_reviewed=last, months=months, today=today, closed=closed) is overdue
    )


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2017, 1, 31), 1, D(2017, 2, 28)),
        (D(2016, 1, 31), 1, D(2016, 2, 29)),
        (D(2016, 11, 15), 3, D(2017, 2, 15)),
        (D(2017, 3, 30), -1, D(2017, 2, 28)),
        (D(2017, 1, 15), -1, D(2016, 12, 15)),
        (D(2016, 12, 31), 12, D(2017, 12, 31)),
    ],
)
def test_months_are_added_as_calendars_count_them(day, months, expected):
    assert add_months(day, months) == expected


def test_next_review_is_unknown_without_a_date():
    assert next_review_on(last_reviewed=None, months=3) is None
    assert next_review_on(last_reviewed=D(2016, 12, 1), months=3) == D(2017, 3, 1)


@pytest.mark.parametrize("months", [1, 2, 3, 6, 12])
def test_the_cutoff_agrees_with_the_rule_on_every_day_of_two_years(months):
    start = D(2015, 12, 1)
    for offset in range(0, 760, 1):
        today = start + datetime.timedelta(days=offset)
        cutoff = review_cutoff(today=today, months=months)
        for back in (0, 1, 2, 3):
            for last in (cutoff - datetime.timedelta(days=back), cutoff + datetime.timedelta(back)):
                assert (last < cutoff) == is_review_overdue(
                    last_reviewed=last, months=months, today=today
                ), (today, months, last)


def test_the_queryset_lists_the_risks_the_rule_calls_overdue(db):
    today = D(2017, 3, 2)
    quarterly = factories.PlanFactory(slug="quarterly")
    monthly = factories.PlanFactory(slug="monthly", risk_review_months=1)
    rows = {
        "Q1": dict(plan=quarterly, reviewed_on=D(2016, 12, 1)),  # overdue today
        "Q2": dict(plan=quarterly, reviewed_on=D(2016, 12, 2)),  # due today
        "Q3": dict(plan=quarterly, reviewed_on=None, raised_on=D(2016, 11, 1)),
        "Q4": dict(plan=quarterly, reviewed_on=None, raised_on=None),
        "Q5": dict(plan=quarterly, reviewed_on=D(2016, 1, 1), status=Risk.RiskStatus.CLOSED),
        "M1": dict(plan=monthly, reviewed_on=D(2017, 2, 1)),
        "M2": dict(plan=monthly, reviewed_on=D(2017, 2, 2)),
    }
    for reference, fields in rows.items():
        factories.RiskFactory(reference=reference, **fields)

    risks = Risk.objects.select_related("plan")
    by_rule = {risk.reference for risk in risks if risk.review_overdue(today=today)}
    by_query = set(Risk.objects.review_overdue(today=today).values_list("reference", flat=True))
    annotated = {
        risk.reference
        for risk in Risk.objects.with_review_overdue(today=today)
        if risk.review_is_overdue
    }

    assert by_rule == by_query == annotated == {"Q1", "Q3", "Q4", "M1"}


def test_a_risk_knows_its_next_review_from_its_plan(db):
    plan = factories.PlanFactory(slug="half-yearly", risk_review_months=6)
    risk = factories.RiskFactory(plan=plan, reviewed_on=None, raised_on=D(2016, 9, 30))

    assert risk.last_review_on == D(2016, 9, 30)
    assert risk.next_review_on == D(2017, 3, 30)
