"""Risks to the plan, scored before and after controls."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from improvement.models.leads import Lead, check_lead_of, related
from improvement.models.plans import Plan
from improvement.querysets import RiskQuerySet
from improvement.rag import risk_band
from improvement.ratings import (
    RISK_SCORE_MAX,
    SCORE_MAX,
    SCORE_MIN,
)
from improvement.reviews import is_review_overdue, last_review_on, next_review_on
from inspections.references import validate_reference

SCORED_BEFORE_CONTROLS = f"{SCORE_MIN}–{SCORE_MAX}, before controls."
SCORED_AFTER_CONTROLS = f"{SCORE_MIN}–{SCORE_MAX}, after controls."


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
    # A reference is part of the risk's address, so it is one the URL can carry.
    reference = models.CharField(max_length=20, validators=[validate_reference])
    description = models.TextField()
    owner = models.ForeignKey(
        Lead, on_delete=models.PROTECT, null=True, blank=True, related_name="risks"
    )
    raised_on = models.DateField(null=True, blank=True)
    reviewed_on = models.DateField(null=True, blank=True)
    review_text = models.CharField(
        max_length=60, blank=True, help_text='Raised/reviewed as written: "December 2016".'
    )
    review_note = models.TextField(blank=True, help_text="What the owner found at the last review.")
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
    target_on = models.DateField(
        "target date", null=True, blank=True, help_text="When the target score should be reached."
    )
    status = models.CharField(max_length=10, choices=RiskStatus.choices, default=RiskStatus.OPEN)
    order = models.PositiveIntegerField(default=0)
    # Optimistic lock, as on an action: every owner's update moves it by one, and an update made
    # from an older version is refused rather than overwriting what someone else saved.
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    objects = RiskQuerySet.as_manager()

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

    def get_absolute_url(self):
        return reverse(
            "improvement:risk", kwargs={"slug": self.plan.slug, "reference": self.reference}
        )

    def clean(self):
        super().clean()
        if (plan := related(self, "plan")) is not None:
            check_lead_of(authority_id=plan.authority_id, field="owner", leads=[self.owner])

    @property
    def band(self) -> str:
        return risk_band(self.score)

    @property
    def residual_band(self) -> str:
        return "" if self.residual_score is None else risk_band(self.residual_score)

    @property
    def target_band(self) -> str:
        return "" if self.target_score is None else risk_band(self.target_score)

    @property
    def last_review_on(self):
        return last_review_on(reviewed_on=self.reviewed_on, raised_on=self.raised_on)

    @property
    def next_review_on(self):
        return next_review_on(
            last_reviewed=self.last_review_on, months=self.plan.risk_review_months
        )

    def review_overdue(self, *, today) -> bool:
        return is_review_overdue(
            last_reviewed=self.last_review_on,
            months=self.plan.risk_review_months,
            today=today,
            closed=self.status == self.RiskStatus.CLOSED,
        )
