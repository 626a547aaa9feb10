"""The plan's notifications, decided and sent by the worker once the write has committed."""

import datetime

from django.utils import timezone
from django_tasks import task

from improvement import invitation_mail, notifying


@task()
def tell_sign_off_requested(update_id: int) -> int:
    return len(notifying.sign_off_requested(update_id))


@task()
def tell_sent_back(update_id: int) -> int:
    return len(notifying.sent_back(update_id))


@task()
def tell_of_unanswered_findings(on: str | None = None) -> int:
    day = datetime.date.fromisoformat(on) if on else timezone.localdate()
    return notifying.tell_of_unanswered_findings(on=day)


@task()
def send_invitation(invitation_id: int, site_url: str) -> bool:
    return invitation_mail.send_invitation(invitation_id=invitation_id, site_url=site_url)
