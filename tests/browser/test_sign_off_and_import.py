"""The improvement lead's pages in chromium: signing off from the queue, and axe-core at WCAG 2.2
AA, every impact, on the queue, the decision page and each step of the import."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from improvement.models import Status
from improvement.services import attach_evidence, request_sign_off
from improvement.views import SIGNED_OFF
from tests import factories
from tests.browser.conftest import sign_in
from tests.browser.test_reflow import NARROW, sideways_scroll
from tests.improvement.workbooks import xlsx
from tests.sample_files import docx, upload

pytestmark = pytest.mark.browser

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def wcag_violations(page) -> list[str]:
    """Every axe-core violation of a WCAG 2.0–2.2 A or AA rule, whatever its impact."""
    options = {"runOnly": {"type": "tag", "values": WCAG_22_AA}, "resultTypes": ["violations"]}
    results = Axe().run(page, options=options)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]


@pytest.fixture
def awaiting(plan, officer_lead, officer):
    """Two actions the officer says are done, the first asked for first, with evidence."""
    actions = []
    for reference, text in (
        ("JAN17-7", "Audit supervision records"),
        ("JAN17-8", "Train every social worker"),
    ):
        action = factories.ActionFactory(
            plan=plan, reference=reference, text=text, lead=officer_lead
        )
        request_sign_off(
            action=action,
            by=officer,
            expected_version=action.version,
            impact_evidence="Re-audit: 94% of records meet the standard.",
            commentary="All audits done; the sample is attached.",
        )
        attach_evidence(
            action=action,
            by=officer,
            expected_version=action.version,
            file=upload("audit-sample.docx", docx()),
            description="Audit sample",
        )
        actions.append(action)
    return actions


def test_the_improvement_lead_signs_off_from_the_queue(
    page, live_server, improvement_lead, plan, awaiting
):
    first, second = awaiting
    sign_in(page, live_server, "improvement_lead")

    page.goto(f"{live_server.url}{plan.get_absolute_url()}")
    page.get_by_role("link", name="Actions awaiting sign-off").click()
    expect(page.get_by_role("heading", name="Awaiting sign-off", level=1)).to_be_visible()
    cards = page.locator(".govuk-summary-card")
    expect(cards).to_have_count(2)
    expect(cards.first).to_contain_text("Audit supervision records")
    expect(cards.first).to_contain_text("All audits done; the sample is attached.")
    expect(cards.first.get_by_role("link", name="Audit sample")).to_be_visible()

    page.get_by_role("link", name=f"Sign off or send back action {first.reference}").click()
    expect(page.get_by_text("Re-audit: 94% of records meet the standard.")).to_be_visible()
    page.get_by_label("Sign off: the action is complete").check()
    page.get_by_role("button", name="Record decision").click()

    expect(page.locator(".govuk-notification-banner")).to_contain_text(SIGNED_OFF)
    expect(page.get_by_role("heading", name="Awaiting sign-off", level=1)).to_be_visible()
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text(second.text)
    first.refresh_from_db()
    assert first.status == Status.COMPLETE


def test_the_queue_and_decision_pages_meet_wcag_22_aa(
    page, live_server, improvement_lead, plan, awaiting
):
    sign_in(page, live_server, "improvement_lead")
    found = {}

    page.goto(f"{live_server.url}/plans/{plan.slug}/sign-off/")
    found["queue"] = wcag_violations(page)
    page.get_by_role("link", name=f"Sign off or send back action {awaiting[0].reference}").click()
    found["decision"] = wcag_violations(page)
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    found["decision with errors"] = wcag_violations(page)

    assert found == {name: [] for name in found}


def _choose(page, name: str, rows) -> None:
    page.get_by_label("Plan workbook").set_input_files(
        files=[{"name": name, "mimeType": XLSX, "buffer": xlsx({"Action Plan": rows})}]
    )
    page.get_by_role("button", name="Upload and preview").click()


HEADER = ["Theme", "Period", "No", "Activity Required", "Target Date", "Owner", "Sponsor"]
ROW = ["People", "January - March 2017", 1, "Recruit managers", "31/03/2017", "Head of HR"]


def test_the_import_pages_meet_wcag_22_aa(page, live_server, improvement_lead, plan):
    sign_in(page, live_server, "improvement_lead")
    found = {}

    page.goto(f"{live_server.url}{plan.get_absolute_url()}")
    page.get_by_role("link", name="Import a workbook into this plan").click()
    found["upload"] = wcag_violations(page)
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    found["upload with errors"] = wcag_violations(page)

    # An unknown "Sponsor" column: the columns step first.
    _choose(page, "plan.xlsx", [HEADER, [*ROW, "Chief Executive"]])
    expect(page.get_by_role("heading", name="Sheet Action Plan")).to_be_visible()
    found["columns"] = wcag_violations(page)
    page.get_by_label("Column G: Sponsor holds").select_option("ignore")
    page.get_by_role("button", name="Preview with this mapping").click()
    expect(page.get_by_role("button", name="Confirm import")).to_be_visible()
    found["preview"] = wcag_violations(page)
    page.get_by_role("button", name="Confirm import").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Imported plan.xlsx")
    assert plan.actions.count() == 1

    page.goto(f"{live_server.url}/plans/{plan.slug}/import/")
    _choose(page, "twice.xlsx", [HEADER[:6], ROW, ROW])
    expect(page.get_by_text("This file cannot be imported")).to_be_visible()
    found["preview with errors"] = wcag_violations(page)

    assert found == {name: [] for name in found}


def test_the_queue_decision_and_every_import_step_reflow_at_320_pixels(
    page, live_server, improvement_lead, plan, awaiting
):
    # The reflow test walks the pages a GET reaches; the import's later steps follow a POST.
    page.set_viewport_size(NARROW)
    sign_in(page, live_server, "improvement_lead")
    found = {}

    page.goto(f"{live_server.url}/plans/{plan.slug}/sign-off/")
    found["queue"] = sideways_scroll(page)
    page.get_by_role("link", name=f"Sign off or send back action {awaiting[0].reference}").click()
    # Measured once the next page has come: mid-navigation the document has no element yet.
    expect(page.get_by_role("button", name="Record decision")).to_be_visible()
    found["decision"] = sideways_scroll(page)
    page.goto(f"{live_server.url}/plans/{plan.slug}/import/")
    found["upload"] = sideways_scroll(page)
    _choose(page, "plan.xlsx", [HEADER, [*ROW, "Chief Executive"]])
    expect(page.get_by_role("heading", name="Sheet Action Plan")).to_be_visible()
    found["columns"] = sideways_scroll(page)
    page.get_by_role("button", name="Preview with this mapping").click()
    expect(page.get_by_role("button", name="Confirm import")).to_be_visible()
    found["preview"] = sideways_scroll(page)
    page.goto(f"{live_server.url}/plans/{plan.slug}/import/")
    _choose(page, "twice.xlsx", [HEADER[:6], ROW, ROW])
    expect(page.get_by_text("This file cannot be imported")).to_be_visible()
    found["preview with errors"] = sideways_scroll(page)

    assert found == {name: [] for name in found}
