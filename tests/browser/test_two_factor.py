"""An improvement lead's first sign-in in chromium: the password, then setting up an
authenticator app from the key the page shows, the recovery codes once, and on to the plan."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD
from tests.browser.test_accessibility import wcag_violations
from tests.two_factor import code_for_key, key_from_typed

pytestmark = pytest.mark.browser


def test_an_improvement_lead_sets_up_two_factors_at_first_sign_in(
    page, live_server, improvement_lead, plan
):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("improvement_lead")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.wait_for_url(f"{live_server.url}/accounts/login/set-up/")
    expect(page.get_by_role("heading", name="Set up two factors")).to_be_visible()
    expect(page.locator(".tracker-qr-code svg")).to_be_visible()
    assert wcag_violations(page) == []
    key = key_from_typed(page.locator("main code").first.inner_text())

    code = page.get_by_label("Code from your authenticator app")
    code.fill("123")
    page.get_by_role("button", name="Confirm and continue").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert wcag_violations(page) == []

    page.get_by_label("Code from your authenticator app").fill(code_for_key(key))
    page.get_by_role("button", name="Confirm and continue").click()

    page.wait_for_url(f"{live_server.url}/accounts/security/recovery-codes/")
    codes = page.locator(".tracker-recovery-codes li")
    expect(codes).to_have_count(10)
    assert all(re.fullmatch(r"[a-z2-7]{8}", text) for text in codes.all_inner_texts())
    assert wcag_violations(page) == []
    page.get_by_role("link", name="I have kept my codes: continue").click()

    page.wait_for_url(f"{live_server.url}/plans/{plan.slug}/dashboard/")
    page.get_by_role("link", name="Sign-in security").click()
    expect(page.get_by_text("You sign in with your password and a code")).to_be_visible()
    assert wcag_violations(page) == []
