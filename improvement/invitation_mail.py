"""The invitation e-mail, sent by the worker (improvement/tasks.py) once the invitation is
committed."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from improvement.models import Invitation, new_token
from notices import mail


def send_invitation(*, invitation_id: int, site_url: str) -> bool:
    """Made in the worker: a fresh token for the link, only its digest kept. A retry after a
    failed send makes another, so only the e-mail that arrived carries a working link."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("plan", "lead", "invited_by")
            .filter(pk=invitation_id)
            .first()
        )
        if invitation is None or invitation.state(now=timezone.now()) not in (
            Invitation.State.WAITING,
            Invitation.State.OPEN,
        ):
            return False
        token, invitation.token_hash = new_token()
        invitation.sent_at = timezone.now()
        invitation.save(update_fields=["token_hash", "sent_at"])
        path = reverse("improvement:invitation", kwargs={"token": token})
        mail.send(
            to=invitation.email,
            subject=f"You are invited to {invitation.plan.title}",
            template="improvement/email/invitation",
            context={
                "invitation": invitation,
                "inviter": invitation.invited_by.get_full_name()
                or invitation.invited_by.get_username(),
                "link": site_url.rstrip("/") + path,
            },
        )
    return True
