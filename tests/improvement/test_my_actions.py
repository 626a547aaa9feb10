"""The home page: the actions I lead, grouped by what needs doing first."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from improvement.models import Rag, Status
from improvement.ratings import DUE_SOON_DAYS
from improvement.services import record_progress
from tests.factories import ActionFactory, LeadFactory
from tests.improvement.conftest import TODAY, bulk_actions


def _groups(response):
    return {g.key: [a.reference for a in g.actions] for g in response.context["groups"]}


def test_signing_in_is_required(client):
    response = client.get("/")

    assert response["Location"] == "/accounts/login/?next=/"


@pytest.fixture
def my_plan_actions(plan, officer, officer_lead, other_officer):
    days = datetime.timedelta
    made = {
        "late": ActionFactory(plan=plan, reference="L1", lead=officer_lead, due_on=TODAY - days(3)),
        # due soon is the window the RAG rule turns a not-started action amber in, no wider
        "soon": ActionFactory(
            plan=plan, reference="S1", lead=officer_lead, due_on=TODAY + days(DUE_SOON_DAYS)
        ),
        "later": ActionFactory(
            plan=plan, reference="T1", lead=officer_lead, due_on=TODAY + days(DUE_SOON_DAYS + 1)
        ),
        "ongoing": ActionFactory(
            plan=plan,
            reference="T2",
            lead=officer_lead,
            due_on=None,
            due_text="On going",
            due_needs_review=True,
        ),
        "awaiting": ActionFactory(
            plan=plan,
            reference="W1",
            lead=officer_lead,
            due_on=TODAY - days(40),
            status=Status.AWAITING_SIGN_OFF,
        ),
        "done": ActionFactory(plan=plan, reference="C1", lead=officer_lead, status=Status.COMPLETE),
        "co_led": ActionFactory(plan=plan, reference="K1", due_on=TODAY + days(5)),
        "delegated": ActionFactory(plan=plan, reference="D1", due_on=TODAY - days(1)),
        "not_mine": ActionFactory(plan=plan, reference="N1", lead=LeadFactory()),
    }
    made["co_led"].co_leads.add(officer_lead)
    made["delegated"].delegates.add(officer)
    return made


def test_my_actions_are_grouped_by_what_needs_doing_first(client, officer, my_plan_actions):
    client.force_login(officer)

    response = client.get("/")

    assert _groups(response) == {
        "overdue": ["L1", "D1"],
        "due_soon": ["K1", "S1"],
        "later": ["T1", "T2"],
        "awaiting": ["W1"],
        "complete": ["C1"],
    }


def test_each_row_shows_rag_tags_the_due_text_flag_and_the_last_update(
    client, officer, my_plan_actions
):
    late = my_plan_actions["late"]
    record_progress(
        action=late,
        by=officer,
        expected_version=1,
        progress_rag=Rag.AMBER,
        commentary="Recruiting.",
        at=datetime.datetime(2017, 2, 10, 12, tzinfo=datetime.UTC),
    )
    client.force_login(officer)

    page = client.get("/").content.decode()

    # the RAG shown is the derived one, the reported one beside it
    assert re.search(
        r'tracker-rag--red">Red</strong>\s*<span class="govuk-body-s tracker-reported">'
        r"\(reported Amber\)</span>",
        page,
    )
    assert "“On going”" in page
    assert "Due date needs review" in page
    assert "10/02/2017" in page
    assert "Reported amber, 3 days overdue" in page
    assert f"Due in the next {DUE_SOON_DAYS} days" in page


def test_someone_leading_nothing_is_told_so(client, other_officer):
    client.force_login(other_officer)

    page = client.get("/").content.decode()

    assert "You do not lead any actions yet." in page


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_my_actions_costs_the_same_queries_at_5_and_500_actions(
    client, plan, officer, officer_lead
):
    client.force_login(officer)
    # The first request after signing in writes the session's idle clock; the next do not.
    client.get("/")
    bulk_actions(plan=plan, lead=officer_lead, count=5)
    cache.clear()
    few = _queries(client, "/")

    bulk_actions(plan=plan, lead=officer_lead, count=495, start=5)
    cache.clear()
    many = _queries(client, "/")

    assert few == many
    # The session, the user, their reach, their plans and each plan's stamp, the menu's plans,
    # and the actions with their latest updates.
    assert many <= 7
