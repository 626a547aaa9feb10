"""Risks to the plan, scored 1–5 for likelihood and impact on the model fields."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from improvement.admin.display import shorten
from improvement.importing.admin_views import PlanExportMixin
from improvement.importing.resources import RiskResource
from improvement.models import Risk


@admin.register(Risk)
class RiskAdmin(PlanExportMixin, SimpleHistoryAdmin):
    resource_classes = [RiskResource]
    list_display = [
        "reference",
        "short_description",
        "plan",
        "owner",
        "likelihood",
        "impact",
        "score",
        "residual_score",
        "status",
    ]
    list_display_links = ["reference", "short_description"]
    list_select_related = ["plan", "owner"]
    list_filter = ["plan__authority", "plan", "status"]
    search_fields = ["reference", "description", "owner__name"]
    ordering = ["plan", "order", "reference"]
    autocomplete_fields = ["plan", "owner"]
    readonly_fields = ["score", "residual_score", "version"]
    list_per_page = 50
    fieldsets = [
        (
            None,
            {"fields": ["plan", "reference", "description", "owner", "status", "order", "version"]},
        ),
        ("Review", {"fields": ["raised_on", "reviewed_on", "review_text", "review_note"]}),
        ("Before controls", {"fields": ["likelihood", "impact", "score", "existing_controls"]}),
        (
            "After controls",
            {
                "fields": [
                    "additional_controls",
                    "residual_likelihood",
                    "residual_impact",
                    "residual_score",
                    "target_score",
                    "target_on",
                ]
            },
        ),
    ]

    def save_model(self, request, obj, form, change):
        # A change here is a new version too, so an owner's update page opened before it is
        # refused rather than overwriting it (risk_services.update_risk).
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)

    @admin.display(description="Risk")
    def short_description(self, obj):
        return shorten(obj.description)
