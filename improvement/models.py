import re

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from authorities.models import Authority
from improvement.criteria import (
    NO_CRITERIA,
    Criterion,
    criteria_from_json,
    standard_criteria,
    validate_assessments,
    validate_criteria,
)
from improvement.files import PrivateName
from improvement.querysets import ActionQuerySet, LeadQuerySet, PlanQuerySet

# Re-exported: the choices are the models' vocabulary, kept in one module of their own.
from improvement.ratings import (  # noqa: F401
    DONE_STATUSES,
    RISK_SCORE_MAX,
    SCORE_MAX,
    SCORE_MIN,
    Rag,
    RagRule,
    Status,
)
from improvement.uploads import validate_evidence_file
from inspections.models import Inspection, Recommendation
from inspections.references import validate_reference

LEAD_OF_OTHER_AUTHORITY = '"%(lead)s" is a lead of %(lead_authority)s, not of %(authority)s.'
LEAD_NAME_TAKEN = "This authority already has a lead of this name."
SCORED_BEFORE_CONTROLS = f"{SCORE_MIN}–{SCORE_MAX}, before controls."
SCORED_AFTER_CONTROLS = f"{SCORE_MIN}–{SCORE_MAX}, after controls."
PLAN_AUTHORITY_IN_USE = (
    "This plan's actions, risks, themes, inspections or boards belong to %(authority)s: "
    "it cannot move to another authority."
)


def normalise_name(name: str) -> str:
    """The key two spellings of one lead share: case, spacing and punctuation do not matter
    ("HEAD OF SAFEGUARDING" is "Head of Safeguarding", "Children's" is "Childrens", "&" is
    "and")."""
    text = re.sub(r"[\u2018\u2019'.]", "", name or "")
    text = re.sub(r"\s*&\s*", " and ", text)
    text = re.sub(r"[\u2013\u2014\-,:;/()]", " ", text)
    return re.sub(r"\s+", " ", text).strip().casefold()


def lead_authority_errors(*, authority_id, leads) -> list[ValidationError]:
    """One error per lead that is not of the given authority: a post of one council never leads,
    owns or co-leads anything of another's plan."""
    errors = []
    for lead in leads:
        if lead is not None and lead.authority_id != authority_id:
            errors.append(
                ValidationError(
                    LEAD_OF_OTHER_AUTHORITY,
                    code="lead_of_other_authority",
                    params={
                        "lead": lead.name,
                        "lead_authority": lead.authority,
                        "authority": Authority.objects.get(pk=authority_id),
                    },
                )
            )
    return errors


def related(instance, name: str):
    """The related object, or None while it is unset (an inline's parent not yet saved is set)."""
    try:
        return getattr(instance, name)
    except ObjectDoesNotExist:
        return None


def check_lead_of(*, authority_id, field: str, leads) -> None:
    if authority_id is not None and (
        errors := lead_authority_errors(authority_id=authority_id, leads=leads)
    ):
        raise ValidationError({field: errors})


