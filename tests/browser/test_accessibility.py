"""Every officer page, checked by axe-core in chromium: no violation of a WCAG 2.2 A or AA rule,
whatever its impact."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from improvement.models import Action, Status
from notices.models import Kind, Notification
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def wcag_violations(page) -> list[str]:
    """Every violation of a WCAG 2.2 A or AA rule, whatever its impact."""
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    return [
        f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]


def test_the_sign_in_page_and_its_error_have_no_wcag_violations(page, live_server, officer):
    page.goto(f"{live_server.url}/accounts/login/")
    assert wcag_violations(page) == []

    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert wcag_violations(page) == []


def test_officer_pages_have_no_wcag_violations(page, live_server, officer, overdue_action):
    sign_in(page, live_server, "officer")
    action_url = overdue_action.get_absolute_url()
    pages = {
        "my actions": "/",
        "plan": f"/plans/{overdue_action.plan.slug}/",
        "plan filtered": f"/plans/{overdue_action.plan.slug}/?overdue=on&due_before=nonsense",
        "recommendation": f"/plans/{overdue_action.plan.slug}/recommendations/7/",
        "action": action_url,
        "update": f"{action_url}update/",
    }
    found = {}
    for name, url in pages.items():
        page.goto(f"{live_server.url}{url}")
        found[name] = wcag_violations(page)

    page.goto(f"{live_server.url}{action_url}update/")
    page.get_by_label("Progress RAG").select_option("red")
    page.get_by_role("button", name="Save update").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    found["update with errors"] = wcag_violations(page)

    assert found == {name: [] for name in found}


def test_sign_off_page_has_no_wcag_violations(page, live_server, improvement_lead, overdue_action):
    Action.objects.filter(pk=overdue_action.pk).update(
        status=Status.AWAITING_SIGN_OFF, impact_evidence="Re-audit shows 94%."
    )
    sign_in(page, live_server, "improvement_lead")

    page.goto(f"{live_server.url}{overdue_action.get_absolute_url()}sign-off/")
    clean = wcag_violations(page)
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    with_errors = wcag_violations(page)

    assert (clean, with_errors) == ([], [])


def test_the_lock_out_and_password_reset_pages_have_no_wcag_violations(
    page, live_server, officer, settings
):
    settings.EMAIL_CONFIGURED = True
    settings.AXES_FAILURE_LIMIT = 1
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("This account is locked").first).to_be_visible()
    found = {"locked out": wcag_violations(page)}

    page.goto(f"{live_server.url}/accounts/password_reset/")
    found["reset"] = wcag_violations(page)
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    found["reset with errors"] = wcag_violations(page)

    assert found == {name: [] for name in found}


def test_the_notification_pages_have_no_wcag_violations(page, live_server, officer):
    Notification.objects.create(
        user=officer,
        kind=Kind.SENT_BACK,
        about="update:1",
        subject="A1 was sent back",
        text="The reason: the audit covers only one team.",
        link="/",
    )
    sign_in(page, live_server, "officer")
    found = {}
    for name, url in {"list": "/notifications/", "settings": "/notifications/settings/"}.items():
        page.goto(f"{live_server.url}{url}")
        found[name] = wcag_violations(page)

    assert found == {"list": [], "settings": []}
