from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from improvement.files import PrivateName
from improvement.models import Lead, Plan


class Board(models.Model):
    name = models.CharField(max_length=200)
    plans = models.ManyToManyField(Plan, blank=True, related_name="boards")
    chair_name = models.CharField(max_length=200, blank=True)
    chair_role = models.CharField(max_length=200, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="chaired_boards",
    )
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="boards")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Meeting(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField()
    title = models.CharField(max_length=200, blank=True)
    location = models.CharField(max_length=200, blank=True)
    agenda = models.TextField(blank=True)
    minutes = models.TextField(blank=True)
    next_meeting_text = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["board", "-held_on"]
        get_latest_by = "held_on"
        constraints = [
            models.UniqueConstraint(fields=["board", "held_on"], name="meeting_unique_per_day")
        ]

    def __str__(self):
        return f"{self.board} – {self.held_on:%d/%m/%Y}"


class Attendance(models.Model):
    class Kind(models.TextChoices):
        PRESENT = "present", "Present"
        IN_ATTENDANCE = "in_attendance", "In attendance"
        APOLOGIES = "apologies", "Apologies"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PRESENT)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name_plural = "attendance"
        ordering = ["meeting", "kind", "order"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "name"], name="attendance_unique")
        ]

    def __str__(self):
        return f"{self.name} ({self.get_kind_display()})"


class MeetingAction(models.Model):
    """An ACTION from the minutes: the board's own action log."""

    class ActionStatus(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    number = models.PositiveSmallIntegerField()
    agenda_item = models.CharField(max_length=200, blank=True)
    text = models.TextField()
    owner = models.ForeignKey(
        Lead, on_delete=models.SET_NULL, null=True, blank=True, related_name="meeting_actions"
    )
    owner_text = models.CharField(max_length=200, blank=True, help_text="As minuted.")
    due_on = models.DateField(null=True, blank=True)
    due_text = models.CharField(
        max_length=100, blank=True, help_text='As minuted: "next meeting", "at a future meeting".'
    )
    status = models.CharField(
        max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    closed_at = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="closed_actions",
    )
    closing_note = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "number"], name="meeting_action_number_unique"
            )
        ]

    def __str__(self):
        return f"{self.meeting} action {self.number}"


class Pack(models.Model):
    """A board pack as issued: the frozen snapshot and its PDF. Never edited once issued;
    a correction is a new version of the same as-at date with a reason."""

    class PackStatus(models.TextChoices):
        BUILDING = "building", "Building"
        ISSUED = "issued", "Issued"
        FAILED = "failed", "Failed"

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="packs")
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="packs")
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="packs"
    )
    as_at = models.DateField("as at")
    version = models.PositiveSmallIntegerField(default=1)
    reason = models.TextField(blank=True, help_text="Why a corrected version was issued.")
    status = models.CharField(
        max_length=10, choices=PackStatus.choices, default=PackStatus.BUILDING
    )
    snapshot = models.JSONField(default=dict, blank=True)
    pdf = models.FileField(upload_to=PrivateName("packs", suffix=".pdf"), blank=True)
    pages = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issued_packs",
    )
    issued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "-as_at", "-version"]
        get_latest_by = ["as_at", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "board", "as_at", "version"], name="pack_version_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(version=1) | ~models.Q(reason=""),
                name="pack_correction_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="issued")
                | models.Q(issued_at__isnull=False, pdf__gt=""),
                name="pack_issued_has_pdf_and_time",
            ),
        ]

    def __str__(self):
        return f"{self.plan} pack as at {self.as_at:%d/%m/%Y} v{self.version}"

    def get_absolute_url(self):
        return reverse("boards:pack", kwargs={"pk": self.pk})

    @property
    def is_issued(self) -> bool:
        return self.status == self.PackStatus.ISSUED

    @property
    def filename(self) -> str:
        return f"{self.plan.slug}-board-pack-{self.as_at:%Y-%m-%d}-v{self.version}.pdf"