class Plan(models.Model):
    class PlanStatus(models.TextChoices):
        DRAFT = "draft", "Draft"
        LIVE = "live", "Live"
        CLOSED = "closed", "Closed"

    RagRule = RagRule

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="plans")
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    version = models.CharField(max_length=30, blank=True)
    status = models.CharField(max_length=10, choices=PlanStatus.choices, default=PlanStatus.LIVE)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    inspections = models.ManyToManyField(Inspection, blank=True, related_name="plans")
    rag_rule = models.CharField(max_length=10, choices=RagRule.choices, default=RagRule.DATES)
    # What the criteria rule asks of each action, in the plan's order and words.
    criteria = models.JSONField(
        default=standard_criteria,
        validators=[validate_criteria],
        error_messages={"blank": NO_CRITERIA},
    )
    # Header → field mappings an admin confirmed on an earlier import, reused next time.
    import_mapping = models.JSONField(default=dict, blank=True)
    # Per sheet, the kind and header row an admin chose where the importer could not tell.
    import_sheets = models.JSONField(default=dict, blank=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["authority__name", "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("improvement:plan", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        if self.pk is None or self.authority_id is None:
            return
        stored = Plan.objects.filter(pk=self.pk).values_list("authority_id", flat=True).first()
        if stored not in (None, self.authority_id) and self._belongs_to(stored):
            raise ValidationError(
                {"authority": PLAN_AUTHORITY_IN_USE},
                code="plan_authority_in_use",
                params={"authority": Authority.objects.get(pk=stored)},
            )

    def _belongs_to(self, authority_id) -> bool:
        """Whether anything of the plan is of that authority, so the plan cannot leave it."""
        mine = {"authority_id": authority_id}
        return (
            Action.objects.filter(plan=self)
            .filter(
                models.Q(lead__authority_id=authority_id)
                | models.Q(co_leads__in=Lead.objects.filter(**mine))
            )
            .exists()
            or Risk.objects.filter(plan=self, owner__authority_id=authority_id).exists()
            or Theme.objects.filter(plan=self, lead__authority_id=authority_id).exists()
            or self.inspections.filter(**mine).exists()
            or self.boards.filter(**mine).exists()
        )

    def criterion_list(self) -> tuple[Criterion, ...]:
        return criteria_from_json(self.criteria)

    def recommendations(self):
        # The authority too, so an inspection of another council linked by mistake shows nothing.
        return Recommendation.objects.filter(
            inspection__plans=self, inspection__authority_id=self.authority_id
        )


class PlanRole(models.Model):
    """What a user may do in one plan. Officers need no role: leading an action is enough."""

    class Role(models.TextChoices):
        IMPROVEMENT_LEAD = "improvement_lead", "Improvement lead"
        BOARD_CHAIR = "board_chair", "Board chair"
        BOARD_MEMBER = "board_member", "Board member"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plan_roles"
    )
    role = models.CharField(max_length=20, choices=Role.choices)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "user", "role"], name="plan_role_unique")
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} of {self.plan}"


class Lead(models.Model):
    """A person or a post that leads actions; officers sign in as users linked to leads."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="leads")
    name = models.CharField(max_length=200, help_text='A person or a role, e.g. "Head of HR".')
    name_key = models.CharField(max_length=200, editable=False)
    organisation = models.CharField(max_length=120, blank=True)
    email = models.EmailField(blank=True)
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="leads")

    objects = LeadQuerySet.as_manager()
    # A pack names each lead as it was called at the pack's date.
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            # A council's posts carry across its successive plans; another council's post of the
            # same name is another lead.
            models.UniqueConstraint(
                fields=["authority", "name_key"],
                name="lead_name_unique_in_authority",
                violation_error_message=LEAD_NAME_TAKEN,
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = normalise_name(self.name)
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self.name_key = normalise_name(self.name)
        # Forms leave the non-editable name_key out of constraint checks, so check it here.
        same = Lead.objects.filter(authority_id=self.authority_id, name_key=self.name_key)
        if self.authority_id is not None and same.exclude(pk=self.pk).exists():
            raise ValidationError({"name": LEAD_NAME_TAKEN}, code="lead_name_taken")


class Theme(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(max_length=120)
    lead = models.ForeignKey(Lead, on_delete=models.SET_NULL, null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["plan", "name"], name="theme_unique")]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if (plan := related(self, "plan")) is not None:
            check_lead_of(authority_id=plan.authority_id, field="lead", leads=[self.lead])


class Period(models.Model):
    """A block of the plan, e.g. "September - December 2016"; Wirral plans in such blocks."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="periods")
    name = models.CharField(max_length=80)
    code = models.SlugField(max_length=20, help_text='Short prefix of action references: "SEP16".')
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "order", "starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="period_name_unique"),
            models.UniqueConstraint(fields=["plan", "code"], name="period_code_unique"),
        ]

    def __str__(self):
        return self.name


