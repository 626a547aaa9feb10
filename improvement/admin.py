"""Admin registrations for plans and what they hold, with spreadsheet import and export.

Kept small on purpose: the workbook import lives in improvement/importing/admin_views.py.
"""

from django.contrib import admin

from improvement.importing.admin_views import (
    PlanScopedImportExportMixin,
    PlanWorkbookImportMixin,
)
from improvement.importing.resources import (
    ActionResource,
    MeasureResource,
    MeasureValueResource,
    RecommendationResource,
    RiskResource,
)
from improvement.models import Action, Lead, Measure, MeasureValue, Plan, Risk
from inspections.models import Recommendation


@admin.register(Plan)
class PlanAdmin(PlanWorkbookImportMixin, admin.ModelAdmin):
    list_display = ["title", "authority", "status"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Action)
class ActionAdmin(PlanScopedImportExportMixin, admin.ModelAdmin):
    resource_classes = [ActionResource]
    list_display = ["reference", "plan", "lead", "due_on", "status", "progress_rag"]
    list_filter = ["plan", "status", "progress_rag"]
    search_fields = ["reference", "text"]


@admin.register(Risk)
class RiskAdmin(PlanScopedImportExportMixin, admin.ModelAdmin):
    resource_classes = [RiskResource]
    list_display = ["reference", "plan", "likelihood", "impact", "score", "status"]


@admin.register(Measure)
class MeasureAdmin(PlanScopedImportExportMixin, admin.ModelAdmin):
    resource_classes = [MeasureResource]
    list_display = ["name", "plan", "unit", "target"]


@admin.register(MeasureValue)
class MeasureValueAdmin(PlanScopedImportExportMixin, admin.ModelAdmin):
    resource_classes = [MeasureValueResource]
    list_display = ["measure", "period_ending", "value"]


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    search_fields = ["name"]


class RecommendationAdmin(PlanScopedImportExportMixin, admin.ModelAdmin):
    resource_classes = [RecommendationResource]
    list_display = ["reference", "inspection", "body"]


# inspections/ knows no other app, so the import-enabled admin for recommendations is here.
if not admin.site.is_registered(Recommendation):
    admin.site.register(Recommendation, RecommendationAdmin)
