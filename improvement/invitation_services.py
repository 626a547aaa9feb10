"""Invitations to a plan: an improvement lead invites, the worker sends the link, the person
accepts once (a new account with a password, or the account they are signed in to), or the lead
revokes. Each write is atomic and writes its line of the plan's people trail."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from improvement.models import Invitation, Lead, Plan, PlanRole
from improvement.people_services import record_change, write_lead_link, write_role
from improvement.permissions import can_manage_people
from improvement.tasks import send_invitation
from notices.services import tell_on_commit

NOT_ALLOWED = "Only the plan's improvement leads invite people to it."
LEAD_NEEDED = "Choose the lead this person will act for."
NO_LEAD_FOR_ROLE = "Only officers and risk owners are linked to a lead: leave the lead empty."
LEAD_OF_OTHER_COUNCIL = "That lead is not one of %(authority)s's leads."
NOT_REVOCABLE = "This invitation is %(state)s: it cannot be revoked."
ACCOUNT_EXISTS = "An account with this e-mail address already exists: sign in to accept."
NOT_FOR_YOU = "This invitation is for another e-mail address."
ALREADY_HOLDS = "%(email)s already holds this role in this plan (%(role)s): nothing to invite."

# What the accept page says of a link that cannot be used; none hints at any other invitation.
UNUSABLE = {
    Invitation.State.EXPIRED: "This invitation has expired. Ask the person who invited you "
    "to send a new one.",
    Invitation.State.ACCEPTED: "This invitation has already been used. If it was you, sign in.",
    Invitation.State.REVOKED: "This invitation has been withdrawn. Ask the person who invited "
    "you if you think that is a mistake.",
}


UNKNOWN = "This invitation link is not valid. Check that it was copied in full."


class InvitationUnusable(Exception):
    """`state` None: the link names no invitation at all."""

    def __init__(self, state: Invitation.State | None):
        super().__init__(UNUSABLE[state] if state else UNKNOWN)
        self.state = state


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def _check_lead(*, plan: Plan, role: str, lead: Lead | None) -> None:
    if role in Invitation.LEAD_ROLES:
        if lead is None:
            raise ValidationError({"lead": LEAD_NEEDED}, code="lead_needed")
        if lead.authority_id != plan.authority_id:
            raise ValidationError(
                {"lead": LEAD_OF_OTHER_COUNCIL % {"authority": plan.authority}},
                code="lead_of_other_authority",
            )
    elif lead is not None:
        raise ValidationError({"lead": NO_LEAD_FOR_ROLE}, code="no_lead_for_role")


@transaction.atomic
def invite(*, plan: Plan, email: str, role: str, lead: Lead | None, by) -> Invitation:
    """A re-invitation of the same address to the same plan and role revokes the earlier open
    one: the newest e-mail is the one that works (the usual reason is a lost message)."""
    if not can_manage_people(by, plan):
        raise PermissionDenied(NOT_ALLOWED)
    _check_lead(plan=plan, role=role, lead=lead)
    email = normalise_email(email)
    account = account_for(email)
    if account is not None and _holds(account, plan=plan, role=role, lead=lead):
        raise ValidationError(
            ALREADY_HOLDS % {"email": email, "role": Invitation(role=role, lead=lead).role_words()},
            code="holds",
        )
    now = timezone.now()
    earlier = (
        Invitation.objects.select_for_update()
        .for_plan(plan)
        .filter(email=email, role=role, accepted_at=None, revoked_at=None)
    )
    for old in earlier:
        _revoke(old, by=by, now=now, text=f"Earlier invitation as {old.role_words()} replaced")
    invitation = Invitation(
        plan=plan,
        email=email,
        role=role,
        lead=lead,
        invited_by=by,
        created_at=now,
        expires_at=now + datetime.timedelta(days=settings.INVITATION_DAYS),
    )
    invitation.full_clean()
    invitation._history_user = by
    invitation.save()
    _trail(invitation, by=by, at=now, text=f"Invited {email} as {invitation.role_words()}")
    tell_on_commit(send_invitation, invitation.pk, settings.SITE_URL)
    return invitation


def _trail(invitation: Invitation, *, by, at, text: str) -> None:
    # The invited person may have no account yet: the trail names the address.
    record_change(plan=invitation.plan, by=by, person_name=invitation.email, text=text, at=at)


def _revoke(invitation: Invitation, *, by, now, text: str) -> None:
    invitation.revoked_at = now
    invitation.revoked_by = by
    invitation._history_user = by
    invitation.save(update_fields=["revoked_at", "revoked_by"])
    _trail(invitation, by=by, at=now, text=text)


@transaction.atomic
def revoke_invitation(*, invitation: Invitation, by) -> Invitation:
    invitation = Invitation.objects.select_for_update().select_related("plan").get(pk=invitation.pk)
    if not can_manage_people(by, invitation.plan):
        raise PermissionDenied(NOT_ALLOWED)
    now = timezone.now()
    state = invitation.state(now=now)
    if state in (Invitation.State.ACCEPTED, Invitation.State.REVOKED):
        raise ValidationError(NOT_REVOCABLE % {"state": state.label.lower()}, code="not_revocable")
    _revoke(invitation, by=by, now=now, text=f"Invitation as {invitation.role_words()} revoked")
    return invitation


def usable_invitation(token: str, *, lock: bool = False) -> Invitation:
    """The invitation this link names, if it may still be accepted; else InvitationUnusable."""
    invitations = Invitation.objects.select_related("plan", "lead", "invited_by")
    if lock:
        invitations = invitations.select_for_update(of=("self",))
    invitation = invitations.with_token(token).first()
    if invitation is None or not invitation.matches(token):
        raise InvitationUnusable(None)
    state = invitation.state(now=timezone.now())
    if state in UNUSABLE:
        raise InvitationUnusable(state)
    return invitation


def account_for(email: str):
    users = get_user_model()._default_manager
    return users.filter(email__iexact=email).first() or users.filter(username__iexact=email).first()


def _holds(user, *, plan: Plan, role: str, lead: Lead | None) -> bool:
    if role in Invitation.LEAD_ROLES:
        return lead.users.filter(pk=user.pk).exists()
    return PlanRole.objects.filter(plan=plan, user=user, role=role).exists()


def _grant(invitation: Invitation, *, user) -> None:
    """The invitation's role, granted in the name of whoever sent it; already holding it is no
    error (an officer invited twice to two plans for one lead)."""
    plan, by = invitation.plan, invitation.invited_by
    accepted = f"Accepted the invitation as {invitation.role_words()}"
    if _holds(user, plan=plan, role=invitation.role, lead=invitation.lead):
        record_change(plan=plan, by=by, person=user, text=accepted + " (already held)")
    elif invitation.role in Invitation.LEAD_ROLES:
        write_lead_link(plan=plan, person=user, lead=invitation.lead, by=by, text=accepted)
    else:
        write_role(plan=plan, person=user, role=invitation.role, by=by, text=accepted)


def _accept(invitation: Invitation, *, user) -> Invitation:
    _grant(invitation, user=user)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation._history_user = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return invitation


@transaction.atomic
def accept_with_new_account(*, token: str, password: str):
    """The password has passed Django's validators in the form. Returns the new user, who must
    then sign in (so any second factor their role needs is asked for)."""
    invitation = usable_invitation(token, lock=True)
    if account_for(invitation.email) is not None:
        raise ValidationError(ACCOUNT_EXISTS, code="account_exists")
    user = get_user_model()._default_manager.create_user(
        username=invitation.email, email=invitation.email, password=password
    )
    _accept(invitation, user=user)
    return user


@transaction.atomic
def accept_as(*, token: str, user) -> Invitation:
    invitation = usable_invitation(token, lock=True)
    if not invitation.is_for(user):
        raise ValidationError(NOT_FOR_YOU, code="not_for_you")
    return _accept(invitation, user=user)
