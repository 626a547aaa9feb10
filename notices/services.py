"""Telling people: a row in each user's list, and an e-mail unless they turned the kind off.

Called from the tasks of the floors above, which decide who hears and in what words; never from
a request, so a slow or absent mail server never holds a page.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from notices import mail
from notices.models import EmailChoice, Kind, Notification


@dataclass(frozen=True)
class News:
    kind: Kind
    about: str  # the event, e.g. "pack:12": each user hears of it once
    subject: str
    text: str
    link: str  # a site path
    authority_id: int | None = None


def tell_on_commit(task, *args) -> None:
    """Schedule `task` (a django_tasks task) once the caller's transaction commits."""
    transaction.on_commit(lambda: task.enqueue(*args))


def notify(*, users: Iterable, news: News) -> list[Notification]:
    """Each active user once per event: returns the notifications new this time, so run
    again it returns none, adds nothing and sends nothing twice.

    An e-mail that did not go is tried again on the next run (the task's retry), since only a
    sent one is marked.
    """
    told = []
    for user in {user.pk: user for user in users if user.is_active}.values():
        notification, created = Notification.objects.get_or_create(
            user=user,
            kind=news.kind,
            about=news.about,
            defaults={
                "authority_id": news.authority_id,
                "subject": news.subject,
                "text": news.text,
                "link": news.link,
            },
        )
        if notification.emailed_at is None and wants_email(user, news.kind):
            email(notification)
        if created:
            told.append(notification)
    return told


def wants_email(user, kind: str) -> bool:
    # Without a mail server (settings.EMAIL_CONFIGURED) the list on the site is the only telling.
    return (
        settings.EMAIL_CONFIGURED
        and bool(user.email)
        and kind not in EmailChoice.objects.kinds_off_for(user)
    )


def email(notification: Notification) -> None:
    mail.send(
        to=notification.user.email,
        subject=notification.subject,
        template="notices/email/notification",
        context={"notification": notification, "link": mail.absolute(notification.link)},
    )
    notification.emailed_at = timezone.now()
    notification.save(update_fields=["emailed_at"])


def mark_read(*, user) -> int:
    return Notification.objects.for_user(user).unread().update(read_at=timezone.now())


def email_choices(user) -> dict[str, bool]:
    off = EmailChoice.objects.kinds_off_for(user)
    return {kind: kind not in off for kind in Kind.values}


@transaction.atomic
def choose_email(*, user, by_email: dict[str, bool]) -> None:
    for kind, on in by_email.items():
        EmailChoice.objects.update_or_create(user=user, kind=Kind(kind), defaults={"by_email": on})
