"""A council's people sign in with their council account: at first sign-in an account with no
role is made for them; after that they are found by their provider's subject; an account an
administrator made earlier is found by its e-mail address."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

import sso
from improvement.models import PlanRole
from sso.models import Identity
from tests import factories
from tests.sso.provider import follow_to_provider_and_back
from tests.two_factor import give_app

User = get_user_model()


def sign_in(client, email, *, next_url=""):
    started = client.post(reverse("sso:start"), {"email": email, "next": next_url})
    return follow_to_provider_and_back(client, started)


def signed_in_user(client):
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def test_the_sign_in_page_offers_the_council_sign_in_once_a_council_has_a_provider(
    client, db, anytown_provider
):
    page = client.get(reverse("login")).content.decode()

    assert "Sign in with your council account" in page
    assert f'action="{reverse("sso:start")}"' in page
    assert '<label class="govuk-label" for="sso_email">Work e-mail address</label>' in page


def test_without_any_provider_the_sign_in_page_offers_passwords_only(client, db):
    page = client.get(reverse("login")).content.decode()

    assert "Sign in with your council account" not in page


def test_first_sign_in_makes_an_account_with_no_role_that_sees_no_plans(
    client, anytown_idp, anytown_provider
):
    plan = factories.PlanFactory(title="Anytown improvement plan")
    anytown_idp.sign_in_as(
        sub="a1b2", email="Jo.Bloggs@Anytown.gov.uk", given_name="Jo", family_name="Bloggs"
    )

    response = sign_in(client, "jo.bloggs@anytown.gov.uk")

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:landing")
    user = signed_in_user(client)
    assert user.username == "jo.bloggs@anytown.gov.uk"
    assert user.email == "Jo.Bloggs@Anytown.gov.uk"
    assert (user.first_name, user.last_name) == ("Jo", "Bloggs")
    assert not user.has_usable_password()
    assert not PlanRole.objects.filter(user=user).exists()
    assert Identity.objects.get(provider=anytown_provider, subject="a1b2").user == user
    assert client.session[sso.SIGNED_IN_WITH_PROVIDER] == anytown_provider.pk
    plans = client.get(reverse("improvement:plans")).content.decode()
    assert plan.title not in plans
    assert client.get(reverse("improvement:plan", kwargs={"slug": plan.slug})).status_code == 404


def test_the_provider_is_asked_with_pkce_state_nonce_and_the_typed_address(
    client, anytown_idp, anytown_provider
):
    anytown_idp.sign_in_as(sub="a1b2", email="jo@anytown.gov.uk")

    started = client.post(reverse("sso:start"), {"email": "jo@anytown.gov.uk"})

    target = urlsplit(started["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{anytown_idp.issuer}/authorize"
    query = {name: values[0] for name, values in parse_qs(target.query).items()}
    assert query["client_id"] == "anytown-tracker"
    assert query["response_type"] == "code"
    assert query["scope"] == "openid email profile"
    assert query["code_challenge_method"] == "S256"
    assert query["login_hint"] == "jo@anytown.gov.uk"
    assert query["redirect_uri"] == "http://testserver/sso/callback/"
    assert len(query["state"]) >= 32
    assert len(query["nonce"]) >= 32


def test_a_returning_person_is_found_by_subject_even_after_their_address_changes(
    client, anytown_idp, anytown_provider
):
    anytown_idp.sign_in_as(sub="a1b2", email="jo.bloggs@anytown.gov.uk")
    sign_in(client, "jo.bloggs@anytown.gov.uk")
    first = signed_in_user(client)
    client.logout()

    anytown_idp.sign_in_as(sub="a1b2", email="jo.smith@anytown.gov.uk")
    response = sign_in(client, "jo.smith@anytown.gov.uk")

    assert response.status_code == 302
    assert signed_in_user(client) == first
    first.refresh_from_db()
    assert first.email == "jo.smith@anytown.gov.uk"
    assert User.objects.count() == 1
    assert Identity.objects.get().last_signed_in_at is not None


def test_an_account_an_administrator_made_is_matched_by_its_address_and_keeps_its_roles(
    client, anytown_idp, anytown_provider
):
    plan = factories.PlanFactory(title="Anytown improvement plan")
    lead = factories.UserFactory(username="ilead", email="Improvement.Lead@anytown.gov.uk")
    factories.PlanRoleFactory(plan=plan, user=lead, role=PlanRole.Role.IMPROVEMENT_LEAD)
    give_app(lead)  # their password sign-in asks for a code; their council's does not
    anytown_idp.sign_in_as(sub="x9", email="improvement.lead@anytown.gov.uk")

    response = sign_in(client, "improvement.lead@anytown.gov.uk")

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:landing")
    assert signed_in_user(client) == lead
    assert Identity.objects.get(subject="x9").user == lead
    assert client.get(reverse("improvement:plan", kwargs={"slug": plan.slug})).status_code == 200
    lead.refresh_from_db()
    assert lead.check_password("correct horse battery staple")  # their password still works


def test_next_is_carried_through_the_provider_and_followed_after_sign_in(
    client, anytown_idp, anytown_provider
):
    anytown_idp.sign_in_as(sub="a1b2", email="jo@anytown.gov.uk")

    response = sign_in(client, "jo@anytown.gov.uk", next_url="/plans/")

    assert response["Location"] == "/plans/"


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/plans/"])
def test_a_next_off_the_site_is_dropped(client, anytown_idp, anytown_provider, next_url):
    anytown_idp.sign_in_as(sub="a1b2", email="jo@anytown.gov.uk")

    response = sign_in(client, "jo@anytown.gov.uk", next_url=next_url)

    assert response["Location"] == reverse("dashboard:landing")


def test_an_invitation_link_starts_the_council_sign_in_by_get(
    client, anytown_idp, anytown_provider
):
    anytown_idp.sign_in_as(sub="a1b2", email="jo@anytown.gov.uk")

    started = client.get(reverse("sso:start"), {"email": "jo@anytown.gov.uk", "next": "/plans/"})
    response = follow_to_provider_and_back(client, started)

    assert response["Location"] == "/plans/"
    assert signed_in_user(client).username == "jo@anytown.gov.uk"


def test_signing_out_ends_the_session_and_pages_ask_for_sign_in_again(
    client, anytown_idp, anytown_provider
):
    anytown_idp.sign_in_as(sub="a1b2", email="jo@anytown.gov.uk")
    sign_in(client, "jo@anytown.gov.uk")
    assert client.get(reverse("improvement:plans")).status_code == 200

    client.post(reverse("logout"))

    assert sso.SIGNED_IN_WITH_PROVIDER not in client.session
    response = client.get(reverse("improvement:plans"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_account_made_inactive_is_signed_out_at_its_next_request(
    client, anytown_idp, anytown_provider
):
    anytown_idp.sign_in_as(sub="a1b2", email="jo@anytown.gov.uk")
    sign_in(client, "jo@anytown.gov.uk")
    User.objects.filter(username="jo@anytown.gov.uk").update(is_active=False)

    response = client.get(reverse("improvement:plans"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_sign_in_page_lets_its_council_form_go_on_to_the_providers(
    client, anytown_idp, anytown_provider
):
    policy = client.get(reverse("login"))["Content-Security-Policy"]

    form_action = next(d for d in policy.split(";") if d.strip().startswith("form-action"))
    assert form_action.split() == ["form-action", "'self'", anytown_idp.issuer]
    other_page = client.get(reverse("password_reset"))["Content-Security-Policy"]
    assert anytown_idp.issuer not in other_page


@pytest.mark.parametrize(
    ("offered", "used"),
    [
        (["client_secret_basic", "client_secret_post"], "client_secret_basic"),
        (["client_secret_post"], "client_secret_post"),
    ],
)
def test_the_client_secret_goes_as_the_provider_asks(
    client, anytown_idp, anytown_provider, offered, used
):
    anytown_idp.client_auth_methods = offered
    anytown_idp.sign_in_as(sub="a1b2", email="jo@anytown.gov.uk")

    assert sign_in(client, "jo@anytown.gov.uk").status_code == 302
    assert anytown_idp.client_auth_seen == [used]
