"""What reminders were sent: one digest per user per day, and whom it was copied to."""

from django.conf import settings
from django.db import models

from authorities.models import Authority
from improvement.models.plans import Plan


class ReminderDigestQuerySet(models.QuerySet):
    def for_plan(self, plan):
        """The digests that reminded someone of this plan's work."""
        return self.filter(plans=plan).distinct()


class ReminderDigest(models.Model):
    class Occasion(models.TextChoices):
        REGULAR = "regular", "Regular reminder"
        PRE_BOARD = "pre_board", "Before the board pack's cut-off"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_digests"
    )
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="+")
    sent_on = models.DateField()
    occasion = models.CharField(max_length=20, choices=Occasion.choices)
    # The board meeting whose pack cut-off a pre-board digest is for ("meeting:12"): the second
    # digest for the same cut-off copies the plan's improvement leads.
    cutoff = models.CharField(max_length=60, blank=True)
    # What the digest said, one row per line: plan id, kind, reference, text, why, link.
    lines = models.JSONField(default=list)
    plans = models.ManyToManyField(Plan, related_name="reminder_digests")
    copied_to = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    objects = ReminderDigestQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "sent_on"], name="one_reminder_digest_a_day")
        ]

    def __str__(self):
        return f"Reminders to {self.user} on {self.sent_on:%d/%m/%Y}"

    def lines_of(self, plan) -> list[dict]:
        return [line for line in self.lines if line["plan"] == plan.pk]
