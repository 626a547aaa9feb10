from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from authorities.models import Authority
from inspections.references import validate_reference

INSPECTION_TITLE_TAKEN = "This authority already has an inspection with this title."
FINDING_RECOMMENDATION_OF_OTHER_AUTHORITY = (
    "A finding follows up a recommendation made to the visited council only."
)


class Grade(models.TextChoices):
    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"


class Body(models.TextChoices):
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    SAFEGUARDING = "safeguarding", "Safeguarding board / partnership"


class InspectionQuerySet(models.QuerySet):
    def for_authority(self, authority):
        return self.filter(authority=authority)


class Inspection(models.Model):
    class Kind(models.TextChoices):
        SIF = "sif", "Single inspection framework"
        ILACS = "ilacs", "ILACS"
        FOCUSED_VISIT = "focused_visit", "Focused visit"
        MONITORING_VISIT = "monitoring_visit", "Monitoring visit"
        JTAI = "jtai", "Joint targeted area inspection"
        LSCB_REVIEW = "lscb_review", "LSCB review"
        OTHER = "other", "Other"

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="inspections")
    title = models.CharField(max_length=200, help_text="As the report names it.")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.SIF)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    published_on = models.DateField(null=True, blank=True)
    overall_grade = models.CharField(max_length=30, choices=Grade.choices, blank=True)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "title"]
        constraints = [
            # Two councils may each name a report "Ofsted SIF 2016"; one council may not twice.
            models.UniqueConstraint(
                fields=["authority", "title"],
                name="inspection_title_unique_in_authority",
                violation_error_message=INSPECTION_TITLE_TAKEN,
            )
        ]

    def __str__(self):
        return self.title


class Judgement(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="judgements")
    body = models.CharField(max_length=20, choices=Body.choices, default=Body.LOCAL_AUTHORITY)
    area = models.CharField(max_length=200)
    sub_judgement_of = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="sub_judgements"
    )
    grade = models.CharField(max_length=30, choices=Grade.choices)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["inspection", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "area"], name="judgement_area_unique_in_inspection"
            )
        ]

    def __str__(self):
        return f"{self.area}: {self.get_grade_display()}"


class RecommendationQuerySet(models.QuerySet):
    def for_authority(self, authority):
        return self.filter(inspection__authority=authority)


class Recommendation(models.Model):
    class Timescale(models.TextChoices):
        IMMEDIATE = "immediate", "Immediate"
        THREE_MONTHS = "3_months", "Within 3 months"
        SIX_MONTHS = "6_months", "Within 6 months"

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="recommendations"
    )
    reference = models.CharField(
        max_length=20,
        validators=[validate_reference],
        help_text='As published: "1".."19", "SB1".',
    )
    body = models.CharField(max_length=20, choices=Body.choices, default=Body.LOCAL_AUTHORITY)
    text = models.TextField()
    timescale = models.CharField(max_length=20, choices=Timescale.choices, blank=True)
    order = models.PositiveIntegerField(default=0)

    objects = RecommendationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["inspection", "order", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "reference"], name="recommendation_reference_unique"
            )
        ]

    def __str__(self):
        return f"Recommendation {self.reference}"


class MonitoringVisitQuerySet(models.QuerySet):
    def for_authority(self, authority):
        return self.filter(authority=authority)


class MonitoringVisit(models.Model):
    """An Ofsted monitoring visit or a DfE review between inspections, and what it found.

    A visit is of an authority, as an inspection is; plans name the visits that review them
    (`Plan.monitoring_visits`), so one visit may look at two plans of the same council.
    """

    class Kind(models.TextChoices):
        OFSTED_MONITORING_VISIT = "ofsted_monitoring_visit", "Ofsted monitoring visit"
        DFE_REVIEW = "dfe_review", "DfE review"
        OTHER = "other", "Other"

    authority = models.ForeignKey(
        Authority, on_delete=models.PROTECT, related_name="monitoring_visits"
    )
    kind = models.CharField(
        max_length=30, choices=Kind.choices, default=Kind.OFSTED_MONITORING_VISIT
    )
    visited_on = models.DateField("visited on", help_text="The first day of the visit.")
    theme = models.CharField("theme or focus", max_length=300, help_text="As the letter names it.")
    inspectors = models.CharField(max_length=300, blank=True)
    letter_on = models.DateField("letter dated", null=True, blank=True)
    published = models.BooleanField(default=False)
    published_url = models.URLField("published at", max_length=500, blank=True)
    summary = models.TextField(blank=True)

    objects = MonitoringVisitQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-visited_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(published=True) | models.Q(published_url=""),
                name="visit_published_url_only_if_published",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}, {self.visited_on:%d/%m/%Y}: {self.theme}"


class Finding(models.Model):
    class Kind(models.TextChoices):
        AREA_FOR_IMPROVEMENT = "area_for_improvement", "Area for improvement"
        STRENGTH = "strength", "Strength"

    visit = models.ForeignKey(MonitoringVisit, on_delete=models.CASCADE, related_name="findings")
    reference = models.CharField(
        max_length=20,
        validators=[validate_reference],
        help_text='Numbered within the visit: "1", "2", or as the letter numbers them.',
    )
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.AREA_FOR_IMPROVEMENT)
    text = models.TextField()
    # The earlier inspection's recommendation this finding reports progress on, if any.
    recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="findings",
        help_text="The inspection recommendation it follows up, if any.",
    )
    order = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["visit", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "reference"], name="finding_reference_unique_in_visit"
            )
        ]

    def __str__(self):
        return f"Finding {self.reference}"

    def clean(self):
        super().clean()
        recommendation = self.recommendation
        if recommendation is not None and self.visit_id is not None:
            visit = self.visit
            if recommendation.inspection.authority_id != visit.authority_id:
                raise ValidationError(
                    {"recommendation": FINDING_RECOMMENDATION_OF_OTHER_AUTHORITY},
                    code="finding_recommendation_of_other_authority",
                )
