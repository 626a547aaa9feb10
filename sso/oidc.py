"""OpenID Connect with a council's provider: discovery, the authorization request, the code
exchange and the ID token's checks. Protocol only: who the person is, is sso.services' question.

Authlib builds the authorization code flow with PKCE (S256) and sends the token request;
joserfc checks the ID token: its signature against the provider's published keys (JWKS), its
issuer, audience, expiry, issue time and nonce. The discovery document and the keys are cached
for a few minutes; keys are fetched afresh once when a token names a key they lack (the provider
rotated its keys).
"""

import hashlib
import time
from dataclasses import dataclass

import requests
from authlib.common.security import generate_token
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from django.core.cache import cache
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from sso import secrets

SCOPES = "openid email profile"
# The clocks of the provider and this server may differ by this much.
LEEWAY_SECONDS = 120
CACHE_SECONDS = 300
TIMEOUT_SECONDS = 10
# Asymmetric only: a symmetric ("HS256") token would be signed with the client secret, and
# "none" is no signature at all.
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384"]


class OidcError(Exception):
    pass


class ProviderUnavailable(OidcError):
    """The provider could not be reached, answered with nonsense, or is set up wrongly here."""


class TokenInvalid(OidcError):
    """The provider answered, but its ID token must not be believed."""


class AuthorizationDenied(OidcError):
    """The provider sent the person back with an error instead of a code."""


@dataclass(frozen=True)
class Endpoints:
    authorization: str
    token: str
    jwks: str
    # client_secret_basic is OpenID Connect's default; a provider that lists only
    # client_secret_post gets that.
    client_auth: str = "client_secret_basic"


@dataclass(frozen=True)
class AuthorizationRequest:
    url: str
    state: str
    nonce: str
    code_verifier: str


def discovery_url(issuer: str) -> str:
    return issuer.rstrip("/") + "/.well-known/openid-configuration"


def _cache_key(kind: str, url: str) -> str:
    return f"sso:{kind}:{hashlib.sha256(url.encode()).hexdigest()}"


def _get_json(url: str) -> dict:
    try:
        response = requests.get(url, timeout=TIMEOUT_SECONDS)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(f"{url}: {error}") from error
    if not isinstance(document, dict):
        raise ProviderUnavailable(f"{url}: not a JSON object")
    return document


def discovery_cache_key(issuer: str) -> str:
    return _cache_key("discovery", issuer)


def endpoints(provider) -> Endpoints:
    key = discovery_cache_key(provider.issuer)
    document = cache.get(key)
    if document is None:
        document = _get_json(discovery_url(provider.issuer))
        # OpenID Connect Discovery 4.3: the document's issuer is exactly the one asked for, or
        # tokens would be checked against an issuer the admin never typed.
        if document.get("issuer") != provider.issuer:
            raise ProviderUnavailable(
                f"discovery names the issuer {document.get('issuer')!r}, "
                f"the provider is set up with {provider.issuer!r}"
            )
        cache.set(key, document, CACHE_SECONDS)
    methods = document.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    try:
        return Endpoints(
            authorization=document["authorization_endpoint"],
            token=document["token_endpoint"],
            jwks=document["jwks_uri"],
            client_auth=(
                "client_secret_post"
                if "client_secret_basic" not in methods and "client_secret_post" in methods
                else "client_secret_basic"
            ),
        )
    except KeyError as error:
        raise ProviderUnavailable(f"discovery document has no {error}") from error


def _session(
    provider, *, redirect_uri: str, client_secret: str | None = None, client_auth=None
) -> OAuth2Session:
    return OAuth2Session(
        client_id=provider.client_id,
        client_secret=client_secret,
        token_endpoint_auth_method=client_auth,
        scope=SCOPES,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        default_timeout=TIMEOUT_SECONDS,
    )


def authorization_request(provider, *, redirect_uri: str, login_hint: str) -> AuthorizationRequest:
    state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
    url, _ = _session(provider, redirect_uri=redirect_uri).create_authorization_url(
        endpoints(provider).authorization,
        state=state,
        code_verifier=verifier,
        nonce=nonce,
        login_hint=login_hint,
    )
    return AuthorizationRequest(url=url, state=state, nonce=nonce, code_verifier=verifier)


def exchange_code(provider, *, code: str, redirect_uri: str, code_verifier: str) -> str:
    """The ID token the token endpoint gives for this code."""
    try:
        client_secret = provider.client_secret()
    except secrets.SecretUnavailable as error:
        raise ProviderUnavailable(f"client secret of {provider}: {error}") from error
    found = endpoints(provider)
    session = _session(
        provider,
        redirect_uri=redirect_uri,
        client_secret=client_secret,
        client_auth=found.client_auth,
    )
    try:
        token = session.fetch_token(
            found.token,
            grant_type="authorization_code",
            code=code,
            code_verifier=code_verifier,
        )
    except OAuthError as error:
        raise ProviderUnavailable(f"token endpoint refused the code: {error}") from error
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(f"token endpoint: {error}") from error
    id_token = token.get("id_token")
    if not id_token:
        raise ProviderUnavailable("token endpoint answered without an ID token")
    return id_token


def _signing_keys(jwks_uri: str, *, fresh: bool = False) -> KeySet:
    key = _cache_key("jwks", jwks_uri)
    document = None if fresh else cache.get(key)
    if document is None:
        document = _get_json(jwks_uri)
        cache.set(key, document, CACHE_SECONDS)
    try:
        return KeySet.import_key_set(document)
    except (JoseError, ValueError, TypeError, KeyError) as error:
        raise ProviderUnavailable(f"{jwks_uri}: unusable keys: {error}") from error


def _decode(id_token: str, jwks_uri: str) -> jwt.Token:
    try:
        return jwt.decode(id_token, _signing_keys(jwks_uri), algorithms=ALGORITHMS)
    except (JoseError, ValueError):
        pass
    try:
        return jwt.decode(id_token, _signing_keys(jwks_uri, fresh=True), algorithms=ALGORITHMS)
    except (JoseError, ValueError) as error:
        raise TokenInvalid(f"signature: {error}") from error


def verified_claims(provider, id_token: str, *, nonce: str, now: float | None = None) -> dict:
    """The ID token's claims, once the token is shown to be this provider's, for this site,
    current, and for this sign-in (OpenID Connect Core 3.1.3.7)."""
    token = _decode(id_token, endpoints(provider).jwks)
    claims = token.claims
    now = int(time.time() if now is None else now)
    registry = jwt.JWTClaimsRegistry(
        now=now,
        leeway=LEEWAY_SECONDS,
        iss={"essential": True, "value": provider.issuer},
        aud={"essential": True, "value": provider.client_id},
        sub={"essential": True},
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(claims)
    except JoseError as error:
        raise TokenInvalid(f"claims: {error}") from error
    try:
        issued_later = int(claims["iat"]) > now + LEEWAY_SECONDS
    except (TypeError, ValueError) as error:
        raise TokenInvalid(f"claims: iat is not a time: {claims['iat']!r}") from error
    if issued_later:
        raise TokenInvalid("claims: issued in the future")
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != provider.client_id:
        raise TokenInvalid("claims: several audiences and this site is not the authorized party")
    return claims
