"""A council sign-in is refused, with the sign-in page saying why, whenever the provider's answer
must not be believed or the person may not sign in here: each refusal signs nobody in, makes no
account, and logs its reason."""

import logging
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.html import escape

from improvement.models import PlanRole
from sso import refusals
from sso.models import Identity
from tests import factories
from tests.sso.provider import DELETE, follow_to_provider_and_back, new_key

User = get_user_model()
JO = "jo@anytown.gov.uk"


def sign_in(client, email=JO):
    started = client.post(reverse("sso:start"), {"email": email})
    return follow_to_provider_and_back(client, started)


def assert_refused(response, message, *, status=403):
    page = response.content.decode()
    assert response.status_code == status
    assert '<h1 class="govuk-heading-l">Sign in</h1>' in page
    assert "There is a problem" in page
    assert escape(message) in page
    assert "Traceback" not in page
    assert "_auth_user_id" not in response.wsgi_request.session


@pytest.fixture
def jo(anytown_idp, anytown_provider):
    anytown_idp.sign_in_as(sub="jo-1", email=JO)
    return anytown_idp


@pytest.mark.parametrize(
    ("changes", "logged"),
    [
        ({"aud": "someone-else"}, "'aud'"),
        ({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}, "expired"),
        ({"iss": "https://login.example/not-anytown"}, "'iss'"),
        ({"nonce": "a-nonce-from-another-sign-in"}, "'nonce'"),
        ({"nonce": DELETE}, "'nonce'"),
        ({"iat": int(time.time()) + 3600}, "future"),
        ({"iat": "yesterday"}, "'iat'"),
        ({"sub": DELETE}, "'sub'"),
    ],
    ids=[
        "wrong-audience",
        "expired",
        "wrong-issuer",
        "wrong-nonce",
        "no-nonce",
        "issued-later",
        "iat-not-a-time",
        "no-subject",
    ],
)
def test_an_id_token_that_is_not_for_this_sign_in_is_refused(client, jo, caplog, changes, logged):
    jo.token_changes = changes

    with caplog.at_level(logging.INFO, logger="sso"):
        response = sign_in(client)

    assert_refused(response, refusals.TOKEN_REFUSED)
    assert not User.objects.exists()
    reasons = [r.getMessage() for r in caplog.records if r.name.startswith("sso")]
    assert len(reasons) == 1
    assert logged in reasons[0]


def test_the_same_token_for_this_sign_in_is_accepted(client, jo):
    """The refusals above share this setup: only their one change refuses them."""
    response = sign_in(client)

    assert response.status_code == 302
    assert User.objects.get().username == JO


def test_a_token_signed_with_another_key_is_refused(client, jo):
    jo.forge_with = new_key("key-1")  # the provider's key id, someone else's key

    assert_refused(sign_in(client), refusals.TOKEN_REFUSED)
    assert not User.objects.exists()


def test_a_provider_that_rotated_its_keys_is_still_believed(client, jo):
    sign_in(client)  # the old key is now cached
    client.logout()
    jo.key = new_key("key-2")

    assert sign_in(client).status_code == 302


def test_an_unverified_address_is_refused(client, jo):
    jo.sign_in_as(sub="jo-1", email=JO, email_verified=False)

    assert_refused(sign_in(client), refusals.EMAIL_UNVERIFIED % {"email": JO})
    assert not User.objects.exists()
    assert not Identity.objects.exists()


def test_an_address_that_does_not_say_whether_it_is_verified_is_refused(client, jo):
    jo.token_changes = {"email_verified": DELETE}

    assert_refused(sign_in(client), refusals.EMAIL_UNVERIFIED % {"email": JO})


def test_entra_ids_verified_domain_owner_claim_counts_as_verified(client, jo):
    jo.token_changes = {"email_verified": DELETE, "xms_edov": True}

    assert sign_in(client).status_code == 302
    assert User.objects.get().email == JO


def test_an_answer_with_no_address_is_refused(client, jo):
    jo.token_changes = {"email": DELETE}

    assert_refused(sign_in(client), refusals.NO_EMAIL)


def test_an_address_outside_the_providers_domains_is_refused(client, jo):
    jo.sign_in_as(sub="jo-1", email="jo@gmail.example")

    assert_refused(
        sign_in(client),
        refusals.OUTSIDE_DOMAINS
        % {"email": "jo@gmail.example", "provider": "Anytown Council account"},
    )
    assert not User.objects.exists()


def test_one_councils_provider_never_opens_another_councils_plans(
    client, anytown_provider, otherton_idp, otherton_provider
):
    plan = factories.PlanFactory(title="Anytown improvement plan")
    lead = factories.UserFactory(username="ilead", email="lead@anytown.gov.uk")
    factories.PlanRoleFactory(plan=plan, user=lead, role=PlanRole.Role.IMPROVEMENT_LEAD)
    plan_url = reverse("improvement:plan", kwargs={"slug": plan.slug})

    # Otherton's provider vouches for Anytown's improvement lead: refused, whatever it says.
    otherton_idp.sign_in_as(sub="lead", email="lead@anytown.gov.uk")
    started = client.post(reverse("sso:start"), {"email": "sam@otherton.gov.uk"})
    refused = follow_to_provider_and_back(client, started)
    # And its own person signs in, and finds nothing of Anytown's.
    otherton_idp.sign_in_as(sub="sam", email="sam@otherton.gov.uk")
    started = client.post(reverse("sso:start"), {"email": "sam@otherton.gov.uk"})
    follow_to_provider_and_back(client, started)

    assert refused.status_code == 403
    assert not lead.identities.exists()
    sam = User.objects.get(username="sam@otherton.gov.uk")
    assert client.session["_auth_user_id"] == str(sam.pk)
    assert client.get(plan_url).status_code == 404
    assert plan.title not in client.get(reverse("improvement:plans")).content.decode()


