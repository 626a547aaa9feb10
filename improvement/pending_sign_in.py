"""A sign-in half done: the password was right, the second factor is still to come.

Nobody is signed in while it waits. The session holds who, through which backend, where to go
after, and since when; after PENDING_SECONDS it is void and the password must be given again.
"""

import time
from dataclasses import dataclass

from django.contrib.auth import get_user_model, login
from django.contrib.auth.signals import user_login_failed
from django_otp import login as otp_login

SESSION_KEY = "sign_in.pending"
PENDING_SECONDS = 5 * 60


@dataclass(frozen=True)
class PendingSignIn:
    user: object
    backend: str
    next_url: str
    started: float

    @property
    def expired(self) -> bool:
        return time.time() - self.started > PENDING_SECONDS


def start(request, *, user, next_url: str) -> None:
    request.session[SESSION_KEY] = {
        "user": user.pk,
        "backend": user.backend,
        "next": next_url,
        "started": time.time(),
    }


def pending(request) -> PendingSignIn | None:
    data = request.session.get(SESSION_KEY)
    if not isinstance(data, dict):
        return None
    # A user deactivated while their code was being typed gets no further.
    user = get_user_model()._default_manager.filter(pk=data.get("user"), is_active=True).first()
    if user is None:
        discard(request)
        return None
    return PendingSignIn(
        user=user,
        backend=str(data.get("backend", "")),
        next_url=str(data.get("next", "")),
        started=float(data.get("started", 0)),
    )


def discard(request) -> None:
    request.session.pop(SESSION_KEY, None)


def finish(request, sign_in: PendingSignIn, device) -> None:
    """The real sign-in: Django's login (a new session key; django-axes clears the failures) and
    django-otp's record of the device that vouched for it."""
    discard(request)
    login(request, sign_in.user, backend=sign_in.backend)
    otp_login(request, device)


def count_wrong_code(request, sign_in: PendingSignIn) -> None:
    """A wrong code counts as a failed sign-in for django-axes, as a wrong password does: at
    AXES_FAILURE_LIMIT the username locks, and its lock-out page answers this request."""
    user_login_failed.send(
        sender=__name__,
        credentials={"username": sign_in.user.get_username()},
        request=request,
    )
