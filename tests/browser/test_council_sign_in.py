"""A council officer signs in with their council account in a real browser: the sign-in page's
council form, their council's provider (a real one, on another port), and back, signed in."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from sso import refusals

pytestmark = pytest.mark.browser

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def wcag_violations(page) -> list[str]:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    return [f"{v['id']}: {v['help']}" for v in results.response["violations"]]


def test_an_officer_signs_in_through_their_councils_provider(
    page, live_server, anytown_idp, anytown_provider
):
    anytown_idp.sign_in_as(sub="jo-1", email="jo@anytown.gov.uk", given_name="Jo")
    page.goto(f"{live_server.url}/accounts/login/")
    found = {"sign-in": wcag_violations(page)}

    page.get_by_label("Work e-mail address").fill("jo@example.org")
    page.get_by_role("button", name="Continue to your council's sign-in").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    no_provider = refusals.NO_PROVIDER % {"domain": "example.org"}
    expect(page.get_by_role("link", name=no_provider)).to_be_visible()
    found["no provider"] = wcag_violations(page)

    page.get_by_label("Work e-mail address").fill("jo@anytown.gov.uk")
    page.get_by_role("button", name="Continue to your council's sign-in").click()

    # Through the provider (whose consent is at once) and back: the browser followed the
    # redirect only because the page's form-action names the provider's origin.
    page.wait_for_url(f"{live_server.url}/**")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert "/accounts/login/" not in page.url
    assert found == {name: [] for name in found}
