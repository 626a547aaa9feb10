"""Sessions end after SESSION_IDLE_HOURS without a request (to the minute: the limit is written
at most once a minute), and a new password ends every other session of that user."""

import datetime

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from config.middleware import IdleSessionClock

OLD = "correct horse battery staple"
NEW = "a new and much longer passphrase 42"


def session_row(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def test_the_session_cookie_is_http_only_lax_and_lasts_the_idle_limit(client, officer):
    response = client.post("/accounts/login/", {"username": "officer", "password": OLD})

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == settings.SESSION_IDLE_HOURS * 3600 == 8 * 3600


def test_a_session_idle_past_the_limit_signs_the_officer_out(client, officer):
    client.force_login(officer)
    assert client.get("/").status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_each_request_moves_the_idle_limit_on(client, officer):
    client.force_login(officer)
    soon = timezone.now() + datetime.timedelta(minutes=1)
    Session.objects.filter(session_key=client.session.session_key).update(expire_date=soon)

    assert client.get("/").status_code == 200

    expires = session_row(client).expire_date
    limit = datetime.timedelta(hours=settings.SESSION_IDLE_HOURS)
    assert timezone.now() + limit - datetime.timedelta(minutes=1) < expires
    assert expires <= timezone.now() + limit


def test_changing_a_password_on_the_site_ends_the_officers_other_sessions(officer):
    laptop, phone = Client(), Client()
    laptop.force_login(officer)
    phone.force_login(officer)
    assert phone.get("/").status_code == 200

    response = laptop.post(
        "/accounts/password_change/",
        {"old_password": OLD, "new_password1": NEW, "new_password2": NEW},
    )

    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password(NEW)
    assert laptop.get("/").status_code == 200
    signed_out = phone.get("/")
    assert signed_out.status_code == 302
    assert signed_out["Location"].startswith("/accounts/login/")


def test_an_administrator_setting_a_password_ends_the_officers_sessions(officer, admin_user):
    officer_client, admin_client = Client(), Client()
    officer_client.force_login(officer)
    admin_client.force_login(admin_user)
    assert officer_client.get("/").status_code == 200

    response = admin_client.post(
        f"/admin/auth/user/{officer.pk}/password/",
        {"password1": NEW, "password2": NEW, "usable_password": "true"},
    )

    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password(NEW)
    assert officer_client.get("/").status_code == 302
    assert admin_client.get("/admin/").status_code == 200


def _session_writes(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return sum('UPDATE "django_session"' in query["sql"] for query in captured)


def test_the_idle_limit_is_written_at_most_once_a_minute(client, officer):
    client.force_login(officer)
    assert _session_writes(client, "/") == 1
    first = session_row(client).expire_date

    assert _session_writes(client, "/") == 0
    assert session_row(client).expire_date == first

    session = client.session
    session[IdleSessionClock.KEY] -= settings.SESSION_IDLE_CLOCK_SECONDS
    session.save()
    assert _session_writes(client, "/") == 1
