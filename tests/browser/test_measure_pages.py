"""A measure's owner records this quarter's value in the browser and sees the measure move;
the measures pages pass axe at WCAG 2.2 AA."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import wcag_violations

pytestmark = pytest.mark.browser


def test_a_measure_owner_records_a_value_and_the_measure_turns_amber(
    page, live_server, officer, officer_lead, overdue_action
):
    measure = factories.MeasureFactory(
        plan=overdue_action.plan,
        name="Assessments completed within 45 days",
        unit="%",
        target=Decimal(85),
        tolerance=Decimal(5),
        owner=officer_lead,
    )
    factories.MeasureValueFactory(
        measure=measure, period_ending=datetime.date(2026, 12, 31), value=Decimal(70)
    )
    sign_in(page, live_server, "officer")
    found = {}

    page.goto(f"{live_server.url}/plans/{measure.plan.slug}/measures/")
    expect(page.locator(".tracker-rag--red")).to_have_count(1)
    found["measures"] = wcag_violations(page)
    page.get_by_role("link", name=measure.name).click()
    found["measure"] = wcag_violations(page)
    page.get_by_role("link", name="Record a value").click()
    page.get_by_role("button", name="Record the value").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    found["value form with errors"] = wcag_violations(page)
    page.get_by_label("Period ending").fill("31/03/2027")
    page.get_by_label("Value", exact=True).fill("82")
    page.get_by_label("Note").fill("Two agency social workers started in February.")
    page.get_by_role("button", name="Record the value").click()

    expect(
        page.get_by_text("The value for the period ending 31 March 2027 has been recorded.")
    ).to_be_visible()
    expect(page.get_by_text("Two agency social workers started in February.")).to_be_visible()
    page.get_by_role("link", name="Measures").click()
    expect(page.locator(".tracker-rag--amber")).to_have_count(1)
    assert found == {name: [] for name in found}
