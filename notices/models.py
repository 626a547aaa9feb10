"""What the site told each user, and how each user wants to be told.

The ground floor for telling people: it knows users and authorities, never plans or boards. The
floors above decide who hears of their own events and in what words (improvement/notifying.py,
boards/notifying.py); this app keeps the row and sends the e-mail.
"""

from django.conf import settings
from django.db import models

from authorities.models import Authority


class Kind(models.TextChoices):
    PACK_ISSUED = "pack_issued", "A board pack is issued"
    SIGN_OFF_REQUESTED = "sign_off_requested", "An action asks for sign-off"
    SENT_BACK = "sent_back", "Your action is sent back"
    MEETING_ACTION = "meeting_action", "A board meeting gives you an action"
    UNANSWERED_FINDING = "unanswered_finding", "A monitoring finding still has no action"


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    # The council whose event this is; None only for what belongs to no council.
    authority = models.ForeignKey(
        Authority, on_delete=models.PROTECT, null=True, blank=True, related_name="notifications"
    )
    kind = models.CharField(max_length=40, choices=Kind.choices)
    # The event told about ("pack:12"): with user and kind it makes each notification once only,
    # however often the task deciding it runs.
    about = models.CharField(max_length=100)
    subject = models.CharField(max_length=200)
    text = models.TextField()
    link = models.CharField(max_length=500, help_text="The site path the notification opens.")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "about"], name="notification_once_per_user_and_event"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.subject}"


class EmailChoiceQuerySet(models.QuerySet):
    def kinds_off_for(self, user) -> set[str]:
        return set(self.filter(user=user, by_email=False).values_list("kind", flat=True))


class EmailChoice(models.Model):
    """A user's choice for one kind; with no row the kind comes by e-mail."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_choices"
    )
    kind = models.CharField(max_length=40, choices=Kind.choices)
    by_email = models.BooleanField(default=True)

    objects = EmailChoiceQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_email_choice_per_kind")
        ]

    def __str__(self):
        return f"{self.user} · {self.kind}: {'e-mail' if self.by_email else 'site only'}"
