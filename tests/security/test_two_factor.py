"""Two factors: improvement leads and administrators sign in with their password and a code from an
authenticator app; anyone else may choose to. Nobody is signed in until the code is right."""

import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from improvement import pending_sign_in, second_factor
from improvement.accounts import SIGN_IN_LOCKED
from improvement.models import PlanRole
from improvement.second_factor_forms import (
    CODE_THROTTLED,
    ENTER_APP_CODE,
    WRONG_APP_CODE,
    WRONG_RECOVERY_CODE,
    WRONG_SETUP_CODE,
)
from improvement.second_factor_views import (
    CANNOT_TURN_OFF,
    RECOVERY_CODE_USED,
    SIGN_IN_EXPIRED,
    TURNED_OFF,
)
from tests import factories
from tests.two_factor import app_code, code_for_key, give_app, key_from_typed

PASSWORD = "correct horse battery staple"
CODE_PAGE = "/accounts/login/code/"
SET_UP_PAGE = "/accounts/login/set-up/"


def sign_in(client, username, *, next_url="/"):
    return client.post(
        f"/accounts/login/?next={next_url}",
        {"username": username, "password": PASSWORD, "next": next_url},
    )


def enter(client, code):
    return client.post(CODE_PAGE, {"code": code})


def signed_in(client):
    return SESSION_KEY in client.session


def set_up_key(page) -> str:
    """The key as the set-up page shows it for typing into an app."""
    typed = re.search(r"<code>([A-Z2-7 ]+)</code>", page).group(1)
    return key_from_typed(typed)


@pytest.fixture
def lead_app(improvement_lead):
    return give_app(improvement_lead)


# --- Who must ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "must"),
    [
        ("officer", False),
        ("chair", False),
        ("improvement_lead", True),
        ("admin_user", True),
        ("staff", True),
        ("lead_without_password", False),
    ],
)
def test_who_must_sign_in_with_two_factors(request, plan, who, must):
    if who == "staff":
        user = factories.UserFactory(username="staff", is_staff=True)
    elif who == "lead_without_password":
        # Created by single sign-on: no password here, the council's provider vouches for them.
        user = factories.UserFactory(username="sso_lead")
        user.set_unusable_password()
        user.save()
        factories.PlanRoleFactory(plan=plan, user=user, role=PlanRole.Role.IMPROVEMENT_LEAD)
    else:
        user = request.getfixturevalue(who)

    assert second_factor.needs_second_factor(user) is must


# --- A lead sets up and signs in ---------------------------------------------------------------


def test_an_improvement_lead_sets_up_an_app_after_the_password_then_signs_in_with_its_code(
    client, improvement_lead, plan
):
    dashboard = f"/plans/{plan.slug}/dashboard/"
    response = sign_in(client, "improvement_lead", next_url=dashboard)

    assert response["Location"] == SET_UP_PAGE
    assert not signed_in(client)
    page = client.get(SET_UP_PAGE).content.decode()
    assert "<svg" in page
    assert "<img" not in page
    assert "otpauth://totp/Improvement%20Tracker%3Aimprovement_lead?secret=" in page
    assert 'autocomplete="one-time-code"' in page
    assert 'inputmode="numeric"' in page
    assert '<label class="govuk-label" for="id_code">' in page
    key = set_up_key(page)

    wrong = client.post(SET_UP_PAGE, {"code": code_for_key(key, steps_from_now=5)})
    assert WRONG_SETUP_CODE in wrong.content.decode()
    assert "There is a problem" in wrong.content.decode()
    assert set_up_key(wrong.content.decode()) == key
    assert not TOTPDevice.objects.filter(user=improvement_lead).exists()
    assert not signed_in(client)

    confirmed = client.post(SET_UP_PAGE, {"code": code_for_key(key)})

    assert confirmed["Location"] == "/accounts/security/recovery-codes/"
    assert client.session[SESSION_KEY] == str(improvement_lead.pk)
    assert DEVICE_ID_SESSION_KEY in client.session
    codes_page = client.get("/accounts/security/recovery-codes/").content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", codes_page)
    assert len(codes) == 10
    assert sorted(codes) == sorted(
        StaticToken.objects.filter(device__user=improvement_lead).values_list("token", flat=True)
    )
    assert f'href="{dashboard}"' in codes_page
    # Shown once: the page does not show them again.
    assert client.get("/accounts/security/recovery-codes/")["Location"] == "/accounts/security/"

    client.post("/accounts/logout/")
    asked = sign_in(client, "improvement_lead", next_url=dashboard)
    assert asked["Location"] == CODE_PAGE
    assert not signed_in(client)
    device = TOTPDevice.objects.get(user=improvement_lead, confirmed=True)
    # The code that confirmed the app cannot sign in again; the app's next one can.
    done = enter(client, app_code(device, steps_from_now=1))

    assert done["Location"] == dashboard
    assert client.session[SESSION_KEY] == str(improvement_lead.pk)


