"""Progress updates, the action's append-only audit trail, and the evidence they attach."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Concat
from django.urls import reverse
from simple_history.models import HistoricalRecords

from improvement.files import PrivateName
from improvement.models.actions import Action
from improvement.querysets import SENT_BACK_PREFIX
from improvement.ratings import (
    Rag,
    Status,
)
from improvement.uploads import validate_evidence_file

PROGRESS_UPDATES_ARE_APPEND_ONLY = (
    "Progress updates are the action's audit trail: they are never changed or deleted. "
    "Record a new update instead."
)


class AppendOnly(Exception):
    def __init__(self, message: str = PROGRESS_UPDATES_ARE_APPEND_ONLY):
        super().__init__(message)


class ProgressUpdateQuerySet(models.QuerySet):
    """The first line of the append-only rule; on PostgreSQL a trigger is the second
    (migration improvement 0002), which also stops raw SQL."""

    def sign_off_requests(self):
        """Updates that asked for sign-off: the officer said the action was done."""
        return self.filter(status_after=Status.AWAITING_SIGN_OFF).exclude(
            status_before=Status.AWAITING_SIGN_OFF
        )

    def send_backs(self):
        """Updates in which an improvement lead refused sign-off (services.send_back)."""
        return self.filter(
            status_before=Status.AWAITING_SIGN_OFF,
            status_after=Status.IN_PROGRESS,
            commentary=Concat(Value(SENT_BACK_PREFIX), F("reason")),
        ).exclude(reason="")

    def update(self, **kwargs):
        raise AppendOnly

    def delete(self):
        raise AppendOnly


class ProgressUpdate(models.Model):
    """Append-only: one row for every change of RAG, status, commentary or due date."""

    # PROTECT: deleting an action (or its plan) would delete its audit trail, so the admin
    # refuses and lists the updates in the way instead.
    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="updates")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    at = models.DateTimeField(db_index=True)
    progress_rag_before = models.CharField(max_length=10, choices=Rag.choices, blank=True)
    progress_rag_after = models.CharField(max_length=10, choices=Rag.choices, blank=True)
    impact_rag_before = models.CharField(max_length=10, choices=Rag.choices, blank=True)
    impact_rag_after = models.CharField(max_length=10, choices=Rag.choices, blank=True)
    status_before = models.CharField(max_length=20, choices=Status.choices, blank=True)
    status_after = models.CharField(max_length=20, choices=Status.choices, blank=True)
    due_on_before = models.DateField(null=True, blank=True)
    due_on_after = models.DateField(null=True, blank=True)
    commentary = models.TextField(blank=True)
    reason = models.TextField(blank=True, help_text="Why the due date changed or sign-off refused.")
    decision_url = models.CharField(
        max_length=200, blank=True, help_text="The board decision this update carries out."
    )
    # The action's version this update produced; a stale editor is shown the updates after theirs.
    action_version = models.PositiveIntegerField(default=0)

    objects = ProgressUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        get_latest_by = "at"

    def __str__(self):
        return f"{self.action.reference} at {self.at:%d/%m/%Y %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly
        # Always an INSERT: a row built with the primary key of an existing update must not
        # silently overwrite it.
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly

    @property
    def revises_due_date(self) -> bool:
        return self.due_on_before != self.due_on_after and self.due_on_before is not None


class Evidence(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="evidence")
    update = models.ForeignKey(
        ProgressUpdate, on_delete=models.SET_NULL, null=True, blank=True, related_name="evidence"
    )
    file = models.FileField(
        upload_to=PrivateName("evidence"), blank=True, validators=[validate_evidence_file]
    )
    # The name the file had on the officer's machine: shown and used for the download only.
    original_name = models.CharField(max_length=255, blank=True)
    link = models.URLField(max_length=500, blank=True)
    description = models.CharField(max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    # Deleted evidence leaves its history row, and a pack for an earlier date still counts it.
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "evidence"
        ordering = ["-uploaded_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(file="", link=""), name="evidence_has_file_or_link")
        ]

    def __str__(self):
        return self.description or self.link or self.original_name

    @classmethod
    def check_file(cls, file) -> None:
        """The file field's own validators, asked of an upload before anything is stored, so a
        form or service that takes a file outside a model form keeps the one rule."""
        cls._meta.get_field("file").run_validators(file)

    def get_download_url(self) -> str:
        return reverse(
            "improvement:evidence",
            kwargs={
                "slug": self.action.plan.slug,
                "reference": self.action.reference,
                "pk": self.pk,
            },
        )
