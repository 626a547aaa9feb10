import re

import pytest
from playwright.sync_api import expect

from improvement.models import ProgressUpdate, Rag
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import wcag_violations

pytestmark = pytest.mark.browser


def test_an_officer_sets_an_overdue_action_amber_and_sees_it_top_of_the_timeline(
    page, live_server, officer, overdue_action, improvement_lead
):
    ProgressUpdate.objects.create(
        action=overdue_action, by=improvement_lead, at="2017-01-05T10:00Z", commentary="Older note."
    )
    sign_in(page, live_server, "officer")

    page.get_by_role("link", name="JAN17-5").click()
    page.get_by_role("link", name="Update this action").click()
    page.get_by_label("Progress RAG").select_option(Rag.AMBER)
    page.get_by_label("Commentary").fill("Two audits slipped; auditor back in March.")
    page.get_by_role("button", name="Save update").click()

    expect(page).to_have_url(f"{live_server.url}{overdue_action.get_absolute_url()}")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Your update has been saved."
    )
    newest = page.locator(".tracker-timeline__item").first
    expect(newest).to_contain_text("Two audits slipped; auditor back in March.")
    expect(newest).to_contain_text(re.compile("Green.*Amber", re.DOTALL))
    overdue_action.refresh_from_db()
    assert overdue_action.progress_rag == Rag.AMBER


def test_a_chair_cannot_reach_the_update_form(page, live_server, chair, overdue_action):
    sign_in(page, live_server, "chair")

    page.goto(f"{live_server.url}{overdue_action.get_absolute_url()}")
    expect(page.get_by_role("heading", name=f"Action {overdue_action.reference}")).to_be_visible()
    expect(page.get_by_role("link", name="Update this action")).to_have_count(0)
    response = page.goto(f"{live_server.url}{overdue_action.get_absolute_url()}update/")

    assert response.status == 403
    expect(page.get_by_role("heading", name="You cannot do this")).to_be_visible()
    assert wcag_violations(page) == []
