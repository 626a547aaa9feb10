"""What single sign-on keeps in the session.

SIGNED_IN_WITH_PROVIDER holds the provider's id once a person has signed in through their
council: the council's provider asked for its own factors, so the site asks for no second one.
The flow keeps what the callback must check (state, nonce, PKCE verifier) and where to go after,
for one sign-in at a time; the callback takes it out, whatever happens next.
"""

import time
from dataclasses import asdict, dataclass

SIGNED_IN_WITH_PROVIDER = "sso_signed_in_with_provider"
_FLOW = "sso_flow"
# Longer than anyone takes at their council's sign-in page; an older flow is started again.
FLOW_SECONDS = 15 * 60


@dataclass(frozen=True)
class Flow:
    provider_id: int
    state: str
    nonce: str
    code_verifier: str
    redirect_uri: str
    next: str
    started_at: float

    def expired(self) -> bool:
        return time.time() - self.started_at > FLOW_SECONDS


def keep_flow(request, flow: Flow) -> None:
    request.session[_FLOW] = asdict(flow)


def take_flow(request) -> Flow | None:
    stored = request.session.pop(_FLOW, None)
    if not isinstance(stored, dict):
        return None
    try:
        return Flow(**stored)
    except TypeError:
        return None


def mark_signed_in(request, provider_id: int) -> None:
    request.session[SIGNED_IN_WITH_PROVIDER] = provider_id


def signed_in_with(request) -> int | None:
    """The provider this session signed in through, or None for a password sign-in."""
    return request.session.get(SIGNED_IN_WITH_PROVIDER)
