"""Sign-in lock-out: after AXES_FAILURE_LIMIT wrong passwords the username is locked, even
against the right password, until an administrator unlocks it or the cool-off passes."""

import io
import logging

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command

from improvement.accounts import SIGN_IN_LOCKED
from improvement.forms import SIGN_IN_FAILED

RIGHT = "correct horse battery staple"
WRONG = "wrong horse battery staple"


def sign_in(client, username, password, url="/accounts/login/"):
    return client.post(url, {"username": username, "password": password, "next": "/"})


def fail(client, times, username="officer", url="/accounts/login/"):
    """Wrong passwords, each refused as a plain wrong password until the last one locks."""
    for _ in range(times - 1):
        response = sign_in(client, username, WRONG, url)
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
    return sign_in(client, username, WRONG, url)


@pytest.fixture
def limit(settings):
    settings.AXES_FAILURE_LIMIT = 5
    return 5


def test_an_officer_is_locked_out_after_the_failure_limit_even_with_the_right_password(
    client, officer, limit, caplog
):
    with caplog.at_level(logging.INFO, logger="axes"):
        locking = fail(client, limit)
        after = sign_in(client, "officer", RIGHT)

    assert locking.status_code == 429
    assert after.status_code == 429
    page = after.content.decode()
    assert SIGN_IN_LOCKED in page
    assert "try again in 1 hour" in page
    assert '<h1 class="govuk-heading-l">Sign in</h1>' in page
    assert "_auth_user_id" not in client.session
    attempt = AccessAttempt.objects.get(username="officer")
    assert attempt.failures_since_start >= limit
    logged = [r.getMessage() for r in caplog.records if r.name.startswith("axes")]
    assert sum('New login failure by {username: "officer"' in m for m in logged) == 1
    assert any('Locking out {username: "officer"' in m for m in logged)


def test_failures_below_the_limit_do_not_lock_and_the_right_password_still_works(
    client, officer, limit
):
    for _ in range(limit - 1):
        assert SIGN_IN_FAILED in sign_in(client, "officer", WRONG).content.decode()

    response = sign_in(client, "officer", RIGHT)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(officer.pk)
    # A success clears the count, so earlier slips do not add up towards a later lock-out.
    assert not AccessAttempt.objects.filter(username="officer").exists()


def test_locking_one_username_leaves_others_free_to_sign_in(client, officer, other_officer, limit):
    fail(client, limit)

    response = sign_in(client, "other_officer", RIGHT)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(other_officer.pk)


def test_the_admin_sign_in_is_the_sites_and_locks_the_same_username(
    client, officer, admin_user, limit
):
    admin_user.set_password(RIGHT)
    admin_user.save()
    sent = client.get("/admin/login/?next=/admin/")
    assert sent.status_code == 302
    assert sent["Location"] == "/accounts/login/?next=%2Fadmin%2F"
    # The admin's own password form is gone: a password posted to it is not even read.
    posted = sign_in(client, "admin", RIGHT, url="/admin/login/?next=/admin/")
    assert posted["Location"] == sent["Location"]
    assert "_auth_user_id" not in client.session
    assert not AccessAttempt.objects.exists()

    fail(client, limit, username="admin", url=sent["Location"])
    response = sign_in(client, "admin", RIGHT, url=sent["Location"])

    assert response.status_code == 429
    assert SIGN_IN_LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.get(username="admin").failures_since_start >= limit


def test_an_administrator_unlocks_an_officer_in_the_admin_and_the_officer_signs_in(
    client, officer, admin_user, limit
):
    fail(client, limit)
    assert sign_in(client, "officer", RIGHT).status_code == 429
    attempt = AccessAttempt.objects.get(username="officer")

    admin = type(client)()
    admin.force_login(admin_user)
    listing = admin.get("/admin/axes/accessattempt/?locked_out=yes")
    assert "officer" in listing.content.decode()
    confirm = admin.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": [attempt.pk]},
    )
    assert "Delete multiple objects" in confirm.content.decode()
    done = admin.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )
    assert done.status_code == 302

    assert not AccessAttempt.objects.filter(username="officer").exists()
    response = sign_in(client, "officer", RIGHT)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(officer.pk)


def test_the_reset_username_command_unlocks_an_officer(client, officer, limit):
    fail(client, limit)
    assert sign_in(client, "officer", RIGHT).status_code == 429

    call_command("axes_reset_username", "officer", verbosity=0)

    assert sign_in(client, "officer", RIGHT).status_code == 302


def test_a_lock_out_with_no_cool_off_says_only_an_administrator_can_unlock(
    client, officer, limit, settings
):
    settings.AXES_COOLOFF_TIME = None
    fail(client, limit)

    page = sign_in(client, "officer", RIGHT).content.decode()

    assert SIGN_IN_LOCKED in page
    assert "try again in" not in page


def test_failures_and_lock_outs_reach_the_console_log(client, officer, limit):
    console = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    seen = io.StringIO()
    previous = console.setStream(seen)
    try:
        fail(client, limit)
    finally:
        console.setStream(previous)

    log = seen.getvalue()
    assert 'login failure by {username: "officer"' in log
    assert 'Locking out {username: "officer"' in log
    assert WRONG not in log
