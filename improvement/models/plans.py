"""Plans and their shape: the plan, who may work on it, its themes, periods and objectives."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from authorities.models import Authority
from improvement.criteria import (
    NO_CRITERIA,
    Criterion,
    criteria_from_json,
    standard_criteria,
    validate_criteria,
)
from improvement.models.leads import Lead, check_lead_of, related
from improvement.querysets import PlanQuerySet
from improvement.ratings import (
    RagRule,
)
from improvement.reviews import DEFAULT_REVIEW_MONTHS
from inspections.models import Inspection, MonitoringVisit, Recommendation

PLAN_AUTHORITY_IN_USE = (
    "This plan's actions, risks, themes, inspections, monitoring visits or boards belong to "
    "%(authority)s: it cannot move to another authority."
)


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
    monitoring_visits = models.ManyToManyField(MonitoringVisit, blank=True, related_name="plans")
    rag_rule = models.CharField(max_length=10, choices=RagRule.choices, default=RagRule.DATES)
    # What the criteria rule asks of each action, in the plan's order and words.
    criteria = models.JSONField(
        default=standard_criteria,
        validators=[validate_criteria],
        error_messages={"blank": NO_CRITERIA},
    )
    risk_review_months = models.PositiveSmallIntegerField(
        "risk review interval (months)",
        default=DEFAULT_REVIEW_MONTHS,
        validators=[MinValueValidator(1)],
        help_text="A risk not reviewed (or raised) within this many months is review overdue.",
    )
    # Header → field mappings an admin confirmed on an earlier import, reused next time.
    import_mapping = models.JSONField(default=dict, blank=True)
    # Per sheet, the kind and header row an admin chose where the importer could not tell.
    import_sheets = models.JSONField(default=dict, blank=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["authority__name", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(risk_review_months__gte=1),
                name="plan_risk_review_months_positive",
            )
        ]

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
            self.actions.filter(
                models.Q(lead__authority_id=authority_id)
                | models.Q(co_leads__in=Lead.objects.filter(**mine))
            ).exists()
            or self.risks.filter(owner__authority_id=authority_id).exists()
            or self.themes.filter(lead__authority_id=authority_id).exists()
            or self.inspections.filter(**mine).exists()
            or self.monitoring_visits.filter(**mine).exists()
            or self.boards.filter(**mine).exists()
        )

    def criterion_list(self) -> tuple[Criterion, ...]:
        return criteria_from_json(self.criteria)

    def recommendations(self):
        # The authority too, so an inspection of another council linked by mistake shows nothing.
        return Recommendation.objects.filter(
            inspection__plans=self, inspection__authority_id=self.authority_id
        )

    def visits(self):
        # As with recommendations: a visit of another council linked by mistake shows nothing.
        return MonitoringVisit.objects.filter(plans=self, authority_id=self.authority_id)


class PlanRole(models.Model):
    """What a user may do in one plan. Officers need no role: leading an action is enough."""

    class Role(models.TextChoices):
        IMPROVEMENT_LEAD = "improvement_lead", "Improvement lead"
        BOARD_CHAIR = "board_chair", "Board chair"
        BOARD_MEMBER = "board_member", "Board member"
        BOARD_SECRETARY = "board_secretary", "Board secretary"

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

    # Kept, as for themes and objectives, so a renamed period moves the plan's stamp.
    history = HistoricalRecords()

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
