"""Browser tests drive Debian's chromium through Playwright against pytest-django's live server."""

import datetime
import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from improvement import second_factor
from improvement.models import Rag, Status
from tests import factories
from tests.sso.fixtures import (  # noqa: F401  (a council's provider, for the sign-in test)
    anytown_idp,
    anytown_provider,
    fresh_discovery,
    start_provider,
)
from tests.two_factor import app_code, current_step, give_app

# Playwright's sync API keeps an event loop running in this thread; the ORM calls the tests make
# for their data are still plain synchronous calls, so Django's async guard is told so.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "correct horse battery staple"


def require_chromium(*, path: Path = CHROMIUM, ci: str | None = None) -> None:
    """Skip where no chromium is installed, but fail in CI, where a skip would hide the gap."""
    if path.exists():
        return
    if ci:
        pytest.fail(f"CI is set but {path} is missing: .ci/run installs the chromium package.")
    pytest.skip(f"{path} is not installed (apt-get install chromium); browser tests skipped.")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    require_chromium(ci=os.environ.get("CI"))
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def base_url(pytestconfig):
    """pytest-playwright's own `base_url` stand-in is a session fixture written as an instance
    method, which pytest deprecates (PytestRemovedIn10Warning); this one reads the same option."""
    return pytestconfig.getoption("--base-url") or pytestconfig.getini("base_url") or None


@pytest.fixture
def overdue_action(plan, officer_lead):
    theme = factories.ThemeFactory(plan=plan, name="Practice")
    objective = factories.ObjectiveFactory(plan=plan, theme=theme, title="Better plans")
    rec = factories.RecommendationFactory(reference="7", text="Ensure plans are outcome-focused.")
    plan.inspections.add(rec.inspection)
    action = factories.ActionFactory(
        plan=plan,
        reference="JAN17-5",
        text="Audit every child protection plan",
        lead=officer_lead,
        theme=theme,
        objective=objective,
        due_on=datetime.date.today() - datetime.timedelta(days=21),
        status=Status.IN_PROGRESS,
        progress_rag=Rag.GREEN,
    )
    action.recommendations.add(rec)
    return action


def sign_in(
    page, live_server, username: str, *, lands_on: str | None = None, next_url: str = ""
) -> None:
    """Signs in and waits for the landing page: `lands_on` when given, else wherever the user's
    role lands them (My actions, a plan's dashboard, the list of plans). An improvement lead or
    administrator (or anyone with two factors on) also enters the code from their app: one is
    set up for them here if they have none."""
    user = get_user_model().objects.get(username=username)
    device = None
    if second_factor.needs_second_factor(user) or second_factor.has_second_factor(user):
        device = second_factor.app_device(user) or give_app(user)
    query = f"?next={next_url}" if next_url else ""
    page.goto(f"{live_server.url}/accounts/login/{query}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if device is not None:
        page.wait_for_url(f"{live_server.url}/accounts/login/code/")
        page.get_by_label("Code from your authenticator app").fill(fresh_code(device))
        page.get_by_role("button", name="Sign in", exact=True).click()
    if lands_on is None:
        page.wait_for_url(lambda url: "/accounts/login/" not in url and "/start/" not in url)
    else:
        page.wait_for_url(f"{live_server.url}{lands_on}")


def fresh_code(device) -> str:
    """The app's code now, or the next one if this one has signed in already (a code works once)."""
    device.refresh_from_db()
    return app_code(device, steps_from_now=1 if device.last_t >= current_step() else 0)