def test_the_code_page_labels_its_fields_for_an_app_code_and_a_recovery_code(
    client, improvement_lead, lead_app
):
    sign_in(client, "improvement_lead")

    page = client.get(CODE_PAGE).content.decode()

    label = '<label class="govuk-label" for="id_code">Code from your authenticator app</label>'
    assert label in page
    assert 'autocomplete="one-time-code"' in page
    assert 'inputmode="numeric"' in page
    assert 'aria-describedby="id_code-hint"' in page
    assert '<label class="govuk-label" for="id_recovery_code">Recovery code</label>' in page


# --- Wrong codes ------------------------------------------------------------------------------


def test_a_wrong_code_is_refused_clearly_and_the_next_try_must_wait(
    client, improvement_lead, lead_app
):
    sign_in(client, "improvement_lead")

    wrong = enter(client, app_code(lead_app, steps_from_now=10))
    page = wrong.content.decode()
    assert wrong.status_code == 200
    assert WRONG_APP_CODE in page
    assert "There is a problem" in page
    assert '<a href="#id_code">' in page
    assert not signed_in(client)

    # django-otp's back-off: even the right code waits a second after a wrong one.
    throttled = enter(client, app_code(lead_app))
    assert CODE_THROTTLED in throttled.content.decode()
    assert not signed_in(client)

    lead_app.refresh_from_db()
    TOTPDevice.objects.filter(pk=lead_app.pk).update(
        throttling_failure_timestamp=lead_app.throttling_failure_timestamp.replace(year=2000)
    )
    assert enter(client, app_code(lead_app))["Location"] == "/start/"
    assert signed_in(client)


def test_a_code_that_is_not_six_digits_is_refused_without_counting(
    client, improvement_lead, lead_app
):
    sign_in(client, "improvement_lead")

    page = enter(client, "12ab").content.decode()

    assert ENTER_APP_CODE in page
    assert not signed_in(client)
    assert not AccessAttempt.objects.filter(username="improvement_lead").exists()


def test_wrong_codes_up_to_the_limit_lock_the_username_as_wrong_passwords_do(
    client, improvement_lead, lead_app, settings
):
    settings.AXES_FAILURE_LIMIT = 5
    sign_in(client, "improvement_lead")
    for _ in range(4):
        refused = enter(client, "000000").content.decode()
        assert WRONG_APP_CODE in refused or CODE_THROTTLED in refused

    locking = enter(client, "000000")

    assert locking.status_code == 429
    assert SIGN_IN_LOCKED in locking.content.decode()
    assert AccessAttempt.objects.get(username="improvement_lead").failures_since_start == 5
    # Locked: the right code no longer helps, nor does the password.
    TOTPDevice.objects.filter(pk=lead_app.pk).update(throttling_failure_count=0)
    assert enter(client, app_code(lead_app)).status_code == 429
    assert not signed_in(client)
    assert sign_in(client, "improvement_lead").status_code == 429
    assert not signed_in(client)


# --- Recovery codes ---------------------------------------------------------------------------


