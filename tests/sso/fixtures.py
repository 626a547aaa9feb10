"""Two councils, each with its own identity provider running on a loopback port. Imported by
tests/sso/conftest.py and by the browser test that signs in through a provider."""

import pytest
from django.core.cache import cache

from tests import factories
from tests.sso.provider import Provider


@pytest.fixture(autouse=True)
def fresh_discovery():
    # Discovery documents and keys are cached by issuer; each test's providers are new.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def start_provider():
    started = []

    def start(**kwargs) -> Provider:
        provider = Provider(**kwargs).start()
        started.append(provider)
        return provider

    yield start
    for provider in started:
        provider.stop()


def connect(server: Provider, *, authority, domains: str):
    """The council's admin entering its provider's values, as docs/sign-in.md says."""
    return factories.IdentityProviderFactory(
        authority=authority,
        issuer=server.issuer,
        client_id=server.client_id,
        secret=server.client_secret,
        email_domains=domains,
    )


@pytest.fixture
def anytown_idp(start_provider):
    return start_provider(client_id="anytown-tracker")


@pytest.fixture
def anytown_provider(db, anytown_idp):
    return connect(anytown_idp, authority=factories.AuthorityFactory(), domains="anytown.gov.uk")


@pytest.fixture
def otherton_idp(start_provider):
    return start_provider(client_id="otherton-tracker")


@pytest.fixture
def otherton_provider(db, otherton_idp):
    otherton = factories.AuthorityFactory(name="Otherton Council")
    return connect(otherton_idp, authority=otherton, domains="otherton.gov.uk")
