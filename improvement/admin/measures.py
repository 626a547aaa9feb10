"""Measures and the values recorded against them each period."""

from django.contrib import admin
from django.db.models import Count
from simple_history.admin import SimpleHistoryAdmin

from improvement.importing.admin_views import PlanExportMixin
from improvement.importing.resources import MeasureResource, MeasureValueResource
from improvement.models import Measure, MeasureValue


class MeasureValueInline(admin.TabularInline):
    model = MeasureValue
    fields = ["period_ending", "label", "value", "note"]
    extra = 0


@admin.register(Measure)
class MeasureAdmin(PlanExportMixin, SimpleHistoryAdmin):
    resource_classes = [MeasureResource]
    list_display = ["name", "plan", "unit", "direction", "target", "value_count"]
    list_select_related = ["plan"]
    list_filter = ["plan__authority", "plan", "direction"]
    search_fields = ["name"]
    ordering = ["plan", "order", "name"]
    autocomplete_fields = ["plan", "themes", "recommendations"]
    list_per_page = 50
    inlines = [MeasureValueInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_values=Count("values"))

    @admin.display(description="Values", ordering="_values")
    def value_count(self, obj):
        return obj._values


@admin.register(MeasureValue)
class MeasureValueAdmin(PlanExportMixin, SimpleHistoryAdmin):
    resource_classes = [MeasureValueResource]
    list_display = ["measure", "period_ending", "label", "value", "note"]
    list_select_related = ["measure"]
    list_filter = ["measure__plan__authority", "measure__plan"]
    search_fields = ["measure__name", "label"]
    ordering = ["measure", "period_ending"]
    date_hierarchy = "period_ending"
    autocomplete_fields = ["measure"]
    list_per_page = 100
