"""The pack as a web page, in a real browser: axe finds no WCAG 2 A/AA violations."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect, sync_playwright

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
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
WCAG = {"runOnly": ["wcag2a", "wcag2aa"]}


def _audit(live_server, user, pages: dict[str, str], *, context: str | None = None) -> list[dict]:
    """Sign in as `user`, open each path, wait for its heading (`pages` maps path to heading)
    and run axe on it.

    Playwright runs in its own thread: its sync API keeps an event loop in the thread that
    calls it, and Django refuses ORM calls from a thread with a running loop.
    """
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value

    def run() -> list[dict]:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_context().new_page()
            page.context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
            )
            page.set_default_timeout(10_000)
            audits = []
            for path, heading in pages.items():
                page.goto(f"{live_server.url}{path}")
                expect(page.locator("h1").first).to_have_text(heading)
                results = Axe().run(page, context=context, options=WCAG)
                audits.append(
                    {
                        "path": path,
                        "violations": results.violations_count,
                        "report": results.generate_report(),
                    }
                )
            browser.close()
            return audits

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result(timeout=120)


@pytest.mark.django_db(transaction=True)
def test_the_pack_preview_has_no_wcag_violations(live_server, issued, chair):
    preview = reverse("boards:preview", kwargs={"pk": issued.pk})

    [audit] = _audit(live_server, chair, {preview: "Anytown improvement plan"})

    assert audit["violations"] == 0, audit["report"]


@pytest.mark.django_db(transaction=True)
def test_the_board_and_issue_pages_content_has_no_wcag_violations(
    live_server, story, improvement_lead
):
    board = reverse("boards:board", kwargs={"pk": story.board.pk})
    issue = reverse("boards:issue", kwargs={"pk": story.board.pk, "slug": story.plan.slug})
    headings = {board: "Anytown Improvement Board", issue: "Issue a board pack"}

    # Only this feature's content: the shared header and footer are base.html's business.
    audits = _audit(live_server, improvement_lead, headings, context="#main-content")

    reports = "\n".join(a["report"] for a in audits)
    assert {a["path"]: a["violations"] for a in audits} == {board: 0, issue: 0}, reports
