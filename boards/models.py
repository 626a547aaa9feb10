import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.db.models.deletion import ProtectedError
from django.urls import reverse
from simple_history.models import HistoricalRecords

from authorities.models import Authority
from improvement.files import PrivateName
from improvement.models import Lead, Plan, check_lead_of, related
from improvement.permissions import plans_with_packs_for

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

    def readable_by(self, user):
        """Boards overseeing a plan whose packs the user may read, counting only the board's own
        council's plans, as Board.own_plans() does."""
        return self.filter(
            plans__in=plans_with_packs_for(user), plans__authority=F("authority")
        ).distinct()


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
    # The schedule (boards/schedule.py, docs/operations.md): the pack is cut off this many days
    # before each meeting, when a draft is built for the improvement lead to check and issue.
    pack_cutoff_days = models.PositiveSmallIntegerField(
        "pack cut-off (days before each meeting)",
        default=7,
        help_text="On this day before each meeting a draft pack is built for checking.",
    )
    reminder_days_before_cutoff = models.PositiveSmallIntegerField(
        "pre-board reminder (days before the cut-off)",
        default=7,
        help_text=(
            "Leads are reminded this many days before the cut-off and again the day before it; "
            "the second reminder is copied to the plan's improvement leads."
        ),
    )

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

    def cutoff_for(self, meeting) -> datetime.date:
        return meeting.held_on - datetime.timedelta(days=self.pack_cutoff_days)

    def reminder_days_for(self, meeting) -> tuple[datetime.date, ...]:
        """The pre-board reminders' days: N days before the cut-off, then the day before it."""
        cutoff = self.cutoff_for(meeting)
        days = {cutoff - datetime.timedelta(days=self.reminder_days_before_cutoff)}
        days.add(cutoff - datetime.timedelta(days=1))
        return tuple(sorted(day for day in days if day < cutoff))


class Meeting(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField()
    title = models.CharField(max_length=200, blank=True)
    location = models.CharField(max_length=200, blank=True)
    agenda = models.TextField(blank=True)
    minutes = models.TextField(blank=True)
    next_meeting_text = models.CharField(max_length=100, blank=True)
    minutes_agreed_at = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="minutes_agreed",
        help_text="The later meeting at which these minutes were agreed as a true record.",
    )
    # Moves by one with every edit, so a second editor's stale form is refused, never applied.
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["board", "-held_on"]
        get_latest_by = "held_on"
        constraints = [
            models.UniqueConstraint(fields=["board", "held_on"], name="meeting_unique_per_day")
        ]

    def __str__(self):
        return f"{self.board} – {self.held_on:%d/%m/%Y}"

    def get_absolute_url(self):
        return reverse("boards:meeting", kwargs={"pk": self.pk})

    def people(self) -> dict[str, list]:
        """Who came, who was in attendance and who sent apologies, in the minutes' order."""
        people = {kind: [] for kind in Attendance.Kind.values}
        for row in self.attendance.all():
            people[row.kind].append(row)
        return people

    def previous(self):
        return self.board.meetings.filter(held_on__lt=self.held_on).order_by("-held_on").first()

    def carried_forward(self):
        """The board's actions from earlier meetings still open when this one met: closed at
        this meeting or a later one, or not closed at all."""
        return (
            MeetingAction.objects.filter(meeting__board_id=self.board_id)
            .filter(meeting__held_on__lt=self.held_on)
            .filter(
                models.Q(status=MeetingAction.ActionStatus.OPEN)
                | models.Q(closed_at__held_on__gte=self.held_on)
            )
            .select_related("meeting", "owner", "closed_at")
            .order_by("meeting__held_on", "number")
        )


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


class Decision(models.Model):
    """A decision minuted at a meeting; one that approves a plan action's revised due date or
    its closure changes the action too, and the action's timeline links back here."""

    class Kind(models.TextChoices):
        NOTED = "noted", "A decision of the board"
        REVISED_DUE_DATE = "revised_due_date", "Approve a revised due date for an action"
        CLOSURE = "closure", "Approve the closure of an action"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NOTED)
    action = models.ForeignKey(
        "improvement.Action",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="board_decisions",
    )
    revised_due_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="decision_number_unique"),
            models.CheckConstraint(
                condition=models.Q(kind="noted") | models.Q(action__isnull=False),
                name="decision_about_an_action_names_it",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="revised_due_date")
                | models.Q(revised_due_on__isnull=False),
                name="decision_revising_a_date_gives_it",
            ),
        ]

    def __str__(self):
        return f"{self.meeting} decision {self.number}"

    def get_absolute_url(self):
        return f"{self.meeting.get_absolute_url()}#decision-{self.number}"


PACK_IS_FINAL = "This pack has been issued and cannot be changed."
MEETING_HAS_ISSUED_PACKS = "An issued board pack names this meeting, so it cannot be deleted."


class PackIsFinal(Exception):
    def __init__(self):
        super().__init__(PACK_IS_FINAL)


def protect_issued_packs(collector, field, sub_objs, using):
    """on_delete for a pack's meeting: an issued pack is final, so it keeps its meeting and the
    meeting stays; a pack still building or failed simply loses it (SET_NULL)."""
    issued = [pack for pack in sub_objs if pack.status == Pack.PackStatus.ISSUED]
    if issued:
        raise ProtectedError(MEETING_HAS_ISSUED_PACKS, issued)
    collector.add_field_update(field, None, sub_objs)


