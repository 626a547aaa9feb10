"""The people of a plan: invitations to join it with a role, and the trail of every change to
who holds which role or is linked to which lead."""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from improvement.models.leads import Lead
from improvement.models.plans import Plan, PlanRole


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """A token for the link alone, and the digest the database keeps in its place."""
    token = secrets.token_urlsafe(32)
    return token, token_digest(token)


class InvitationQuerySet(models.QuerySet):
    def for_plan(self, plan):
        return self.filter(plan=plan)

    def open(self, *, now):
        return self.filter(accepted_at=None, revoked_at=None, expires_at__gt=now)

    def accepted(self):
        return self.exclude(accepted_at=None)

    def with_token(self, token: str):
        """The invitation whose link carries this token, or none: looked up by its digest."""
        return self.filter(token_hash=token_digest(token)) if token else self.none()


class Invitation(models.Model):
    """An improvement lead asks a person, by e-mail address, to join one plan in one role."""

    class Role(models.TextChoices):
        OFFICER = "officer", "Officer (linked to a lead)"
        RISK_OWNER = "risk_owner", "Risk owner (linked to the lead owning the risks)"
        BOARD_MEMBER = PlanRole.Role.BOARD_MEMBER.value, "Board member"
        BOARD_CHAIR = PlanRole.Role.BOARD_CHAIR.value, "Board chair"
        BOARD_SECRETARY = PlanRole.Role.BOARD_SECRETARY.value, "Board secretary"
        IMPROVEMENT_LEAD = PlanRole.Role.IMPROVEMENT_LEAD.value, "Improvement lead"

        @property
        def short(self) -> str:
            """The role's name without the form's explanation: "Officer"."""
            return self.label.split(" (")[0]

    class State(models.TextChoices):
        WAITING = "waiting", "Not yet sent"
        OPEN = "open", "Open"
        EXPIRED = "expired", "Expired"
        ACCEPTED = "accepted", "Accepted"
        REVOKED = "revoked", "Revoked"

    # Officers and risk owners hold no plan role: being linked to a lead is what lets them in.
    LEAD_ROLES = frozenset({Role.OFFICER, Role.RISK_OWNER})

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    lead = models.ForeignKey(
        Lead, on_delete=models.PROTECT, null=True, blank=True, related_name="invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="invitations_sent"
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    # Set by the worker as it sends the e-mail: the token itself is never stored, not even in
    # the task's arguments.
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invitations_accepted",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invitations_revoked",
    )

    objects = InvitationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["token_hash"])

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(role__in=["officer", "risk_owner"], lead__isnull=False)
                    | (~models.Q(role__in=["officer", "risk_owner"]) & models.Q(lead__isnull=True))
                ),
                name="invitation_lead_for_lead_roles_only",
            ),
            models.CheckConstraint(
                condition=models.Q(accepted_at=None) | models.Q(revoked_at=None),
                name="invitation_accepted_or_revoked_not_both",
            ),
        ]

    def __str__(self):
        return f"{self.email} – {self.role_words()} of {self.plan}"

    def role_words(self) -> str:
        short = self.Role(self.role).short
        if self.role in self.LEAD_ROLES and self.lead is not None:
            return f"{short} for {self.lead}"
        return short

    def state(self, *, now) -> "Invitation.State":
        if self.accepted_at is not None:
            return self.State.ACCEPTED
        if self.revoked_at is not None:
            return self.State.REVOKED
        if self.expires_at <= now:
            return self.State.EXPIRED
        return self.State.OPEN if self.token_hash else self.State.WAITING

    def matches(self, token: str) -> bool:
        return bool(self.token_hash) and hmac.compare_digest(self.token_hash, token_digest(token))

    def is_for(self, user) -> bool:
        return bool(user.email) and user.email.strip().lower() == self.email.lower()


class PeopleChange(models.Model):
    """One change to the people of a plan, in words: the plan's audit trail of who may do what.
    Plan roles keep their own history too; lead links have only this."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="people_changes")
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people_changes_made",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people_changes",
    )
    # Who, in words, as at the change: the person may be renamed or gone later.
    person_name = models.CharField(max_length=254)
    text = models.CharField(max_length=300)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["plan", "-at"], name="people_change_plan_at")]

    def __str__(self):
        return f"{self.at:%d %b %Y}: {self.person_name}: {self.text}"
