"""Which open actions need a reminder on a day, and why: one table for the rule and its query."""

import datetime

import pytest
from django.utils import timezone

from improvement.models import Action, Risk, Status
from improvement.reminders import COMING_DUE, NO_UPDATE, OVERDUE, reminder_reasons
from tests import factories

D = datetime.date
TODAY = D(2017, 3, 1)

#  reference, status, due, last update, reasons
SCENARIOS = [
    ("done-late", Status.COMPLETE, D(2017, 1, 31), None, ()),
    ("closed-stale", Status.CLOSED, None, D(2016, 1, 1), ()),
    ("late", Status.IN_PROGRESS, D(2017, 2, 28), D(2017, 2, 27), (OVERDUE,)),
    ("late-waiting", Status.AWAITING_SIGN_OFF, D(2017, 2, 1), D(2017, 2, 20), (OVERDUE,)),
    ("late-and-stale", Status.IN_PROGRESS, D(2017, 2, 1), D(2017, 1, 1), (OVERDUE, NO_UPDATE)),
    ("due-today", Status.IN_PROGRESS, TODAY, D(2017, 2, 27), (COMING_DUE,)),
    ("due-in-14", Status.NOT_STARTED, D(2017, 3, 15), D(2017, 2, 27), (COMING_DUE,)),
    ("due-in-15", Status.NOT_STARTED, D(2017, 3, 16), D(2017, 2, 27), ()),
    ("updated-30-days-ago", Status.IN_PROGRESS, None, D(2017, 1, 30), ()),
    ("updated-31-days-ago", Status.IN_PROGRESS, None, D(2017, 1, 29), (NO_UPDATE,)),
    ("never-updated", Status.NOT_STARTED, D(2017, 9, 30), None, (NO_UPDATE,)),
    ("soon-and-never-updated", Status.NOT_STARTED, D(2017, 3, 2), None, (COMING_DUE, NO_UPDATE)),
]


@pytest.mark.parametrize(("reference", "status", "due", "last", "reasons"), SCENARIOS)
def test_reminder_reasons(reference, status, due, last, reasons):
    assert reminder_reasons(status=status, due_on=due, last_update_on=last, today=TODAY) == reasons


def test_the_query_reminds_of_exactly_the_actions_the_rule_gives_a_reason(db):
    plan = factories.PlanFactory()
    for reference, status, due, last, _reasons in SCENARIOS:
        action = factories.ActionFactory(plan=plan, reference=reference, status=status, due_on=due)
        if last is not None:
            noon = datetime.datetime.combine(last, datetime.time(12))
            factories.ProgressUpdateFactory(action=action, at=timezone.make_aware(noon))
    by_rule = {reference for reference, *_rest, reasons in SCENARIOS if reasons}
    by_query = set(Action.objects.needing_reminder(on=TODAY).values_list("reference", flat=True))
    assert by_query == by_rule


def test_risks_needing_a_reminder_are_those_the_register_shows_review_overdue(db):
    plan = factories.PlanFactory(risk_review_months=3)
    factories.RiskFactory(plan=plan, reference="R1", reviewed_on=D(2016, 11, 30))  # overdue
    factories.RiskFactory(plan=plan, reference="R2", reviewed_on=D(2016, 12, 1))  # due today
    factories.RiskFactory(plan=plan, reference="R3", raised_on=D(2016, 6, 1))  # never reviewed
    factories.RiskFactory(
        plan=plan, reference="R4", reviewed_on=D(2016, 1, 1), status=Risk.RiskStatus.CLOSED
    )
    reminded = set(Risk.objects.needing_reminder(on=TODAY).values_list("reference", flat=True))
    assert reminded == {"R1", "R3"}
    assert reminded == {
        risk.reference for risk in Risk.objects.all() if risk.review_overdue(today=TODAY)
    }
