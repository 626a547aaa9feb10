"""Requests no page could want, refused before any middleware, view or the admin reads them."""

import re
from urllib.parse import unquote_plus

from django.core.exceptions import BadRequest
from django.http import Http404

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