def test_a_recovery_code_signs_in_once(client, improvement_lead, lead_app):
    codes = second_factor.new_recovery_codes(user=improvement_lead)
    sign_in(client, "improvement_lead")

    used = client.post(CODE_PAGE, {"recovery_code": f"  {codes[3].upper()} "}, follow=True)

    assert used.redirect_chain[0] == ("/start/", 302)
    assert used.context["user"] == improvement_lead
    assert RECOVERY_CODE_USED % {"left": 9} in used.content.decode()
    client.post("/accounts/logout/")

    sign_in(client, "improvement_lead")
    again = client.post(CODE_PAGE, {"recovery_code": codes[3]})

    page = again.content.decode()
    assert WRONG_RECOVERY_CODE in page
    assert '<details class="govuk-details" open>' in page
    assert not signed_in(client)
    assert second_factor.recovery_codes_left(improvement_lead) == 9


def test_new_recovery_codes_are_shown_once_and_the_old_ones_stop_working(
    client, improvement_lead, lead_app
):
    old = second_factor.new_recovery_codes(user=improvement_lead)
    client.force_login(improvement_lead)

    made = client.post("/accounts/security/recovery-codes/new/", follow=True)

    page = made.content.decode()
    new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page)
    assert len(new) == 10
    assert not set(new) & set(old)
    assert second_factor.use_recovery_code(user=improvement_lead, code=new[0]) is not None
    assert second_factor.use_recovery_code(user=improvement_lead, code=old[0]) is None


# --- Optional for everyone else ---------------------------------------------------------------


def test_an_officer_signs_in_with_the_password_alone_until_they_turn_two_factors_on(
    client, officer
):
    assert sign_in(client, "officer")["Location"] == "/start/"
    assert signed_in(client)

    security = client.get("/accounts/security/").content.decode()
    assert "You sign in with your password alone." in security
    page = client.get("/accounts/security/set-up/").content.decode()
    key = set_up_key(page)
    turned_on = client.post("/accounts/security/set-up/", {"code": code_for_key(key)})
    assert turned_on["Location"] == "/accounts/security/recovery-codes/"
    assert "Sign-in security" in client.get(turned_on["Location"]).content.decode()
    client.post("/accounts/logout/")

    asked = sign_in(client, "officer")

    assert asked["Location"] == CODE_PAGE
    assert not signed_in(client)
    assert enter(client, code_for_key(key, steps_from_now=1))["Location"] == "/start/"
    assert client.session[SESSION_KEY] == str(officer.pk)


def test_an_officer_turns_two_factors_off_with_their_password(client, officer):
    give_app(officer)
    second_factor.new_recovery_codes(user=officer)
    client.force_login(officer)

    wrong = client.post("/accounts/security/turn-off/", {"password": "not it"})
    assert "There is a problem" in wrong.content.decode()
    assert second_factor.has_second_factor(officer)

    done = client.post("/accounts/security/turn-off/", {"password": PASSWORD}, follow=True)

    assert TURNED_OFF in done.content.decode()
    assert not second_factor.has_second_factor(officer)
    assert second_factor.recovery_codes_left(officer) == 0
    client.post("/accounts/logout/")
    assert sign_in(client, "officer")["Location"] == "/start/"


def test_an_improvement_lead_cannot_turn_two_factors_off(client, improvement_lead, lead_app):
    client.force_login(improvement_lead)

    assert "Turn off" not in client.get("/accounts/security/").content.decode()
    response = client.post("/accounts/security/turn-off/", {"password": PASSWORD}, follow=True)

    assert response.redirect_chain == [("/accounts/security/", 302)]
    assert CANNOT_TURN_OFF in response.content.decode()
    assert second_factor.has_second_factor(improvement_lead)


# --- The admin --------------------------------------------------------------------------------


def test_the_admin_sign_in_asks_an_administrator_for_their_code(client, admin_user):
    admin_user.set_password(PASSWORD)
    admin_user.save()
    device = give_app(admin_user)

    response = client.get("/admin/", follow=True)
    assert response.redirect_chain == [
        ("/admin/login/?next=/admin/", 302),
        ("/accounts/login/?next=%2Fadmin%2F", 302),
    ]
    asked = sign_in(client, "admin", next_url="/admin/")
    assert asked["Location"] == CODE_PAGE
    assert client.get("/admin/")["Location"] == "/admin/login/?next=/admin/"

    done = enter(client, app_code(device))

    assert done["Location"] == "/admin/"
    assert "Improvement Tracker administration" in client.get("/admin/").content.decode()