class Objective(models.Model):
    """The heading a group of actions serves; the same wording can recur across periods."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="objectives")
    theme = models.ForeignKey(
        Theme, on_delete=models.CASCADE, null=True, blank=True, related_name="objectives"
    )
    title = models.TextField()
    order = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "order", "pk"]

    def __str__(self):
        return self.title if len(self.title) <= 80 else self.title[:77] + "…"


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


class Milestone(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="milestones")
    text = models.CharField(max_length=300)
    due_on = models.DateField(null=True, blank=True)
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["action", "due_on", "pk"]

    def __str__(self):
        return self.text


class Measure(models.Model):
    class Direction(models.TextChoices):
        HIGHER = "higher", "Higher is better"
        LOWER = "lower", "Lower is better"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="measures")
    name = models.CharField(max_length=300)
    unit = models.CharField(max_length=40, blank=True, help_text='e.g. "%", "days", "children".')
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    target = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="measures")
    recommendations = models.ManyToManyField(Recommendation, blank=True, related_name="measures")
    order = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["plan", "name"], name="measure_unique")]

    def __str__(self):
        return self.name


class MeasureValue(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="values")
    period_ending = models.DateField()
    label = models.CharField(max_length=40, blank=True, help_text='e.g. "Jan 2017".')
    value = models.DecimalField(max_digits=12, decimal_places=2)
    note = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["measure", "period_ending"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "period_ending"], name="measure_value_unique"
            )
        ]

    def __str__(self):
        return f"{self.measure}: {self.value} ({self.label or self.period_ending})"


SCORE_OUT_OF_RANGE = f"Enter a whole number from {SCORE_MIN} (lowest) to {SCORE_MAX} (highest)."
TARGET_SCORE_OUT_OF_RANGE = (
    f"Enter a target score from {SCORE_MIN} to {RISK_SCORE_MAX} (likelihood × impact)."
)
SCORE_VALIDATORS = [
    MinValueValidator(SCORE_MIN, SCORE_OUT_OF_RANGE),
    MaxValueValidator(SCORE_MAX, SCORE_OUT_OF_RANGE),
]
TARGET_SCORE_VALIDATORS = [
    MinValueValidator(SCORE_MIN, TARGET_SCORE_OUT_OF_RANGE),
    MaxValueValidator(RISK_SCORE_MAX, TARGET_SCORE_OUT_OF_RANGE),
]


def _score_between_1_and_5(field: str, *, nullable: bool = False) -> Q:
    in_range = Q(**{f"{field}__gte": SCORE_MIN, f"{field}__lte": SCORE_MAX})
    return in_range | Q(**{f"{field}__isnull": True}) if nullable else in_range


class Risk(models.Model):
    class RiskStatus(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="risks")
    reference = models.CharField(max_length=20)
    description = models.TextField()
    owner = models.ForeignKey(
        Lead, on_delete=models.PROTECT, null=True, blank=True, related_name="risks"
    )
    raised_on = models.DateField(null=True, blank=True)
    reviewed_on = models.DateField(null=True, blank=True)
    review_text = models.CharField(
        max_length=60, blank=True, help_text='Raised/reviewed as written: "December 2016".'
    )
    existing_controls = models.TextField(blank=True)
    additional_controls = models.TextField(blank=True)
    likelihood = models.PositiveSmallIntegerField(
        help_text=SCORED_BEFORE_CONTROLS, validators=SCORE_VALIDATORS
    )
    impact = models.PositiveSmallIntegerField(
        help_text=SCORED_BEFORE_CONTROLS, validators=SCORE_VALIDATORS
    )
    # The database computes scores, so a score can never disagree with its two factors.
    score = models.GeneratedField(
        expression=F("likelihood") * F("impact"),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )
    residual_likelihood = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=SCORED_AFTER_CONTROLS, validators=SCORE_VALIDATORS
    )
    residual_impact = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=SCORED_AFTER_CONTROLS, validators=SCORE_VALIDATORS
    )
    residual_score = models.GeneratedField(
        expression=F("residual_likelihood") * F("residual_impact"),
        output_field=models.PositiveSmallIntegerField(null=True),
        db_persist=True,
    )
    target_score = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=TARGET_SCORE_VALIDATORS
    )
    status = models.CharField(max_length=10, choices=RiskStatus.choices, default=RiskStatus.OPEN)
    order = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "order", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "reference"], name="risk_reference_unique"),
            models.CheckConstraint(
                condition=_score_between_1_and_5("likelihood"), name="risk_likelihood_1_to_5"
            ),
            models.CheckConstraint(
                condition=_score_between_1_and_5("impact"), name="risk_impact_1_to_5"
            ),
            models.CheckConstraint(
                condition=_score_between_1_and_5("residual_likelihood", nullable=True),
                name="risk_residual_likelihood_1_to_5",
            ),
            models.CheckConstraint(
                condition=_score_between_1_and_5("residual_impact", nullable=True),
                name="risk_residual_impact_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(target_score__isnull=True)
                | Q(target_score__gte=SCORE_MIN, target_score__lte=RISK_SCORE_MAX),
                name="risk_target_score_1_to_25",
            ),
        ]

    def __str__(self):
        return f"Risk {self.reference}"

    def clean(self):
        super().clean()
        if (plan := related(self, "plan")) is not None:
            check_lead_of(authority_id=plan.authority_id, field="owner", leads=[self.owner])
