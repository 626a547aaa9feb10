"""Security middleware: requests no page could want refused first; the Content-Security-Policy's
admin allowance; what browsers and proxies may keep of a response; the sessions' idle clock."""

import base64
import hashlib
import re
import time
from urllib.parse import unquote_plus

from csp.constants import UNSAFE_HASHES
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import Http404
from django.urls import reverse
from django.utils.cache import patch_cache_control

from sso.csp import form_action_origins

# C0 and C1 control characters: no URL of the site holds one, and a NUL makes PostgreSQL raise.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
QUERY_HAS_NUL = "The address holds a character no page accepts."


class InputGuardMiddleware:
    """A path with a control character is a 404; a query string with a NUL byte is a 400.

    First in MIDDLEWARE, so static files, the admin and every view are covered without asking.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if CONTROL_CHARACTERS.search(request.path):
            raise Http404
        if "\x00" in unquote_plus(request.META.get("QUERY_STRING", "")):
            raise BadRequest(QUERY_HAS_NUL)
        return self.get_response(request)


def _hash(text: str) -> str:
    digest = hashlib.sha256(text.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware; on admin pages it adds the hashes of settings.CSP_ADMIN_INLINE,
    and on the sign-in page the council providers' origins to `form-action` (sso.csp).

    'unsafe-hashes' lets a hash match a style or handler attribute, not only a <style> or
    <script> element: it allows those exact texts, never inline code in general.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if request.path.startswith(reverse("admin:index")):
            update = dict(parts.update or {})
            for directive, texts in settings.CSP_ADMIN_INLINE.items():
                extra = [UNSAFE_HASHES, *map(_hash, texts)]
                update[directive] = [*update.get(directive, []), *extra]
            parts.update = update
        if origins := form_action_origins(request):
            update = dict(parts.update or {})
            update["form-action"] = [*update.get("form-action", []), *origins]
            parts.update = update
        return parts


class NoStoreForPrivateResponses:
    """A page shown to a signed-in user, or any download, is never stored by a browser or proxy.

    Plans, actions and packs are OFFICIAL-SENSITIVE: a shared council PC's back button or disk
    cache must not show them to the next person. WhiteNoise answers static files earlier in the
    chain, so they keep their long public cache.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        download = response.get("Content-Disposition", "").startswith("attachment")
        if signed_in or download:
            patch_cache_control(response, private=True, no_store=True)
        return response


class IdleSessionClock:
    """Moves a session's idle limit on when it was last moved more than a minute ago.

    The limit (SESSION_IDLE_HOURS) is kept to the minute without a database write on every
    request: a page read by many officers at once costs reads, not a stream of session updates.
    """

    KEY = "_idle_clock"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if not session.is_empty():
            now = int(time.time())
            if now - session.get(self.KEY, 0) >= settings.SESSION_IDLE_CLOCK_SECONDS:
                session[self.KEY] = now
        return self.get_response(request)
