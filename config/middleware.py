"""Security middleware: what browsers and proxies may keep of a response."""

from django.utils.cache import patch_cache_control


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
