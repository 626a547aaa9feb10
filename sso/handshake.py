"""The two ends of a sign-in at a council's provider, in terms of this site's session: where to
send the person (and what to remember), and what to believe of them when they come back."""

import time

from django.urls import reverse
from django.utils.crypto import constant_time_compare

from sso import oidc, refusals, sessions
from sso.models import IdentityProvider
from sso.refusals import Refused


def refusal_for(error: oidc.OidcError, provider) -> Refused:
    if isinstance(error, oidc.TokenInvalid):
        return Refused(refusals.TOKEN_REFUSED, f"{provider}: ID token refused: {error}")
    return Refused(refusals.PROVIDER_UNAVAILABLE, f"{provider}: {error}", status=503)


def begin(request, provider: IdentityProvider, *, email: str, next_url: str) -> str:
    """The provider's authorization URL for this person; the flow is kept in the session."""
    redirect_uri = request.build_absolute_uri(reverse("sso:callback"))
    try:
        auth = oidc.authorization_request(provider, redirect_uri=redirect_uri, login_hint=email)
    except oidc.OidcError as error:
        raise refusal_for(error, provider) from error
    sessions.keep_flow(
        request,
        sessions.Flow(
            provider_id=provider.pk,
            state=auth.state,
            nonce=auth.nonce,
            code_verifier=auth.code_verifier,
            redirect_uri=redirect_uri,
            next=next_url,
            started_at=time.time(),
        ),
    )
    return auth.url


def _provider_answering(flow: sessions.Flow | None, query) -> IdentityProvider:
    # The state ties the answer to the sign-in this browser started: without it anyone could
    # send a victim back here with the attacker's own code and sign them in as the attacker.
    if flow is None or not constant_time_compare(query.get("state", ""), flow.state):
        raise Refused(refusals.FLOW_LOST, "no sign-in started here, or its state differs", 400)
    if flow.expired():
        raise Refused(refusals.FLOW_LOST, "the sign-in was started too long ago", 400)
    provider = IdentityProvider.objects.enabled().filter(pk=flow.provider_id).first()
    if provider is None:
        raise Refused(refusals.PROVIDER_UNAVAILABLE, "provider gone or disabled mid sign-in", 503)
    if query.get("error"):
        error = f"{query.get('error')} {query.get('error_description', '')}".strip()
        raise Refused(refusals.PROVIDER_SAID_NO, f"{provider} answered: {error}")
    if not query.get("code"):
        raise Refused(refusals.FLOW_LOST, f"{provider} answered with no code", 400)
    return provider


def finish(flow: sessions.Flow | None, query) -> tuple[IdentityProvider, dict]:
    """The provider, and the ID token's claims once every check has passed."""
    provider = _provider_answering(flow, query)
    try:
        id_token = oidc.exchange_code(
            provider,
            code=query["code"],
            redirect_uri=flow.redirect_uri,
            code_verifier=flow.code_verifier,
        )
        return provider, oidc.verified_claims(provider, id_token, nonce=flow.nonce)
    except oidc.OidcError as error:
        raise refusal_for(error, provider) from error
