"""Error pages with DEBUG off: styled like the rest of the tracker, and telling nobody anything.

Every page here is rendered with the production static storage and an empty STATIC_ROOT, the
worst case (no collectstatic), so an error page can never fail on a static file.
"""

import logging

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.views import defaults

SITE_HEADER = (
    '<span class="govuk-header__product-name tracker-header__name">Improvement Tracker</span>'
)
STYLESHEET = 'href="/static/css/tracker.css"'
HOME_LINK = '<a class="govuk-link" href="/">Go to my actions</a>'
SECRET_DETAIL = "secret detail: officer 42 is under investigation"


@pytest.fixture(autouse=True)
def production(settings, tmp_path):
    settings.DEBUG = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "config.storage.ProductionStaticFilesStorage"},
    }
    settings.STATIC_ROOT = tmp_path / "staticfiles-never-collected"
    settings.WHITENOISE_USE_FINDERS = False


def assert_styled_and_quiet(response, *, status: int, heading: str, hidden: tuple[str, ...] = ()):
    page = response.content.decode()
    assert response.status_code == status
    assert SITE_HEADER in page
    assert STYLESHEET in page
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in page
    assert HOME_LINK in page
    for text in ("Traceback", "SECRET_KEY", "settings.py", "DATABASES", *hidden):
        assert text not in page


def test_a_missing_plan_shows_the_not_found_page_without_naming_the_model(client, officer):
    client.force_login(officer)

    response = client.get("/plans/no-such-plan/")

    assert_styled_and_quiet(
        response, status=404, heading="Page not found", hidden=("No Plan matches", "no-such-plan")
    )


def test_the_not_found_page_echoes_nothing_of_the_path(client, db):
    response = client.get("/plans/x/actions/<script>alert(1)</script>/")

    assert_styled_and_quiet(response, status=404, heading="Page not found", hidden=("alert(1)",))


def test_the_not_found_handler_never_prints_the_exception(rf):
    response = defaults.page_not_found(
        rf.get("/plans/anytown/"), Http404("No Plan matches the given query.")
    )

    assert_styled_and_quiet(
        response, status=404, heading="Page not found", hidden=("No Plan matches", "anytown")
    )


def test_an_officer_of_another_plan_gets_the_forbidden_page(client, other_officer, plan):
    client.force_login(other_officer)

    response = client.get(plan.get_absolute_url())

    assert_styled_and_quiet(response, status=403, heading="You cannot do this")
    # The signed-in user keeps the menu, so the way back is the usual one.
    assert "Sign out" in response.content.decode()


def test_the_forbidden_handler_never_prints_the_reason_it_was_given(rf):
    response = defaults.permission_denied(rf.get("/"), PermissionDenied(SECRET_DETAIL))

    assert_styled_and_quiet(
        response, status=403, heading="You cannot do this", hidden=(SECRET_DETAIL, "secret")
    )


def test_a_form_sent_without_its_csrf_token_gets_the_csrf_page_without_the_reason(db):
    browser = Client(enforce_csrf_checks=True)

    response = browser.post("/accounts/login/", {"username": "officer", "password": "x"})

    assert_styled_and_quiet(
        response,
        status=403,
        heading="Your form could not be sent",
        hidden=("CSRF verification failed", "CSRF cookie", "Referer", "DEBUG"),
    )


def test_an_unknown_host_gets_the_bad_request_page_without_the_host(client, settings, db):
    settings.ALLOWED_HOSTS = ["tracker.council.example"]

    response = client.get("/accounts/login/", HTTP_HOST="attacker.example")

    assert_styled_and_quiet(
        response,
        status=400,
        heading="Sorry, we could not handle that request",
        hidden=("attacker.example", "ALLOWED_HOSTS", "Invalid HTTP_HOST"),
    )


def test_the_server_error_page_renders_with_no_context_and_no_database(rf):
    # No `db` fixture: any query in the page would fail the test.
    response = defaults.server_error(rf.get("/"))

    assert_styled_and_quiet(
        response, status=500, heading="Sorry, there is a problem with the service"
    )
    assert "<script" not in response.content.decode()


def test_an_officer_gets_the_server_error_page_when_the_database_is_down(
    officer, caplog, django_db_blocker
):
    browser = Client(raise_request_exception=False)
    browser.force_login(officer)

    # The database stops answering: every query raises, as when PostgreSQL is unreachable,
    # starting with the session lookup of My actions.
    with caplog.at_level(logging.ERROR, logger="django.request"), django_db_blocker.block():
        response = browser.get("/")

    assert_styled_and_quiet(
        response,
        status=500,
        heading="Sorry, there is a problem with the service",
        hidden=("Database access not allowed", "RuntimeError", "Olive"),
    )
    # The detail goes to the log, where the people who run the tracker read it.
    assert any(r.exc_info and "Database access" in str(r.exc_info[1]) for r in caplog.records)
