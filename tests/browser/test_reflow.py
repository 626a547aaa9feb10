"""WCAG 2.2 1.4.10 (reflow): every page of the site, read on a 320 CSS pixel wide screen, scrolls
only downwards. The pages are those of the role × URL matrix that each reader may open, so a page
added to the site is checked here as soon as it is in the matrix."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.security.matrix import OK
from tests.security.matrix_site import SITE
from tests.security.world import build_world

pytestmark = pytest.mark.browser

NARROW = {"width": 320, "height": 800}
READERS = ("officer", "improvement_lead", "chair")
WIDEST = """() => {
  const limit = document.documentElement.clientWidth;
  return [...document.querySelectorAll('body *')]
    .filter((el) => el.getBoundingClientRect().right > limit + 1)
    .slice(0, 3)
    .map((el) => `${el.tagName.toLowerCase()}.${el.className} ends at ${
      Math.round(el.getBoundingClientRect().right)}px`);
}"""


def pages_for(world, persona: str) -> dict[str, str]:
    """The HTML pages the matrix lets this persona open (downloads are not pages)."""
    client = Client()
    client.force_login(world.users[persona])
    pages = {}
    for name, cell in SITE.items():
        if cell.get[persona] != OK:
            continue
        url = reverse(name, kwargs=cell.kwargs(world) if cell.kwargs else None)
        if cell.query:
            url = f"{url}?{cell.query(world)}"
        if client.get(url)["Content-Type"].startswith("text/html"):
            pages[name] = url
    return pages, client.cookies[settings.SESSION_COOKIE_NAME].value


def sideways_scroll(page) -> list[str]:
    width = page.evaluate("document.documentElement.scrollWidth")
    room = page.evaluate("document.documentElement.clientWidth")
    return [] if width <= room else [f"{width}px wide in {room}px", *page.evaluate(WIDEST)]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("persona", READERS)
def test_every_page_reflows_at_320_pixels(browser, live_server, persona):
    world = build_world()
    pages, session = pages_for(world, persona)
    context = browser.new_context(viewport=NARROW)
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    page = context.new_page()

    found = {}
    for name, url in pages.items():
        page.goto(f"{live_server.url}{url}")
        found[name] = sideways_scroll(page)
    context.close()

    assert len(pages) >= 5
    assert found == {name: [] for name in found}


def test_on_a_phone_the_plan_page_shows_its_actions_before_any_filter_field(
    page, live_server, chair, overdue_action
):
    page.set_viewport_size(NARROW)
    sign_in(page, live_server, "chair")
    plan_url = f"{live_server.url}/plans/{overdue_action.plan.slug}/"

    page.goto(plan_url)
    filters = page.locator("details.tracker-filter-details")
    expect(page.get_by_label("Search")).to_be_hidden()
    first_action = page.get_by_role("link", name=overdue_action.reference)
    expect(first_action).to_be_visible()
    action_top = first_action.bounding_box()["y"]
    fields_above = page.evaluate(
        """(top) => [...document.querySelectorAll('input, select, textarea')]
            .filter((el) => el.offsetParent !== null && el.getBoundingClientRect().top < top)
            .length""",
        action_top,
    )
    assert fields_above == 0
    filters.locator("summary").click()
    expect(page.get_by_label("Search")).to_be_visible()

    page.goto(f"{plan_url}?overdue=on")
    expect(filters.locator("summary")).to_contain_text("filters applied")
    expect(page.get_by_label("Search")).to_be_visible()


def test_a_printed_plan_page_keeps_its_rag_colours_and_drops_the_navigation(
    page, live_server, chair, overdue_action
):
    sign_in(page, live_server, "chair")
    page.goto(f"{live_server.url}/plans/{overdue_action.plan.slug}/")

    page.emulate_media(media="print")

    expect(page.locator(".govuk-header")).to_be_hidden()
    expect(page.locator(".govuk-footer")).to_be_hidden()
    expect(page.locator("details.tracker-filter-details")).to_be_hidden()
    red = page.locator(".tracker-rag--red").first
    expect(red).to_be_visible()
    assert red.evaluate("el => getComputedStyle(el).printColorAdjust") == "exact"
    assert red.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(212, 53, 28)"
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")

    page.goto(f"{live_server.url}/plans/{overdue_action.plan.slug}/dashboard/")
    expect(page.locator(".govuk-header")).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
