"""An improvement lead invites a partner to the board from the People page; the partner opens
the e-mailed link, chooses a password, signs in and reads the plan; the lead sees them listed and
in the trail. Every page passes axe at WCAG 2.2 AA."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import wcag_violations

pytestmark = pytest.mark.browser

NEW_PASSWORD = "a long and unguessable phrase"


def test_a_lead_invites_a_partner_who_joins_the_board(
    page, browser, live_server, plan, improvement_lead, officer_lead, mailbox
):
    found = {}
    sign_in(page, live_server, "improvement_lead")
    page.goto(f"{live_server.url}{plan.get_absolute_url()}")
    page.get_by_role("link", name=re.compile("^People")).click()
    found["people, nobody invited"] = wcag_violations(page)
    page.get_by_role("link", name="Invite someone").click()
    found["invite form"] = wcag_violations(page)
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    found["invite form with errors"] = wcag_violations(page)
    page.get_by_label("E-mail address").fill("pat.partner@police.example")
    page.get_by_label("Role").select_option(label="Board member")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("An invitation to pat.partner@police.example")).to_be_visible()
    found["people, one invited"] = wcag_violations(page)

    [arrived] = mailbox.to("pat.partner@police.example")
    link = re.search(r"https?://\S+(/invitations/[-\w]+/)", arrived.text).group(1)
    partner = browser.new_page()
    partner.goto(f"{live_server.url}{link}")
    found["accept, choose a password"] = wcag_violations(partner)
    partner.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    partner.get_by_label("The same password again").fill(NEW_PASSWORD)
    partner.get_by_role("button", name="Create my account").click()
    expect(partner.get_by_text("Your account is ready")).to_be_visible()
    partner.get_by_label("Username").fill("pat.partner@police.example")
    partner.get_by_label("Password").fill(NEW_PASSWORD)
    partner.get_by_role("button", name="Sign in").click()
    partner.goto(f"{live_server.url}{plan.get_absolute_url()}")
    expect(partner.get_by_role("heading", name=plan.title)).to_be_visible()
    partner.goto(f"{live_server.url}{link}")
    expect(partner.get_by_text("already been used")).to_be_visible()
    found["accept, used"] = wcag_violations(partner)

    page.reload()
    expect(page.locator("#people")).to_contain_text("pat.partner@police.example")
    expect(page.get_by_text("Accepted the invitation as Board member")).to_be_visible()
    page.get_by_role("link", name="Change roles and leads of pat.partner@police.example").click()
    found["person"] = wcag_violations(page)
    page.get_by_label("Link to a lead").select_option(value=str(officer_lead.pk))
    page.get_by_role("button", name="Link to the lead").click()
    expect(page.get_by_text(f"is now linked to {officer_lead.name}")).to_be_visible()
    found["person, linked"] = wcag_violations(page)
    assert found == {name: [] for name in found}
