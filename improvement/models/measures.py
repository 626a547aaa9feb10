"""Measures of the plan's impact and the values recorded against them."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.urls import reverse
from simple_history.models import HistoricalRecords

from improvement.models.leads import Lead
from improvement.models.plans import Plan, Theme
from improvement.rag import measure_rag
from inspections.models import Recommendation


class MeasureQuerySet(models.QuerySet):
    def with_latest_value(self):
        """Annotates latest_value: the value of the latest period recorded, or None."""
        latest = MeasureValue.objects.filter(measure=OuterRef("pk")).order_by("-period_ending")
        return self.annotate(latest_value=Subquery(latest.values("value")[:1]))

    def off_track(self):
        """Measures whose latest value misses the target in their direction: rag.measure_rag's
        amber or red (rag.measure_off_track). No value or no target is unrated, not off track."""
        higher = Q(direction=Measure.Direction.HIGHER, latest_value__lt=F("target"))
        lower = Q(direction=Measure.Direction.LOWER, latest_value__gt=F("target"))
        return (
            self.with_latest_value()
            .filter(target__isnull=False, latest_value__isnull=False)
            .filter(higher | lower)
        )


class Measure(models.Model):
    class Direction(models.TextChoices):
        HIGHER = "higher", "Higher is better"
        LOWER = "lower", "Lower is better"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="measures")
    name = models.CharField(max_length=300)
    unit = models.CharField(max_length=40, blank=True, help_text='e.g. "%", "days", "children".')
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    target = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    tolerance = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=(
            "How far on the wrong side of the target still counts as amber, in the measure's "
            "unit. Blank: 10% of the target."
        ),
    )
    owner = models.ForeignKey(
        Lead, on_delete=models.PROTECT, null=True, blank=True, related_name="measures"
    )
    england_average = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    statistical_neighbours = models.DecimalField(
        "statistical neighbours' average", max_digits=12, decimal_places=2, null=True, blank=True
    )
    themes = models.ManyToManyField(Theme, blank=True, related_name="measures")
    recommendations = models.ManyToManyField(Recommendation, blank=True, related_name="measures")
    order = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    objects = MeasureQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["plan", "name"], name="measure_unique")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("improvement:measure", kwargs={"slug": self.plan.slug, "pk": self.pk})

    def rag_of(self, value) -> str:
        def number(decimal):
            return None if decimal is None else float(decimal)

        return measure_rag(
            number(value), number(self.target), self.direction, tolerance=number(self.tolerance)
        )


class MeasureValue(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="values")
    period_ending = models.DateField()
    label = models.CharField(max_length=40, blank=True, help_text='e.g. "Jan 2017".')
    value = models.DecimalField(max_digits=12, decimal_places=2)
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

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
