import datetime

import pytest

from improvement import clock
from improvement.models import Action, Rag, Status
from tests import factories

# The pages read "today" from the clock; tests pin it so overdue and due-soon are stable.
TODAY = datetime.date(2017, 2, 15)


@pytest.fixture(autouse=True)
def pinned_today():
    with clock.pinned(TODAY):
        yield TODAY


@pytest.fixture
def theme(plan):
    return factories.ThemeFactory(plan=plan, name="Practice")


@pytest.fixture
def objective(plan, theme):
    return factories.ObjectiveFactory(plan=plan, theme=theme, title="Children are seen and heard")


@pytest.fixture
def overdue_action(plan, officer_lead, theme, objective):
    return factories.ActionFactory(
        plan=plan,
        reference="JAN17-5",
        text="Audit every child protection plan",
        lead=officer_lead,
        theme=theme,
        objective=objective,
        due_on=TODAY - datetime.timedelta(days=21),
        status=Status.IN_PROGRESS,
        progress_rag=Rag.GREEN,
    )


def bulk_actions(*, plan, lead, count, theme=None, objective=None, start=0):
    """Many actions at once: the query-count tests need hundreds without hundreds of inserts."""
    due = TODAY + datetime.timedelta(days=90)
    return Action.objects.bulk_create(
        Action(
            plan=plan,
            reference=f"B{start + n}",
            number=str(start + n),
            text=f"Bulk action {start + n}",
            lead=lead,
            theme=theme,
            objective=objective,
            due_on=due - datetime.timedelta(days=n % 180),
            first_due_on=due,
            progress_rag=[Rag.RED, Rag.AMBER, Rag.GREEN][n % 3],
            status=[Status.IN_PROGRESS, Status.NOT_STARTED, Status.COMPLETE][n % 3],
            order=start + n,
        )
        for n in range(count)
    )
