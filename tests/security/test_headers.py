"""Every response carries the Content-Security-Policy and Permissions-Policy; pages for a
signed-in user and every download say no-store; public static files keep their long cache."""

import base64
import hashlib

import pytest
from django.conf import settings

from tests import factories

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}
FEATURES_OFF = ["camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"]


def sha256(text: str) -> str:
    return f"'sha256-{base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()}'"


def directives(response) -> dict:
    header = response["Content-Security-Policy"]
    parts = [part.strip().split(" ", 1) for part in header.split(";") if part.strip()]
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


def assert_policies(response, *, admin: bool = False) -> None:
    policy = directives(response)
    for name, value in POLICY.items():
        if name == "script-src" and admin:
            continue
        assert policy[name] == value, name
    if admin:
        # The admin's one inline handler, allowed by its hash and nothing wider.
        assert (
            policy["script-src"]
            == f"'self' 'unsafe-hashes' {sha256('onSelectToggleChange(event)')}"
        )
        assert sha256("padding: 0;") in policy["style-src"]
    else:
        assert policy["style-src"] == "'self'"
    header = response["Content-Security-Policy"]
    assert "unsafe-inline" not in header
    assert "unsafe-eval" not in header
    features = dict(f.split("=") for f in response["Permissions-Policy"].split(", "))
    for feature in FEATURES_OFF:
        assert features[feature] == "()", feature


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


@pytest.fixture
def issued_pack(plan, chair):
    board = factories.BoardFactory()
    board.plans.add(plan)
    return factories.PackFactory(plan=plan, board=board)


def test_the_sign_in_page_carries_both_policies(client, db):
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    assert_policies(response)


def test_an_officers_pages_carry_both_policies_and_no_store(client, officer, plan):
    client.force_login(officer)

    for url in ["/", plan.get_absolute_url()]:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert_policies(response)
        assert {"no-store", "private"} <= cache_control(response), url


def test_the_admin_carries_both_policies_and_no_store(client, admin_user):
    client.force_login(admin_user)

    for url in ["/admin/", "/admin/improvement/action/", "/admin/improvement/action/add/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_policies(response, admin=True)
        assert {"no-store", "private"} <= cache_control(response), url


def test_downloads_carry_both_policies_and_no_store(client, chair, improvement_lead, issued_pack):
    client.force_login(chair)
    pdf = client.get(f"/boards/packs/{issued_pack.pk}/pdf/")
    client.force_login(improvement_lead)
    xlsx = client.get(f"{issued_pack.plan.get_absolute_url()}actions.xlsx")
    workbook = client.get(f"{issued_pack.plan.get_absolute_url()}workbook.xlsx")

    for response in (pdf, xlsx, workbook):
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert {"no-store", "private"} <= cache_control(response)
        assert "camera=()" in response["Permissions-Policy"]
    # A file is never a page: its policy allows nothing at all, stricter than the site's.
    assert directives(pdf) == {"default-src": "'none'", "sandbox": ""}
    assert_policies(xlsx)
    assert_policies(workbook)


def test_the_redirect_to_sign_in_carries_both_policies(client, db):
    response = client.get("/")

    assert response.status_code == 302
    assert_policies(response)


def test_static_files_keep_their_public_cache_even_for_a_signed_in_user(client, officer, settings):
    # Production sets a year for the hashed names collectstatic writes; the rule is the same.
    settings.WHITENOISE_MAX_AGE = 31_536_000
    client.force_login(officer)

    response = client.get(f"{settings.STATIC_URL}css/tracker.css")

    assert response.status_code == 200
    assert cache_control(response) == {"max-age=31536000", "public"}


def test_the_session_and_policy_settings_say_what_the_review_asked_for():
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
