"""The chair's start: signing in lands on the plan dashboard, whose figures lead to their lists;
the dashboard, /plans/ and /boards/ pass axe-core at WCAG 2.2 AA and reflow at 320 px."""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from boards.pack.snapshot import take_snapshot
from improvement.models import Status
from tests import factories
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
NARROW = {"width": 320, "height": 640}


def wcag_violations(page) -> list[str]:
    """Every violation of WCAG 2.2 A and AA axe-core finds, whatever its impact."""
    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_22_AA}, "resultTypes": ["violations"]},
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]


def sideways_scroll(page) -> int:
    """How many CSS pixels the page is wider than the window: 0 when nothing scrolls sideways."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


@pytest.fixture
def chaired_plan(plan, chair, officer_lead, overdue_action):
    """The overdue action's plan with something in every section of the dashboard."""
    today = datetime.date.today()
    board = factories.BoardFactory(name="Anytown Improvement Board")
    board.plans.add(plan)
    board.members.add(chair)
    factories.ActionFactory(
        plan=plan,
        reference="JAN17-6",
        text="Recruit two team managers",
        lead=officer_lead,
        theme=overdue_action.theme,
        due_on=today + datetime.timedelta(days=5),
        status=Status.NOT_STARTED,
    )
    factories.PackFactory(
        plan=plan, board=board, as_at=today, snapshot=take_snapshot(plan=plan, as_at=today)
    )
    factories.ActionFactory(
        plan=plan,
        reference="JAN17-7",
        text="A new action since the pack",
        lead=officer_lead,
        theme=overdue_action.theme,
        status=Status.IN_PROGRESS,
        due_on=today + datetime.timedelta(days=60),
    )
    factories.RecommendationFactory(
        inspection=overdue_action.recommendations.get().inspection,
        reference="8",
        text="Improve the quality of supervision.",
    )
    factories.RiskFactory(plan=plan, reference="R1", likelihood=5, impact=4, target_score=8)
    measure = factories.MeasureFactory(plan=plan, name="Visits within timescale", target=80)
    factories.MeasureValueFactory(measure=measure, value=50)
    return plan


def test_a_chair_lands_on_the_dashboard_and_follows_overdue_to_the_filtered_list(
    page, live_server, chaired_plan
):
    dashboard = f"/plans/{chaired_plan.slug}/dashboard/"

    sign_in(page, live_server, "chair", lands_on=dashboard)

    expect(page.get_by_role("heading", name=f"Dashboard: {chaired_plan.title}")).to_be_visible()
    page.get_by_role("link", name="1 action overdue").click()
    expect(page).to_have_url(f"{live_server.url}/plans/{chaired_plan.slug}/?overdue=on")
    expect(page.get_by_label("Overdue only")).to_be_checked()
    expect(page.get_by_role("link", name="JAN17-5")).to_be_visible()
    expect(page.get_by_role("link", name="JAN17-6")).to_have_count(0)

    page.goto(f"{live_server.url}{dashboard}")
    page.get_by_role("link", name="1 new actions").click()
    expect(page.get_by_role("link", name="JAN17-7")).to_be_visible()


def test_the_dashboard_and_the_lists_pass_wcag_22_aa_and_reflow_at_320_px(
    page, live_server, chaired_plan
):
    sign_in(page, live_server, "chair")
    pages = {
        "dashboard": f"/plans/{chaired_plan.slug}/dashboard/",
        "plans": "/plans/",
        "boards": "/boards/",
    }
    violations, overflow = {}, {}
    for name, url in pages.items():
        page.set_viewport_size({"width": 1280, "height": 800})
        page.goto(f"{live_server.url}{url}")
        violations[name] = wcag_violations(page)
        page.set_viewport_size(NARROW)
        page.goto(f"{live_server.url}{url}")
        violations[f"{name} at 320 px"] = wcag_violations(page)
        overflow[name] = sideways_scroll(page)

    assert violations == {name: [] for name in violations}
    assert overflow == {name: 0 for name in pages}
