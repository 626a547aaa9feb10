"""The sign-in page's council form is answered by a redirect to the council's provider, and
browsers hold a form's redirects to the page's Content-Security-Policy `form-action` too: the
page names the providers' origins there, or the browser would stop at the redirect.

The form's template tag notes the origins on the request; config's CSP middleware adds them.
"""

from urllib.parse import urlsplit

from django.core.cache import cache

from sso import oidc

_ATTRIBUTE = "_sso_form_action_origins"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def allow_form_action_to(request, providers) -> None:
    origins = set(getattr(request, _ATTRIBUTE, ()))
    for provider in providers:
        origins.add(_origin(provider.issuer))
        document = cache.get(oidc.discovery_cache_key(provider.issuer)) or {}
        origins.add(_origin(document.get("authorization_endpoint", "")))
    setattr(request, _ATTRIBUTE, sorted(origins - {""}))


def form_action_origins(request) -> list[str]:
    return list(getattr(request, _ATTRIBUTE, ()))
