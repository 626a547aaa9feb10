"""An installation administrator connects a council's provider in the admin. The client secret
is typed once and kept encrypted, or named as an environment variable; it is never shown again.
Nobody else reaches these pages."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from sso import secrets
from sso.admin import SECRET_IS_SET
from sso.models import BOTH_SECRETS, ISSUER_NOT_HTTPS, NO_SECRET, IdentityProvider
from tests import factories
from tests.adminforms import posted_form

SECRET = "Qx8~secret-value-from-the-portal"
ADD = reverse("admin:sso_identityprovider_add")


def _change_url(provider):
    return reverse("admin:sso_identityprovider_change", args=[provider.pk])


@pytest.fixture
def superuser(client, db):
    user = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def _new_provider(**changes):
    return {
        "authority": factories.AuthorityFactory().pk,
        "name": "Anytown Council account",
        "issuer": "https://login.microsoftonline.com/1111-2222/v2.0",
        "client_id": "3333-4444",
        "client_secret": SECRET,
        "client_secret_env": "",
        "email_domains": "anytown.gov.uk\nAnytown.org.uk",
        "enabled": "on",
        "identities-TOTAL_FORMS": "0",
        "identities-INITIAL_FORMS": "0",
        **changes,
    }


def test_a_typed_secret_is_stored_encrypted_and_never_shown_again(client, superuser):
    response = client.post(ADD, _new_provider())

    assert response.status_code == 302
    provider = IdentityProvider.objects.get()
    assert SECRET not in provider.client_secret_encrypted
    assert provider.client_secret() == SECRET
    assert provider.domains() == ["anytown.gov.uk", "anytown.org.uk"]
    page = client.get(_change_url(provider)).content.decode()
    assert SECRET not in page
    assert provider.client_secret_encrypted not in page
    assert SECRET_IS_SET in page


def test_saving_without_typing_the_secret_again_keeps_it(client, superuser):
    client.post(ADD, _new_provider())
    provider = IdentityProvider.objects.get()
    form = posted_form(client.get(_change_url(provider)))

    response = client.post(_change_url(provider), {**form, "client_id": "5555"})

    assert response.status_code == 302
    provider.refresh_from_db()
    assert (provider.client_id, provider.client_secret()) == ("5555", SECRET)


def test_a_secret_named_in_the_environment_replaces_the_stored_one(client, superuser, monkeypatch):
    monkeypatch.setenv("ANYTOWN_SSO_SECRET", "from the environment")
    client.post(ADD, _new_provider())
    provider = IdentityProvider.objects.get()
    form = posted_form(client.get(_change_url(provider)))

    client.post(_change_url(provider), {**form, "client_secret_env": "ANYTOWN_SSO_SECRET"})

    provider.refresh_from_db()
    assert provider.client_secret_encrypted == ""
    assert provider.client_secret() == "from the environment"


@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        ({"client_secret": ""}, "client_secret_env", NO_SECRET),
        ({"client_secret_env": "ANYTOWN_SSO_SECRET"}, "client_secret", BOTH_SECRETS),
        ({"issuer": "http://login.example/anytown"}, "issuer", ISSUER_NOT_HTTPS),
        ({"email_domains": " , "}, "email_domains", "Name at least one e-mail domain."),
    ],
    ids=["no-secret", "both-secrets", "plain-http", "no-domain"],
)
def test_a_provider_that_could_not_sign_anyone_in_safely_is_refused(
    client, superuser, changes, field, error
):
    response = client.post(ADD, _new_provider(**changes))

    assert response.status_code == 200
    assert error in response.context["adminform"].form.errors[field]
    assert not IdentityProvider.objects.exists()


def test_a_domain_belongs_to_one_provider_only(client, superuser):
    otherton = factories.AuthorityFactory(name="Otherton Council")
    factories.IdentityProviderFactory(authority=otherton, email_domains="anytown.gov.uk")

    response = client.post(ADD, _new_provider())

    errors = response.context["adminform"].form.errors["email_domains"]
    assert errors == ["anytown.gov.uk already belongs to the provider Otherton Council account."]


def test_staff_with_every_sso_permission_but_not_superusers_are_refused(client, db):
    staff = factories.UserFactory(username="council_admin", is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="sso"))
    provider = factories.IdentityProviderFactory()
    client.force_login(staff)

    assert client.get(ADD).status_code == 403
    assert client.get(_change_url(provider)).status_code == 403
    assert client.post(ADD, _new_provider(name="Another")).status_code == 403
    assert IdentityProvider.objects.count() == 1


def test_a_changed_key_makes_stored_secrets_unreadable_until_typed_again(settings, db):
    provider = factories.IdentityProviderFactory(secret=SECRET)
    settings.SSO_SECRET_KEY = "a new key after a rotation"

    with pytest.raises(secrets.SecretUnavailable, match="type it in again"):
        provider.client_secret()