def test_an_address_typed_in_no_councils_domain_is_sent_back_to_passwords(client, anytown_provider):
    response = client.post(reverse("sso:start"), {"email": "jo@example.org"})

    assert_refused(response, refusals.NO_PROVIDER % {"domain": "example.org"}, status=400)
    assert "No council sign-in is set up for example.org: sign in with your password" in (
        response.content.decode()
    )
    assert 'value="jo@example.org"' in response.content.decode()


def test_no_address_typed_asks_for_one(client, anytown_provider):
    assert_refused(
        client.post(reverse("sso:start"), {"email": ""}), refusals.ENTER_EMAIL, status=400
    )


def test_an_answer_whose_state_differs_is_refused(client, jo):
    started = client.post(reverse("sso:start"), {"email": JO})
    at_provider = requests.get(started["Location"], allow_redirects=False, timeout=10)
    back = urlsplit(at_provider.headers["Location"])
    query = {name: values[0] for name, values in parse_qs(back.query).items()}

    response = client.get(f"{back.path}?{urlencode({**query, 'state': 'guessed'})}")

    assert_refused(response, refusals.FLOW_LOST, status=400)
    assert jo.token_requests == 0  # the code was never exchanged
    assert not User.objects.exists()


def test_an_answer_to_a_sign_in_another_browser_started_is_refused(client, jo):
    """Login CSRF: someone sends their own code to a victim's browser."""
    other_browser = client.__class__()
    started = other_browser.post(reverse("sso:start"), {"email": JO})
    at_provider = requests.get(started["Location"], allow_redirects=False, timeout=10)
    back = urlsplit(at_provider.headers["Location"])

    assert_refused(client.get(f"{back.path}?{back.query}"), refusals.FLOW_LOST, status=400)


def test_an_answer_used_twice_is_refused_the_second_time(client, jo):
    started = client.post(reverse("sso:start"), {"email": JO})
    at_provider = requests.get(started["Location"], allow_redirects=False, timeout=10)
    back = urlsplit(at_provider.headers["Location"])
    assert client.get(f"{back.path}?{back.query}").status_code == 302
    client.logout()

    assert_refused(client.get(f"{back.path}?{back.query}"), refusals.FLOW_LOST, status=400)


def test_a_provider_that_says_no_is_refused(client, jo):
    jo.deny = True

    assert_refused(sign_in(client), refusals.PROVIDER_SAID_NO)


def test_an_inactive_account_is_refused(client, jo):
    factories.UserFactory(username="jo", email=JO, is_active=False)

    assert_refused(sign_in(client), refusals.INACTIVE)
    assert not Identity.objects.exists()


def test_an_inactive_account_is_refused_when_found_by_subject(client, jo):
    sign_in(client)
    client.logout()
    User.objects.update(is_active=False)

    assert_refused(sign_in(client), refusals.INACTIVE)


def test_an_installation_administrator_signs_in_only_with_their_password(client, jo):
    factories.UserFactory(username="admin", email=JO, is_staff=True, is_superuser=True)

    assert_refused(sign_in(client), refusals.INSTALLATION_ADMIN)
    assert not Identity.objects.exists()


def test_two_active_accounts_with_the_address_are_refused(client, jo):
    factories.UserFactory(username="jo1", email=JO)
    factories.UserFactory(username="jo2", email=JO.upper())

    assert_refused(sign_in(client), refusals.AMBIGUOUS % {"email": JO})


def test_a_wrong_client_secret_is_refused_without_a_traceback(client, jo, anytown_provider):
    anytown_provider.store_secret("not the secret")
    anytown_provider.save()

    assert_refused(sign_in(client), refusals.PROVIDER_UNAVAILABLE, status=503)


def test_a_provider_that_cannot_be_reached_is_refused_without_a_traceback(client, jo):
    jo.stop()

    response = client.post(reverse("sso:start"), {"email": JO})

    assert_refused(response, refusals.PROVIDER_UNAVAILABLE, status=503)


def test_a_refused_callback_without_any_sign_in_is_a_clear_page(client, db):
    assert_refused(client.get(reverse("sso:callback")), refusals.FLOW_LOST, status=400)


def test_refused_council_sign_ins_never_lock_the_password_account(client, jo, settings):
    settings.AXES_FAILURE_LIMIT = 3
    factories.UserFactory(username=JO, email="jo.old@anytown.gov.uk")
    jo.sign_in_as(sub="jo-1", email=JO, email_verified=False)

    for _ in range(5):
        assert sign_in(client).status_code == 403

    assert not AccessAttempt.objects.exists()
    signed_in = client.post(
        reverse("login"), {"username": JO, "password": "correct horse battery staple"}
    )
    assert signed_in.status_code == 302
    assert client.session["_auth_user_id"]


def test_a_provider_disabled_during_a_sign_in_signs_nobody_in(client, jo, anytown_provider):
    started = client.post(reverse("sso:start"), {"email": JO})
    anytown_provider.enabled = False
    anytown_provider.save()

    response = follow_to_provider_and_back(client, started)

    assert_refused(response, refusals.PROVIDER_UNAVAILABLE, status=503)
    assert jo.token_requests == 0
