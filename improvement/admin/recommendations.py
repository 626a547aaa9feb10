"""Recommendations in the admin with their plan-scoped import: inspections/ knows no other app,
so the import, which reads plans, is added here."""

from django.contrib import admin

from improvement.importing.admin_views import PlanExportMixin
from improvement.importing.resources import RecommendationResource
from inspections.admin import RecommendationAdmin as InspectionRecommendationAdmin
from inspections.models import Recommendation

admin.site.unregister(Recommendation)


@admin.register(Recommendation)
class RecommendationAdmin(PlanExportMixin, InspectionRecommendationAdmin):
    resource_classes = [RecommendationResource]
