"""A board secretary records the meeting in the browser: attendance, a decision that moves a
plan action's due date, and an action arising; every page passes axe at WCAG 2.2 AA."""

import datetime

import pytest
from playwright.sync_api import expect

from improvement.models import Action, PlanRole
from tests import factories
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import wcag_violations
from tests.conftest import plan_role_holder

pytestmark = pytest.mark.browser


@pytest.fixture
def board(plan, chair):
    board = factories.BoardFactory(name="Anytown Improvement Board", authority=plan.authority)
    board.plans.add(plan)
    board.members.add(chair)
    return board


def test_a_secretary_records_a_meeting_with_a_decision_and_an_action(
    page, live_server, board, overdue_action, officer_lead
):
    plan_role_holder(board.plans.get(), username="secretary", role=PlanRole.Role.BOARD_SECRETARY)
    sign_in(page, live_server, "secretary")
    found = {}

    page.goto(f"{live_server.url}/boards/{board.pk}/")
    found["board"] = wcag_violations(page)
    page.get_by_role("link", name="Record a meeting").click()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    found["meeting form with errors"] = wcag_violations(page)
    page.get_by_label("Date").fill("14/03/2027")
    page.get_by_label("Present").fill("Independent Chair, Chair\nDirector of Children's Services")
    page.get_by_label("Apologies").fill("Chief Superintendent, Merseyside Police")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The meeting has been saved.")).to_be_visible()

    page.get_by_role("link", name="Record a decision").click()
    found["decision form"] = wcag_violations(page)
    page.get_by_label("Decision").fill("Revised date agreed: the auditor returns in May.")
    page.get_by_label("What it decides").select_option("revised_due_date")
    page.get_by_label("Plan action").select_option(str(overdue_action.pk))
    page.get_by_label("Revised due date", exact=True).fill("30/06/2027")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Decision 1 has been recorded.")).to_be_visible()

    page.get_by_role("link", name="Add an action arising").click()
    found["action form"] = wcag_violations(page)
    page.get_by_label("Action", exact=True).fill("Bring the re-audit to the next meeting")
    page.get_by_label("Owner", exact=True).select_option(str(officer_lead.pk))
    page.get_by_label("Or due").fill("next meeting")
    page.get_by_role("button", name="Add the action").click()
    expect(page.get_by_text("Action 1 has been added to the action log.")).to_be_visible()

    expect(page.get_by_text("Chief Superintendent, Merseyside Police")).to_be_visible()
    expect(page.get_by_text("Bring the re-audit to the next meeting")).to_be_visible()
    found["meeting"] = wcag_violations(page)
    assert Action.objects.get(pk=overdue_action.pk).due_on == datetime.date(2027, 6, 30)

    page.get_by_role("link", name=overdue_action.reference).click()
    page.get_by_role("link", name="The board's decision").click()
    expect(page.locator("#decision-1")).to_contain_text("the auditor returns in May")
    assert found == {name: [] for name in found}


def test_a_chair_reads_the_meeting_and_finds_nothing_to_record(page, live_server, board, chair):
    meeting = factories.MeetingFactory(board=board, minutes="The board reviewed the pack.")
    sign_in(page, live_server, "chair")

    page.goto(f"{live_server.url}{meeting.get_absolute_url()}")

    expect(page.get_by_text("The board reviewed the pack.")).to_be_visible()
    expect(page.get_by_role("link", name="Record a decision")).to_have_count(0)
    assert wcag_violations(page) == []
