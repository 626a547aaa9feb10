from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count
from simple_history.admin import SimpleHistoryAdmin

from inspections.models import Finding, Inspection, Judgement, MonitoringVisit, Recommendation

SHORT_TEXT = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 60})}}


class JudgementInline(admin.TabularInline):
    model = Judgement
    fields = ["order", "body", "area", "grade"]
    extra = 0
    show_change_link = True


class RecommendationInline(admin.TabularInline):
    model = Recommendation
    fields = ["order", "reference", "body", "timescale", "text"]
    formfield_overrides = SHORT_TEXT
    extra = 0
    show_change_link = True


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "authority",
        "kind",
        "published_on",
        "overall_grade",
        "recommendation_count",
    ]
    list_select_related = ["authority"]
    list_filter = ["authority", "kind", "overall_grade"]
    search_fields = ["title", "authority__name"]
    date_hierarchy = "published_on"
    list_per_page = 50
    inlines = [JudgementInline, RecommendationInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_recommendations=Count("recommendations"))

    @admin.display(description="Recommendations", ordering="_recommendations")
    def recommendation_count(self, obj):
        return obj._recommendations


@admin.register(Judgement)
class JudgementAdmin(admin.ModelAdmin):
    list_display = ["area", "grade", "body", "inspection", "sub_judgement_of", "order"]
    list_select_related = ["inspection", "sub_judgement_of"]
    list_filter = ["body", "grade"]
    search_fields = ["area", "inspection__title"]
    ordering = ["inspection", "order", "pk"]
    autocomplete_fields = ["inspection", "sub_judgement_of"]
    list_per_page = 100


@admin.register(Recommendation)
class RecommendationAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "short_text", "inspection", "body", "timescale", "action_count"]
    list_display_links = ["reference", "short_text"]
    list_select_related = ["inspection"]
    list_filter = ["inspection__authority", "body", "timescale", "inspection"]
    search_fields = ["reference", "text", "inspection__title"]
    ordering = ["inspection", "order", "reference"]
    autocomplete_fields = ["inspection"]
    list_per_page = 50

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_actions=Count("actions"))

    @admin.display(description="Recommendation")
    def short_text(self, obj):
        return obj.text if len(obj.text) <= 90 else obj.text[:87] + "…"

    @admin.display(description="Actions", ordering="_actions")
    def action_count(self, obj):
        return obj._actions


class FindingInline(admin.TabularInline):
    model = Finding
    fields = ["order", "reference", "kind", "text", "recommendation"]
    formfield_overrides = SHORT_TEXT
    autocomplete_fields = ["recommendation"]
    extra = 0


# For installation admins' corrections; improvement leads record visits on the site.
@admin.register(MonitoringVisit)
class MonitoringVisitAdmin(SimpleHistoryAdmin):
    list_display = ["visited_on", "kind", "theme", "authority", "letter_on", "published"]
    list_select_related = ["authority"]
    list_filter = ["authority", "kind", "published"]
    search_fields = ["theme", "inspectors", "summary"]
    date_hierarchy = "visited_on"
    list_per_page = 50
    inlines = [FindingInline]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)
