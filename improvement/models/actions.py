"""Actions, their milestones and the history of their links to recommendations and co-leads."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from improvement.criteria import (
    validate_assessments,
)
from improvement.models.leads import Lead, check_lead_of, related
from improvement.models.plans import Objective, Period, Plan, Theme
from improvement.querysets import ActionQuerySet
from improvement.ratings import (
    DONE_STATUSES,
    Rag,
    Status,
)
from inspections.models import Finding, Recommendation
from inspections.references import validate_reference


class Action(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    reference = models.CharField(
        max_length=30,
        validators=[validate_reference],
        help_text='Stable within the plan: period code and number, e.g. "JAN17-22".',
    )
    number = models.CharField(max_length=20, blank=True, help_text="As printed in the plan.")
    theme = models.ForeignKey(
        Theme, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    period = models.ForeignKey(
        Period, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    objective = models.ForeignKey(
        Objective, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    text = models.TextField()
    recommendations = models.ManyToManyField(Recommendation, blank=True, related_name="actions")
    # The monitoring visits' findings this action answers; who linked each and when is on the
    # link (FindingResponse).
    findings = models.ManyToManyField(
        Finding, through="FindingResponse", blank=True, related_name="actions"
    )
    lead = models.ForeignKey(
        Lead, on_delete=models.PROTECT, null=True, blank=True, related_name="actions"
    )
    co_leads = models.ManyToManyField(Lead, blank=True, related_name="co_led_actions")
    delegates = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="delegated_actions"
    )
    is_key_action = models.BooleanField("key action", default=False)
    # Printed with a "*" in plans that mark what the latest inspection asked for.
    arose_from_inspection = models.BooleanField("arising from the latest inspection", default=False)

    due_on = models.DateField(null=True, blank=True)
    due_text = models.CharField(max_length=200, blank=True, help_text="Exactly as written.")
    due_needs_review = models.BooleanField("due date needs review", default=False)
    first_due_on = models.DateField(null=True, blank=True, editable=False)

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    progress_rag = models.CharField(max_length=10, choices=Rag.choices, default=Rag.NOT_RATED)
    expected_impact = models.TextField(blank=True)
    impact_evidence = models.TextField(blank=True, help_text='"Impact tested".')
    impact_rag = models.CharField(max_length=10, choices=Rag.choices, default=Rag.NOT_RATED)
    commentary = models.TextField(blank=True)
    improvement_measure = models.TextField(blank=True)
    completed_on = models.DateField(null=True, blank=True)

    # {criterion key: True (met) | False (not met) | None (not assessed)} against the plan's
    # criteria, which a plan may rate actions by instead of dates (Worcestershire's practice).
    criteria = models.JSONField(default=dict, blank=True, validators=[validate_assessments])

    order = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic lock: every accepted edit bumps it; an edit made from an older version is refused.
    version = models.PositiveIntegerField(default=1)

    objects = ActionQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["plan", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "reference"], name="action_reference_unique"),
            models.CheckConstraint(
                condition=~Q(due_needs_review=True, due_on__isnull=False),
                name="action_reviewed_due_has_no_date",
            ),
        ]
        indexes = [models.Index(fields=["plan", "status", "due_on"])]

    def __str__(self):
        return f"{self.reference}: {self.text[:60]}"

    def save(self, *args, **kwargs):
        if self.first_due_on is None:
            self.first_due_on = self.due_on
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse(
            "improvement:action", kwargs={"slug": self.plan.slug, "reference": self.reference}
        )

    def clean(self):
        super().clean()
        # Co-leads are checked where they are chosen (forms, importer): a model's clean() runs
        # before its many-to-many rows exist.
        if (plan := related(self, "plan")) is not None:
            check_lead_of(authority_id=plan.authority_id, field="lead", leads=[self.lead])

    @property
    def is_done(self) -> bool:
        return self.status in DONE_STATUSES


def due_revision_q(prefix: str = "") -> Q:
    """Updates that moved a due date the action already had; giving a first date is no revision.

    `prefix` reaches the update through a relation, e.g. "updates__" from an action.
    """
    before, after = f"{prefix}due_on_before", f"{prefix}due_on_after"
    return Q(**{f"{before}__isnull": False}) & (
        Q(**{f"{after}__isnull": True}) | ~Q(**{after: F(before)})
    )


class LinkChange(models.Model):
    """A recommendation or co-lead linked to or unlinked from an action, so a pack as at an
    earlier date reads the links as they were then (see improvement/link_history.py).

    Links written with no change row (an import's bulk insert of a new action's links) read as
    there since the action began, which is when they were made.
    """

    class Link(models.TextChoices):
        RECOMMENDATION = "recommendation", "Recommendation"
        CO_LEAD = "co_lead", "Co-lead"

    class Change(models.TextChoices):
        ADDED = "added", "Added"
        REMOVED = "removed", "Removed"

    # No database constraint: the trail outlives the action, as the action's history rows do.
    action = models.ForeignKey(
        Action, on_delete=models.DO_NOTHING, db_constraint=False, related_name="link_changes"
    )
    link = models.CharField(max_length=20, choices=Link.choices)
    # The recommendation's or the lead's id, kept when either is deleted.
    target_id = models.PositiveBigIntegerField()
    change = models.CharField(max_length=10, choices=Change.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["action", "at"], name="link_change_action_at")]

    def __str__(self):
        return f"{self.get_link_display()} {self.target_id} {self.change} at {self.at:%d/%m/%Y}"


class Milestone(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="milestones")
    text = models.CharField(max_length=300)
    due_on = models.DateField(null=True, blank=True)
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["action", "due_on", "pk"]

    def __str__(self):
        return self.text


class FindingResponse(models.Model):
    """An action linked to a monitoring visit's finding as (part of) the council's answer to it:
    who linked it and when. Its history keeps a link undone later."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="responses")
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="finding_responses")
    # None when the demo loader made the link: nobody signed in did.
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    linked_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["finding", "linked_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["finding", "action"], name="finding_response_unique")
        ]

    def __str__(self):
        return f"{self.action.reference} answers {self.finding}"