def test_an_administrator_with_no_app_sets_one_up_before_reaching_the_admin(client, admin_user):
    admin_user.set_password(PASSWORD)
    admin_user.save()

    assert sign_in(client, "admin", next_url="/admin/")["Location"] == SET_UP_PAGE
    key = set_up_key(client.get(SET_UP_PAGE).content.decode())
    client.post(SET_UP_PAGE, {"code": code_for_key(key)})

    codes_page = client.get("/accounts/security/recovery-codes/").content.decode()
    assert 'href="/admin/"' in codes_page
    assert client.get("/admin/").status_code == 200


def test_a_signed_in_user_who_is_not_staff_is_refused_the_admin_sign_in(client, officer):
    client.force_login(officer)

    assert client.get("/admin/login/").status_code == 403


# --- A sign-in half done ----------------------------------------------------------------------


def test_a_pending_sign_in_expires_after_five_minutes(client, improvement_lead, lead_app):
    sign_in(client, "improvement_lead")
    session = client.session
    session[pending_sign_in.SESSION_KEY]["started"] -= pending_sign_in.PENDING_SECONDS + 1
    session.save()

    response = client.post(CODE_PAGE, {"code": app_code(lead_app)}, follow=True)

    assert response.redirect_chain == [("/accounts/login/", 302)]
    assert SIGN_IN_EXPIRED in response.content.decode()
    assert not signed_in(client)
    assert pending_sign_in.SESSION_KEY not in client.session
    assert client.get(CODE_PAGE)["Location"] == "/accounts/login/"


@pytest.mark.parametrize("page", [CODE_PAGE, SET_UP_PAGE])
def test_the_code_and_set_up_pages_without_a_pending_sign_in_send_to_the_sign_in_page(
    client, db, page
):
    assert client.get(page)["Location"] == "/accounts/login/"
    assert client.post(page, {"code": "123456"})["Location"] == "/accounts/login/"


def test_a_wrong_password_never_reaches_the_code_page(client, improvement_lead, lead_app):
    client.post("/accounts/login/", {"username": "improvement_lead", "password": "wrong"})

    assert pending_sign_in.SESSION_KEY not in client.session
    assert client.get(CODE_PAGE)["Location"] == "/accounts/login/"


def test_a_user_deactivated_while_their_code_is_asked_gets_no_further(
    client, improvement_lead, lead_app
):
    sign_in(client, "improvement_lead")
    improvement_lead.is_active = False
    improvement_lead.save()

    assert enter(client, app_code(lead_app))["Location"] == "/accounts/login/"
    assert not signed_in(client)


# --- Single sign-on ---------------------------------------------------------------------------


def test_a_session_signed_in_through_single_sign_on_is_never_asked_for_a_code(
    admin_user, improvement_lead, plan
):
    """Single sign-on signs in elsewhere and marks the session; the provider's own second factor
    applies, so nothing here asks for a code, even of an administrator or lead with none set up."""
    for user, page in (
        (improvement_lead, f"/plans/{plan.slug}/dashboard/"),
        (admin_user, "/admin/"),
    ):
        browser = Client()
        browser.force_login(user)
        session = browser.session
        session[second_factor.SSO_SESSION_KEY] = "entra"
        session.save()

        assert browser.get(page).status_code == 200
        security = browser.get("/accounts/security/").content.decode()
        assert "You signed in through your council's own account." in security
        assert "Set up two factors" not in security
        assert not TOTPDevice.objects.filter(user=user).exists()
    # The administrator's admin sign-in page sends them straight in: they are signed in.
    assert browser.get("/admin/login/")["Location"] == "/admin/"


def test_the_admins_user_list_shows_who_has_two_factors(
    client, admin_user, improvement_lead, officer, lead_app
):
    client.force_login(admin_user)

    listing = client.get("/admin/auth/user/")

    assert "Two factors" in listing.content.decode()
    shown = {user.username: user.has_app for user in listing.context["cl"].result_list}
    assert shown["improvement_lead"] is True
    assert shown["officer"] is False
