"""Accounts that end: a deactivated user's sessions end at once, on every page and in the admin,
and what they led stays with their lead."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client

from improvement import leavers, pending_sign_in
from improvement.admin.users import SIGNED_OUT
from tests import factories
from tests.adminforms import posted_form
from tests.two_factor import app_code, give_app

PASSWORD = "correct horse battery staple"


def password_session(username) -> Client:
    browser = Client()
    response = browser.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    assert SESSION_KEY in browser.session
    return browser


def forced_session(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def user_page_data(admin, user) -> dict:
    """The admin's user page as posted: the join date goes as its date and time boxes."""
    data = posted_form(admin.get(f"/admin/auth/user/{user.pk}/change/"))
    data.pop("date_joined")
    data["date_joined_0"] = user.date_joined.strftime("%d/%m/%Y")
    data["date_joined_1"] = user.date_joined.strftime("%H:%M:%S")
    return data


def sessions_of(user) -> int:
    return sum(s.get_decoded().get(SESSION_KEY) == str(user.pk) for s in Session.objects.iterator())


@pytest.mark.parametrize("how", ["password", "force_login"])
def test_an_officer_deactivated_anywhere_is_signed_out_on_their_next_request(officer, plan, how):
    browser = password_session("officer") if how == "password" else forced_session(officer)
    assert browser.get("/").status_code == 200

    # As the admin's change form or a script would: no service, only the flag.
    type(officer).objects.filter(pk=officer.pk).update(is_active=False)

    for page in ("/", f"/plans/{plan.slug}/", "/accounts/security/"):
        response = browser.get(page)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    assert browser.post("/notifications/settings/", {})["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("how", ["password and code", "force_login"])
def test_an_administrator_deactivated_is_signed_out_of_the_admin(client, admin_user, how):
    if how == "force_login":
        browser = forced_session(admin_user)
    else:
        admin_user.set_password(PASSWORD)
        admin_user.save()
        device = give_app(admin_user)
        browser = Client()
        browser.post("/accounts/login/", {"username": "admin", "password": PASSWORD})
        browser.post("/accounts/login/code/", {"code": app_code(device)})
    assert browser.get("/admin/").status_code == 200

    type(admin_user).objects.filter(pk=admin_user.pk).update(is_active=False)

    assert browser.get("/admin/")["Location"] == "/admin/login/?next=/admin/"
    assert browser.get("/admin/auth/user/").status_code == 302
    assert browser.get("/admin/login/")["Location"] == "/accounts/login/?next=%2Fadmin%2F"


def test_deactivating_ends_every_session_of_the_user_and_no_one_elses(officer, other_officer):
    laptop, phone = password_session("officer"), forced_session(officer)
    colleague = forced_session(other_officer)
    assert sessions_of(officer) == 2

    ended = leavers.deactivate_and_sign_out(user=officer)

    assert ended == 2
    assert sessions_of(officer) == 0
    officer.refresh_from_db()
    assert officer.is_active is False
    # Turned back on, the old sessions stay ended: they were deleted, not only refused.
    officer.is_active = True
    officer.save()
    assert laptop.get("/").status_code == 302
    assert phone.get("/").status_code == 302
    assert colleague.get("/").status_code == 200


def test_deactivating_ends_a_sign_in_waiting_for_its_code(improvement_lead):
    give_app(improvement_lead)
    browser = Client()
    asked = browser.post("/accounts/login/", {"username": "improvement_lead", "password": PASSWORD})
    assert asked["Location"] == "/accounts/login/code/"
    assert pending_sign_in.SESSION_KEY in browser.session

    assert leavers.deactivate_and_sign_out(user=improvement_lead) == 1

    assert browser.get("/accounts/login/code/")["Location"] == "/accounts/login/"


def test_the_admins_deactivate_and_sign_out_action_ends_the_officers_sessions(
    officer, other_officer, admin_user
):
    officer_browser = forced_session(officer)
    admin = forced_session(admin_user)

    done = admin.post(
        "/admin/auth/user/",
        {"action": "deactivate_and_sign_out", "_selected_action": [officer.pk]},
        follow=True,
    )

    assert SIGNED_OUT % {"count": 1} in done.content.decode()
    officer.refresh_from_db()
    other_officer.refresh_from_db()
    assert officer.is_active is False
    assert other_officer.is_active is True
    assert officer_browser.get("/").status_code == 302
    assert sessions_of(officer) == 0
    assert LogEntry.objects.get(object_id=str(officer.pk)).change_message == (
        "Deactivated and signed out."
    )


def test_unticking_active_on_the_admins_user_page_ends_the_officers_sessions(officer, admin_user):
    officer_browser = forced_session(officer)
    admin = forced_session(admin_user)
    data = user_page_data(admin, officer)
    data.pop("is_active")

    saved = admin.post(f"/admin/auth/user/{officer.pk}/change/", data)

    assert saved.status_code == 302
    officer.refresh_from_db()
    assert officer.is_active is False
    assert sessions_of(officer) == 0
    assert officer_browser.get("/").status_code == 302


def test_saving_an_active_user_in_the_admin_leaves_their_sessions(officer, admin_user):
    officer_browser = forced_session(officer)
    admin = forced_session(admin_user)
    data = user_page_data(admin, officer)
    data["first_name"] = "Olivia"

    assert admin.post(f"/admin/auth/user/{officer.pk}/change/", data).status_code == 302

    assert sessions_of(officer) == 1
    assert officer_browser.get("/").status_code == 200


def test_a_leavers_actions_stay_with_their_lead_for_the_colleague_who_stays(
    officer, officer_lead, plan
):
    colleague = factories.UserFactory(username="colleague")
    officer_lead.users.add(colleague)
    action = factories.ActionFactory(
        plan=plan, reference="SEP16-4", text="Audit case files", lead=officer_lead
    )

    leavers.deactivate_and_sign_out(user=officer)

    action.refresh_from_db()
    assert action.lead == officer_lead
    browser = forced_session(colleague)
    mine = browser.get("/").content.decode()
    assert "SEP16-4" in mine
    assert "Audit case files" in mine
    assert browser.get(f"/plans/{plan.slug}/actions/SEP16-4/update/").status_code == 200
    # The plan's pages still name the lead: nothing of it was the leaver's.
    for page in (f"/plans/{plan.slug}/", f"/plans/{plan.slug}/actions/SEP16-4/"):
        assert "Head of Safeguarding" in browser.get(page).content.decode()
