from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from authorities.models import Authority
from improvement.models import Lead, Plan, check_lead_of, related

PLAN_OF_OTHER_AUTHORITY = (
    'The plan "%(plan)s" belongs to %(plan_authority)s; this board is %(authority)s\'s.'
)


def plan_authority_errors(*, authority_id, plans) -> list[ValidationError]:
    """A board oversees only its own council's plans."""
    return [
        ValidationError(
            PLAN_OF_OTHER_AUTHORITY,
            code="plan_of_other_authority",
            params={
                "plan": plan.title,
                "plan_authority": plan.authority,
                "authority": Authority.objects.get(pk=authority_id),
            },
        )
        for plan in plans
        if plan.authority_id != authority_id
    ]


class BoardQuerySet(models.QuerySet):
    def for_authority(self, authority):
        return self.filter(authority=authority)


class Board(models.Model):
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="boards")
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

    objects = BoardQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        # The plans a stored board already oversees; the ones being chosen are the form's to check.
        if self.pk is not None and self.authority_id is not None:
            plans = self.plans.exclude(authority_id=self.authority_id).select_related("authority")
            if errors := plan_authority_errors(authority_id=self.authority_id, plans=plans):
                raise ValidationError({"authority": errors})

    def own_plans(self):
        """The plans this board oversees, of its own authority only, whatever the data says."""
        return self.plans.filter(authority_id=self.authority_id)


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

    def clean(self):
        super().clean()
        meeting = related(self, "meeting")
        board = related(meeting, "board") if meeting is not None else None
        if board is not None:
            check_lead_of(authority_id=board.authority_id, field="owner", leads=[self.owner])


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
    pdf = models.FileField(upload_to="packs/%Y/%m/", blank=True)
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
