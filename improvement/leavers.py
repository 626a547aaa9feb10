"""Accounts that end: a leaver is deactivated and every session of theirs ends at once.

Django's ModelBackend already refuses an inactive user on each request (get_user answers None,
so the session reads as signed out); ending the sessions as well leaves nothing to revive if the
account is turned back on, and no half-done sign-in waiting for a code. A leaver's actions need
nothing: actions belong to leads (posts), not to users, so they stay with the lead.
"""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from improvement import pending_sign_in


def _sessions_of(user) -> list[str]:
    """The keys of the user's live sessions, signed in or half way through signing in. Sessions
    are not indexed by user, so each live one is read; an installation has hundreds, not
    millions."""
    mine = str(user.pk)
    keys = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        data = session.get_decoded()
        pending = data.get(pending_sign_in.SESSION_KEY)
        if data.get(SESSION_KEY) == mine or (
            isinstance(pending, dict) and str(pending.get("user")) == mine
        ):
            keys.append(session.session_key)
    return keys


def end_sessions(*, user) -> int:
    return Session.objects.filter(session_key__in=_sessions_of(user)).delete()[0]


@transaction.atomic
def deactivate_and_sign_out(*, user) -> int:
    """Deactivates the user and ends every session of theirs; returns how many ended."""
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    return end_sessions(user=user)
