"""A risk owner's story in chromium: they lower a risk and see the heat map move; the register,
risk and review pages pass axe-core at WCAG 2.2 AA (every impact) and reflow at 320 px."""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from improvement.models import Risk
from improvement.rag import risk_band
from tests import factories
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
NARROW = {"width": 320, "height": 900}


def wcag_violations(page) -> list[str]:
    """Every WCAG 2.2 A and AA violation axe-core finds, whatever its impact."""
    results = Axe().run(
        page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}, "resultTypes": []}
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]


def sideways_scroll(page) -> int:
    """How many CSS pixels the page is wider than the window (0 when nothing scrolls sideways)."""
    return page.evaluate(
        "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - document.documentElement.clientWidth"
    )


@pytest.fixture
def owned_risk(plan, officer_lead, officer):
    today = datetime.date.today()
    factories.RiskFactory(
        plan=plan,
        reference="R2",
        description="Court work crowds out visits",
        owner=factories.LeadFactory(name="Head of Fostering"),
        likelihood=2,
        impact=3,
        reviewed_on=today - datetime.timedelta(days=200),
    )
    return factories.RiskFactory(
        plan=plan,
        reference="R1",
        description="Social worker turnover leaves children without a consistent worker",
        owner=officer_lead,
        likelihood=4,
        impact=5,
        residual_likelihood=3,
        residual_impact=4,
        target_score=6,
        target_on=today + datetime.timedelta(days=180),
        existing_controls="Agency cover agreed",
        reviewed_on=today - datetime.timedelta(days=40),
    )


def _cell(page, count, kind, likelihood, impact):
    band = risk_band(likelihood * impact)
    name = (
        f"{count} risk{'s' if count != 1 else ''} {kind} controls with likelihood {likelihood} "
        f"and impact {impact}, {band}"
    )
    return page.get_by_role("link", name=name, exact=True)


def test_a_risk_owner_lowers_a_risk_and_sees_the_heat_map_change(
    page, live_server, officer, owned_risk
):
    sign_in(page, live_server, "officer")
    page.goto(f"{live_server.url}{owned_risk.plan.get_absolute_url()}")
    page.get_by_role("link", name="Risk register").click()

    expect(_cell(page, 1, "before", 4, 5)).to_be_visible()
    _cell(page, 1, "before", 4, 5).click()
    page.get_by_role("link", name="R1", exact=True).click()
    page.get_by_role("link", name="Review this risk").click()
    page.get_by_label("Likelihood before controls").select_option("2")
    page.get_by_label("Likelihood after controls").select_option("2")
    page.get_by_label("Review note").fill("Six permanent social workers started this month.")
    page.get_by_role("button", name="Save review").click()

    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Your review of the risk has been saved."
    )
    expect(page.locator(".tracker-score-path tbody tr")).to_have_count(2)
    page.get_by_role("link", name="Risk register").click()
    expect(_cell(page, 1, "before", 4, 5)).to_have_count(0)
    expect(_cell(page, 1, "before", 2, 5)).to_be_visible()
    expect(_cell(page, 1, "after", 2, 4)).to_be_visible()
    owned_risk.refresh_from_db()
    assert (owned_risk.score, owned_risk.residual_score, owned_risk.version) == (10, 8, 2)


def test_the_risk_pages_pass_wcag_22_aa_and_reflow_at_320_pixels(
    page, live_server, officer, owned_risk
):
    sign_in(page, live_server, "officer")
    risk_url = Risk.objects.get(pk=owned_risk.pk).get_absolute_url()
    register = f"/plans/{owned_risk.plan.slug}/risks/"
    pages = {
        "register": register,
        "register filtered": f"{register}?owner={owned_risk.owner_id}&review_overdue=on",
        "register with a refused filter": f"{register}?likelihood=9",
        "risk": risk_url,
        "review": f"{risk_url}update/",
    }
    found, widths = {}, {}
    for name, url in pages.items():
        for viewport in ({"width": 1280, "height": 900}, NARROW):
            page.set_viewport_size(viewport)
            page.goto(f"{live_server.url}{url}")
            found[f"{name} at {viewport['width']}"] = wcag_violations(page)
        widths[name] = sideways_scroll(page)

    page.goto(f"{live_server.url}{risk_url}update/")
    page.get_by_label("Impact before controls").select_option("1")
    page.get_by_role("button", name="Save review").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    found["review with errors at 320"] = wcag_violations(page)
    widths["review with errors"] = sideways_scroll(page)

    assert found == {name: [] for name in found}
    assert widths == {name: 0 for name in widths}
