# The session key that marks a single sign-on: see sso.sessions.
from sso.sessions import SIGNED_IN_WITH_PROVIDER

__all__ = ["SIGNED_IN_WITH_PROVIDER"]
