"""Plans and their parts: roles, themes, periods and objectives."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count

from improvement.admin.display import ADMIN_MEDIA_CSS, SHORT_TEXT, rag_tag
from improvement.criteria import (
    NO_CRITERIA,
    criteria_as_words,
    criteria_from_words,
    standard_criteria,
)
from improvement.importing.admin_views import PlanWorkbookImportMixin
from improvement.models import Action, Objective, Period, Plan, PlanRole, Theme

INSPECTION_OF_OTHER_AUTHORITY = (
    'The inspection "%(inspection)s" is of %(other)s, not of this plan\'s authority.'
)
CRITERIA_IN_WORDS = (
    "One criterion per line; start a line with ! for an essential criterion (one not met makes "
    "the action red). Used when the RAG rule is criteria. A renamed criterion starts again as not "
    "assessed on every action."
)


class ThemeInline(admin.TabularInline):
    model = Theme
    fields = ["order", "name", "lead"]
    autocomplete_fields = ["lead"]
    extra = 0
    show_change_link = True


class PeriodInline(admin.TabularInline):
    model = Period
    fields = ["order", "name", "code", "starts_on", "ends_on"]
    extra = 0
    show_change_link = True


class PlanRoleInline(admin.TabularInline):
    model = PlanRole
    fields = ["user", "role"]
    autocomplete_fields = ["user"]
    extra = 0


class PlanAdminForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = [
            "authority",
            "title",
            "slug",
            "version",
            "status",
            "starts_on",
            "ends_on",
            "inspections",
            "rag_rule",
            "criteria",
            "risk_review_months",
            "import_mapping",
        ]

    criteria = forms.CharField(
        label="Readiness criteria",
        widget=forms.Textarea(attrs={"rows": 6, "cols": 60}),
        help_text=CRITERIA_IN_WORDS,
        error_messages={"required": NO_CRITERIA},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["criteria"] = criteria_as_words(self.instance.criteria or [])

    def clean_criteria(self):
        return criteria_from_words(
            self.cleaned_data["criteria"], previous=self.instance.criteria or standard_criteria()
        )

    def clean(self):
        cleaned = super().clean()
        authority = cleaned.get("authority")
        for inspection in cleaned.get("inspections") or []:
            if authority is not None and inspection.authority_id != authority.pk:
                self.add_error(
                    "inspections",
                    ValidationError(
                        INSPECTION_OF_OTHER_AUTHORITY,
                        code="inspection_of_other_authority",
                        params={"inspection": inspection, "other": inspection.authority},
                    ),
                )
        return cleaned


@admin.register(Plan)
class PlanAdmin(PlanWorkbookImportMixin, admin.ModelAdmin):
    form = PlanAdminForm
    list_display = [
        "title",
        "authority",
        "status",
        "rag_rule",
        "starts_on",
        "ends_on",
        "action_count",
    ]
    list_select_related = ["authority"]
    list_filter = ["authority", "status", "rag_rule"]
    search_fields = ["title", "authority__name", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["inspections"]
    list_per_page = 50
    inlines = [ThemeInline, PeriodInline, PlanRoleInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_actions=Count("actions"))

    @admin.display(description="Actions", ordering="_actions")
    def action_count(self, obj):
        return obj._actions


@admin.register(PlanRole)
class PlanRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "plan"]
    list_select_related = ["user", "plan"]
    list_filter = ["plan__authority", "role", "plan"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "plan__title"]
    ordering = ["plan", "role", "user__username"]
    autocomplete_fields = ["user", "plan"]
    list_per_page = 100


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "plan", "lead", "order"]
    list_select_related = ["plan", "lead"]
    list_filter = ["plan__authority", "plan"]
    search_fields = ["name", "plan__title"]
    ordering = ["plan", "order", "name"]
    autocomplete_fields = ["plan", "lead"]
    list_per_page = 100


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "plan", "starts_on", "ends_on", "order"]
    list_select_related = ["plan"]
    list_filter = ["plan"]
    search_fields = ["name", "code", "plan__title"]
    ordering = ["plan", "order", "starts_on"]
    autocomplete_fields = ["plan"]
    list_per_page = 100


class ObjectiveActionFormSet(forms.BaseInlineFormSet):
    """Each action takes the objective's plan before it is validated, so Action.clean() checks
    its lead against that plan's authority."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.instance.plan_id = form.instance.plan_id or self.instance.plan_id
        return form


class ObjectiveActionInline(admin.TabularInline):
    """Progress fields are read-only here: they change only on the action's own page."""

    model = Action
    formset = ObjectiveActionFormSet
    fields = ["reference", "text", "lead", "status", "progress", "due_on"]
    readonly_fields = ["status", "progress", "due_on"]
    autocomplete_fields = ["lead"]
    formfield_overrides = SHORT_TEXT
    extra = 0
    show_change_link = True

    @admin.display(description="Progress RAG")
    def progress(self, obj):
        return rag_tag(obj.progress_rag)


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ["__str__", "plan", "theme", "order", "action_count"]
    list_select_related = ["plan", "theme"]
    list_filter = ["plan"]
    search_fields = ["title"]
    ordering = ["plan", "order", "pk"]
    autocomplete_fields = ["plan", "theme"]
    list_per_page = 50
    inlines = [ObjectiveActionInline]

    class Media:
        css = ADMIN_MEDIA_CSS

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_actions=Count("actions"))

    @admin.display(description="Actions", ordering="_actions")
    def action_count(self, obj):
        return obj._actions

    def save_formset(self, request, form, formset, change):
        if formset.model is not Action:
            return super().save_formset(request, form, formset, change)
        for action in formset.save(commit=False):
            action.plan_id = action.plan_id or form.instance.plan_id
            action.save()
        for action in formset.deleted_objects:
            action.delete()
        formset.save_m2m()
