"""The site's pages, the admin and the import pages run in chromium under the Content-Security-
Policy with no violation: nothing inline, nothing from elsewhere."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from improvement.models import Action, Status
from tests import factories
from tests.browser.conftest import PASSWORD, sign_in

pytestmark = pytest.mark.browser

# Django admin's own template, outside /admin/: it must need no admin allowance.
PASSWORD_CHANGE = "/accounts/password_change/"

LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`);
});
"""


@pytest.fixture
def watched(page):
    """The page, with every CSP violation it reports, from the event and from the console."""
    console = []
    page.add_init_script(LISTEN)
    page.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return page, console


def violations(page, console, url) -> list[str]:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    found = page.evaluate("window.__violations") + console[:]
    console.clear()
    return found


def visit_all(page, console, base, urls) -> dict:
    return {url: violations(page, console, f"{base}{url}") for url in urls}


def test_the_sign_in_page_and_the_officer_pages_raise_no_violation(
    watched, live_server, officer, overdue_action
):
    page, console = watched
    found = visit_all(page, console, live_server.url, ["/accounts/login/"])
    sign_in(page, live_server, "officer")
    action = overdue_action.get_absolute_url()
    plan = overdue_action.plan.get_absolute_url()
    found |= visit_all(
        page,
        console,
        live_server.url,
        [PASSWORD_CHANGE, "/", plan, f"{plan}recommendations/7/", action, f"{action}update/"],
    )
    # GOV.UK Frontend ran from its static module: the js classes are on and components started.
    expect(page.locator("body")).to_have_class(re.compile(r"\bgovuk-frontend-supported\b"))
    expect(page.locator("[data-govuk-button-init]").first).to_be_attached()

    assert found == {url: [] for url in found}


def test_the_pack_preview_raises_no_violation_and_shows_its_chart(
    watched, live_server, plan, improvement_lead, overdue_action
):
    page, console = watched
    board = factories.BoardFactory()
    board.plans.add(plan)
    sign_in(page, live_server, "improvement_lead")
    as_at = datetime.date.today().isoformat()

    found = violations(
        page,
        console,
        f"{live_server.url}/boards/{board.pk}/plans/{plan.slug}/packs/draft/?as_at={as_at}",
    )

    assert found == []
    expect(page.locator("body")).not_to_have_css(
        "font-family", re.compile(r'^"?Times New Roman"?$')
    )
    chart = page.locator("figure.chart img").first
    expect(chart).to_be_visible()
    expect(chart).to_have_js_property("complete", True)
    assert chart.evaluate("img => img.naturalWidth") > 0


def test_the_admin_and_its_import_pages_raise_no_violation(
    watched, live_server, admin_user, overdue_action
):
    page, console = watched
    admin_user.set_password(PASSWORD)
    admin_user.save()
    # The admin signs in through the site's sign-in, code and all.
    sign_in(page, live_server, "admin", next_url="/admin/", lands_on="/admin/")
    action_pk, plan_pk = overdue_action.pk, overdue_action.plan.pk

    found = visit_all(
        page,
        console,
        live_server.url,
        [
            "/admin/",
            "/admin/improvement/action/",
            f"/admin/improvement/action/{action_pk}/change/",
            "/admin/improvement/action/add/",
            f"/admin/improvement/action/{action_pk}/history/",
            "/admin/improvement/action/import/",
            "/admin/improvement/action/export/",
            f"/admin/improvement/plan/{plan_pk}/import-workbook/",
            "/admin/improvement/lead/",
            f"/admin/auth/user/{admin_user.pk}/change/",
            f"/admin/auth/user/{admin_user.pk}/password/",
            "/admin/axes/accessattempt/",
        ],
    )

    assert found == {url: [] for url in found}


def test_the_improvement_leads_queue_decision_and_import_pages_raise_no_violation(
    watched, live_server, improvement_lead, overdue_action
):
    Action.objects.filter(pk=overdue_action.pk).update(status=Status.AWAITING_SIGN_OFF)
    page, console = watched
    sign_in(page, live_server, "improvement_lead")
    plan = overdue_action.plan.get_absolute_url()

    found = visit_all(
        page,
        console,
        live_server.url,
        [
            f"{plan}sign-off/",
            f"{overdue_action.get_absolute_url()}sign-off/?from=queue",
            f"{plan}import/",
        ],
    )

    assert found == {url: [] for url in found}