class PackQuerySet(models.QuerySet):
    """The first line of "an issued pack is final"; on PostgreSQL a trigger is the second
    (migration boards 0003), which also stops raw SQL. Building and failed packs may change:
    that is how a pack is built, fails and is retried."""

    def update(self, **kwargs):
        if self.filter(status=Pack.PackStatus.ISSUED).exists():
            raise PackIsFinal
        # Excluded again in the UPDATE itself, so a pack issued since the check is left alone.
        return super(PackQuerySet, self.exclude(status=Pack.PackStatus.ISSUED)).update(**kwargs)

    update.alters_data = True

    def delete(self):
        if self.filter(status=Pack.PackStatus.ISSUED).exists():
            raise PackIsFinal
        return super(PackQuerySet, self.exclude(status=Pack.PackStatus.ISSUED)).delete()

    delete.alters_data = True


class Pack(models.Model):
    """A board pack as issued: the frozen snapshot and its PDF. Never edited once issued;
    a correction is a new version of the same as-at date with a reason."""

    class PackStatus(models.TextChoices):
        BUILDING = "building", "Building"
        ISSUED = "issued", "Issued"
        FAILED = "failed", "Failed"

    class Stage(models.TextChoices):
        """How far the build has gone: the status page shows it while the worker builds."""

        QUEUED = "queued", "Waiting for the worker"
        SNAPSHOT = "snapshot", "Reading the plan as at the date"
        RENDER = "render", "Laying out the PDF"
        STORED = "stored", "Stored"

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="packs")
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="packs")
    meeting = models.ForeignKey(
        Meeting, on_delete=protect_issued_packs, null=True, blank=True, related_name="packs"
    )
    as_at = models.DateField("as at")
    version = models.PositiveSmallIntegerField(default=1)
    reason = models.TextField(blank=True, help_text="Why a corrected version was issued.")
    status = models.CharField(
        max_length=10, choices=PackStatus.choices, default=PackStatus.BUILDING
    )
    # The stage a failed build reached is kept: it says where it failed.
    stage = models.CharField(max_length=10, choices=Stage.choices, default=Stage.QUEUED)
    snapshot = models.JSONField(default=dict, blank=True)
    pdf = models.FileField(upload_to=PrivateName("packs", suffix=".pdf"), blank=True)
    pages = models.PositiveSmallIntegerField(null=True, blank=True)
    # The archive copy: the reading copy (pdf) with the full action plan as an appendix, from
    # the same snapshot. Packs issued before there were two copies have none.
    archive_pdf = models.FileField(upload_to=PrivateName("packs", suffix=".pdf"), blank=True)
    archive_pages = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    # When the current build began: set again on each retry, so a pack left building by a
    # process that died can be told from one still being built.
    build_started_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issued_packs",
    )
    issued_at = models.DateTimeField(null=True, blank=True)

    objects = PackQuerySet.as_manager()

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

    def save(self, *args, **kwargs):
        if self._stored_as_issued():
            raise PackIsFinal
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("boards:pack", kwargs={"pk": self.pk})

    def delete(self, *args, **kwargs):
        if self._stored_as_issued():
            raise PackIsFinal
        return super().delete(*args, **kwargs)

    def _stored_as_issued(self) -> bool:
        # The stored row decides, not this instance: _issue sets status to issued in memory
        # before the save that issues it.
        if self.pk is None:
            return False
        return type(self)._base_manager.filter(pk=self.pk, status=self.PackStatus.ISSUED).exists()

    @property
    def build_started(self) -> datetime.datetime:
        return self.build_started_at or self.requested_at

    def building_for(self, *, now: datetime.datetime) -> datetime.timedelta:
        return now - self.build_started

    def is_stuck(self, *, now: datetime.datetime) -> bool:
        """Building for longer than any build takes: its process died, so it may be retried."""
        timeout = datetime.timedelta(minutes=settings.PACK_BUILD_TIMEOUT_MINUTES)
        return self.status == self.PackStatus.BUILDING and self.building_for(now=now) >= timeout

    def stages(self) -> list[tuple[str, str]]:
        """Each stage of the build with "done", "now" or "to come", for the status page."""
        reached = self.Stage.values.index(self.stage)
        if self.is_issued:
            reached += 1
        return [
            (label, "done" if index < reached else "now" if index == reached else "to come")
            for index, label in enumerate(self.Stage.labels)
        ]

    @property
    def is_issued(self) -> bool:
        return self.status == self.PackStatus.ISSUED

    @property
    def filename(self) -> str:
        return f"{self.plan.slug}-board-pack-{self.as_at:%Y-%m-%d}-v{self.version}.pdf"

    @property
    def archive_filename(self) -> str:
        return self.filename.removesuffix(".pdf") + "-archive.pdf"


class ScheduledDraft(models.Model):
    """The draft pack the schedule built at a meeting's cut-off for the improvement lead to
    check: the snapshot as at the cut-off, never issued. One per plan and meeting, so the
    schedule run again the same day (or later) builds nothing twice."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="scheduled_drafts")
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="scheduled_drafts")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="scheduled_drafts")
    as_at = models.DateField("as at")
    snapshot = models.JSONField(default=dict)
    built_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-as_at", "plan"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "meeting"], name="one_scheduled_draft_a_meeting"
            )
        ]

    def __str__(self):
        return f"Draft pack of {self.plan} for {self.meeting}"
