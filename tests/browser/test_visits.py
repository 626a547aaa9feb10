"""An improvement lead records an Ofsted monitoring visit with a finding, makes an action from
it and links another finding to an existing action, in the browser; every visit page passes axe
at WCAG 2.2 AA."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import wcag_violations

pytestmark = pytest.mark.browser


def test_a_lead_records_a_visit_and_answers_its_findings(
    page, live_server, improvement_lead, officer_lead, overdue_action
):
    plan = overdue_action.plan
    sign_in(page, live_server, "improvement_lead")
    found = {}

    page.goto(f"{live_server.url}/plans/{plan.slug}/visits/")
    found["visits, none yet"] = wcag_violations(page)
    page.get_by_role("link", name="Record a visit").click()
    found["visit form"] = wcag_violations(page)
    page.get_by_role("button", name="Record the visit").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    found["visit form with errors"] = wcag_violations(page)
    page.get_by_label("Ofsted monitoring visit").check()
    page.get_by_label("Date of the visit").fill("14/03/2018")
    page.get_by_label("Theme or focus").fill("Children in need of help and protection")
    page.get_by_label("Findings (optional)").fill("Strategy meetings are not always timely.")
    page.get_by_role("button", name="Record the visit").click()

    expect(page.get_by_text("The visit has been recorded.")).to_be_visible()
    expect(page.locator(".tracker-no-action")).to_have_count(1)
    found["visit"] = wcag_violations(page)

    page.get_by_role("link", name="New action from this finding").click()
    found["new action from finding"] = wcag_violations(page)
    page.get_by_label("Theme", exact=True).select_option(label="Practice")
    page.get_by_label("Lead", exact=True).select_option(label=officer_lead.name)
    page.get_by_label("Due date").fill("30/06/2018")
    page.get_by_role("button", name="Add the action").click()

    expect(page.get_by_text("Action MV1803-1 has been added to the plan")).to_be_visible()
    expect(page.locator(".tracker-no-action")).to_have_count(0)
    expect(page.get_by_role("link", name="MV1803-1")).to_be_visible()

    page.get_by_role("link", name="Add a finding").click()
    found["finding form"] = wcag_violations(page)
    page.get_by_label("Finding", exact=True).fill("Plans are not outcome-focused.")
    page.get_by_role("button", name="Add the finding").click()
    expect(page.get_by_text("Finding 2 has been added.")).to_be_visible()
    expect(page.locator(".tracker-no-action")).to_have_count(1)

    page.goto(f"{live_server.url}/plans/{plan.slug}/visits/?unanswered=on")
    found["findings with no action"] = wcag_violations(page)
    page.get_by_role("link", name="Ofsted monitoring visit, 14/03/2018").click()
    page.get_by_role("link", name="Link to actions answering finding 2").click()
    found["link finding"] = wcag_violations(page)
    page.get_by_label(f"{overdue_action.reference}: {overdue_action.text}").check()
    page.get_by_role("button", name="Link the actions").click()

    expect(page.get_by_text("Finding 2 is now answered by JAN17-5.")).to_be_visible()
    expect(page.locator(".tracker-no-action")).to_have_count(0)
    page.goto(f"{live_server.url}/plans/{plan.slug}/visits/")
    found["visits"] = wcag_violations(page)
    assert found == {name: [] for name in found}
