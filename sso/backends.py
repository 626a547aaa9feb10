"""The authentication backend of a single sign-on.

It authenticates nobody by itself (a council's provider did, in sso.views.callback, which logs
the user in naming this backend) and is asked only for the session's user on each request: an
account made inactive is signed out at its next request.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend

BACKEND = "sso.backends.IdentityBackend"


class IdentityBackend(BaseBackend):
    def authenticate(self, request, **credentials):
        return None

    def get_user(self, user_id):
        return get_user_model()._default_manager.filter(pk=user_id, is_active=True).first()
