"""The pack as a web page: the preview passes axe's WCAG checks in a real browser."""

import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args():
    return {"executable_path": "/usr/bin/chromium", "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session", autouse=True)
def _allow_sync_orm_under_playwright():
    # Playwright's sync API keeps an event loop in this thread, and Django then refuses ORM
    # calls (even the test database's creation); here they are plain synchronous calls.
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if before is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


def _sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


@pytest.mark.django_db(transaction=True)
def test_the_pack_preview_has_no_wcag_violations(live_server, page, issued, chair):
    page.context.set_default_timeout(10_000)
    _sign_in(page, live_server, chair)

    page.goto(f"{live_server.url}{reverse('boards:preview', kwargs={'pk': issued.pk})}")
    results = Axe().run(page, options={"runOnly": ["wcag2a", "wcag2aa"]})

    assert page.locator("h2#summary-title").inner_text() == "Summary"
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.django_db(transaction=True)
def test_the_board_and_issue_pages_content_has_no_wcag_violations(
    live_server, page, story, improvement_lead
):
    page.context.set_default_timeout(10_000)
    _sign_in(page, live_server, improvement_lead)
    urls = [
        reverse("boards:board", kwargs={"pk": story.board.pk}),
        reverse("boards:issue", kwargs={"pk": story.board.pk, "slug": story.plan.slug}),
    ]

    for url in urls:
        page.goto(f"{live_server.url}{url}")
        # Only this feature's content: the shared header and footer are base.html's business.
        results = Axe().run(
            page, context="#main-content", options={"runOnly": ["wcag2a", "wcag2aa"]}
        )
        assert results.violations_count == 0, (url, results.generate_report())
