from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from simple_history.admin import SimpleHistoryAdmin

from improvement.criteria import (
    NO_CRITERIA,
    criteria_as_words,
    criteria_from_words,
    standard_criteria,
)
from improvement.importing.admin_views import (
    PlanExportMixin,
    PlanWorkbookImportMixin,
)
from improvement.importing.resources import (
    ActionResource,
    MeasureResource,
    MeasureValueResource,
    RecommendationResource,
    RiskResource,
)
from improvement.models import (
    Action,
    Evidence,
    Lead,
    Measure,
    MeasureValue,
    Milestone,
    Objective,
    Period,
    Plan,
    PlanRole,
    ProgressUpdate,
    Rag,
    Risk,
    Theme,
    lead_authority_errors,
    related,
)
from improvement.rag import MET, NOT_ASSESSED, NOT_MET, assess
from improvement.services import StaleEdit, record_progress
from inspections.admin import RecommendationAdmin as InspectionRecommendationAdmin
from inspections.models import Recommendation

STALE_ADMIN_EDIT = (
    "Someone else saved this action after you opened it (%(who)s changed %(fields)s). "
    "Nothing of yours was saved: reopen the action to see their change and make yours again."
)
SCORE_OUT_OF_RANGE = "Enter a whole number from 1 (lowest) to 5 (highest)."
TARGET_SCORE_OUT_OF_RANGE = "Enter a target score from 1 to 25 (likelihood × impact)."
INSPECTION_OF_OTHER_AUTHORITY = (
    'The inspection "%(inspection)s" is of %(other)s, not of this plan\'s authority.'
)
CRITERIA_IN_WORDS = (
    "One criterion per line; start a line with ! for an essential criterion (one not met makes "
    "the action red). Used when the RAG rule is criteria. A renamed criterion starts again as not "
    "assessed on every action."
)
CRITERIA_ONCE_SAVED = "Rate the action against its plan's criteria once it is saved."
ESSENTIAL_CRITERION = "Essential: not met makes the action red."

# Changes to these go through record_progress, so each writes an attributed ProgressUpdate.
PROGRESS_FIELDS = (
    "progress_rag",
    "status",
    "impact_rag",
    "due_on",
    "commentary",
    "impact_evidence",
)
SHORT_TEXT = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 50})}}
ADMIN_MEDIA_CSS = {"all": ["css/tracker.css", "css/admin.css"]}


def rag_tag(value: str) -> str:
    """The site's RAG tag: the word is always printed, colour is never the only signal."""
    value = value or Rag.NOT_RATED
    return format_html(
        '<strong class="govuk-tag tracker-rag tracker-rag--{}">{}</strong>',
        value,
        Rag(value).label if value in Rag.values else value,
    )


def shorten(text: str, length: int = 80) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


# Plans and their parts -------------------------------------------------------------------------


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


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    list_display = ["name", "authority", "organisation", "email", "actions_led", "users_linked"]
    list_select_related = ["authority"]
    search_fields = ["name", "authority__name", "organisation", "email"]
    list_filter = ["authority", "organisation"]
    ordering = ["name"]
    autocomplete_fields = ["users"]
    list_per_page = 100

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _actions=Count("actions", distinct=True), _users=Count("users", distinct=True)
            )
        )

    @admin.display(description="Actions led", ordering="_actions")
    def actions_led(self, obj):
        return obj._actions

    @admin.display(description="Users", ordering="_users")
    def users_linked(self, obj):
        return obj._users


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


# Actions ---------------------------------------------------------------------------------------


class ActionAdminForm(forms.ModelForm):
    """Routes progress changes through record_progress and refuses edits made from a stale page."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    due_reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 50}),
        help_text="Required when you revise a due date.",
    )

    class Meta:
        model = Action
        # All but `version`, which only the service and save_edit move.
        fields = [
            "plan",
            "reference",
            "number",
            "text",
            "is_key_action",
            "arose_from_inspection",
            "order",
            "theme",
            "period",
            "objective",
            "recommendations",
            "lead",
            "co_leads",
            "delegates",
            "status",
            "progress_rag",
            "commentary",
            "due_on",
            "due_text",
            "due_needs_review",
            "completed_on",
            "expected_impact",
            "impact_evidence",
            "impact_rag",
            "improvement_measure",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expected_version"].initial = self.instance.version
        plan = related(self.instance, "plan")
        self.criteria = plan.criterion_list() if plan is not None else ()
        recorded = self.instance.criteria or {}
        for criterion in self.criteria:
            self.fields[criterion_field(criterion.key)] = forms.TypedChoiceField(
                label=criterion.name,
                choices=CRITERION_CHOICES,
                coerce=ASSESSED.get,
                empty_value=None,
                required=False,
                initial=ANSWER_OF[recorded.get(criterion.key)],
                help_text=ESSENTIAL_CRITERION if criterion.essential else "",
            )

    def progress_changes(self) -> dict:
        changes = {f: self.cleaned_data[f] for f in PROGRESS_FIELDS if f in self.changed_data}
        if "due_on" in changes:
            changes["due_reason"] = self.cleaned_data.get("due_reason", "")
        return changes

    def other_changes(self) -> list[str]:
        ignored = (*PROGRESS_FIELDS, "expected_version", "due_reason")
        return [name for name in self.changed_data if name not in ignored]

    def clean(self):
        cleaned = super().clean()
        plan = cleaned.get("plan")
        if plan is not None and (
            refused := lead_authority_errors(
                authority_id=plan.authority_id, leads=cleaned.get("co_leads") or []
            )
        ):
            self.add_error("co_leads", refused)
        if self.criteria:
            # Answers to criteria the plan no longer asks stay recorded, unread.
            self.instance.criteria = {
                **(self.instance.criteria or {}),
                **{c.key: cleaned.get(criterion_field(c.key)) for c in self.criteria},
            }
        if self.instance.pk is not None and not self.errors:
            self._rehearse()
        return cleaned

    def _rehearse(self) -> None:
        # A dry run of the service, rolled back, so its refusals show as form errors here rather
        # than as a crash in save_model, and the rules live only in the service.
        try:
            with transaction.atomic():
                record_progress(
                    action=Action.objects.get(pk=self.instance.pk),
                    by=None,
                    expected_version=self.cleaned_data["expected_version"],
                    **self.progress_changes(),
                )
                raise _Rehearsal
        except _Rehearsal:
            pass
        except StaleEdit as stale:
            raise ValidationError(
                STALE_ADMIN_EDIT, code="stale", params=describe_stale(stale)
            ) from stale
        except ValidationError as refused:
            errors = refused.message_dict if hasattr(refused, "error_dict") else {}
            for field, messages in (errors or {None: refused.messages}).items():
                self.add_error(field if field in self.fields else None, messages)

    @transaction.atomic
    def save_edit(self, *, by) -> Action:
        """Save a change to an existing action: progress through the service, the rest plainly."""
        action = self.instance
        expected = self.cleaned_data["expected_version"]
        current = Action.objects.select_for_update().get(pk=action.pk)
        changes = self.progress_changes()
        if changes:
            record_progress(action=current, by=by, expected_version=expected, **changes)
        elif current.version != expected:
            raise StaleEdit(action=current, since_version=expected)
        else:
            current.version += 1
        owned = [f for f in changes if f != "due_reason"] + ["completed_on", "version"]
        if "due_on" in changes:
            owned.append("due_needs_review")
        for name in owned:
            setattr(action, name, getattr(current, name))
        if self.other_changes():
            action._history_user = by
            action.save()
        return action


CRITERION_CHOICES = [("met", MET), ("not_met", NOT_MET), ("", NOT_ASSESSED)]
ASSESSED = {"met": True, "not_met": False}
ANSWER_OF = {True: "met", False: "not_met", None: ""}
CRITERION_FIELD_PREFIX = "criterion_"


def criterion_field(key: str) -> str:
    """The form field of one of the plan's criteria: the criteria differ from plan to plan, so
    the fields are made per action rather than declared."""
    return f"{CRITERION_FIELD_PREFIX}{key}"


class _Rehearsal(Exception):
    """Raised to roll back the dry run of record_progress."""


def describe_stale(stale: StaleEdit) -> dict:
    """Who changed the action since the editor's version, and which fields, from its history."""
    history = stale.action.history
    then = history.filter(version=stale.since_version).first()
    now = history.first()
    if then is None or now is None:
        return {"who": "someone", "fields": "it"}
    names = [Action._meta.get_field(c.field).verbose_name for c in now.diff_against(then).changes]
    return {
        "who": now.history_user or "someone",
        "fields": ", ".join(str(n) for n in names if n != "version") or "it",
    }


class MilestoneInline(admin.TabularInline):
    model = Milestone
    fields = ["text", "due_on", "done_on"]
    extra = 0


class EvidenceReadOnly:
    """Evidence is added on the site's update page, where the file is checked and the progress
    update written; the admin shows it, links the file through the download view and can delete
    a row, but cannot add or change one, so nothing reaches storage around those rules."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="File")
    def download(self, obj):
        if not obj.file:
            return "–"
        return format_html(
            '<a href="{}">{}</a>', obj.get_download_url(), obj.original_name or "Download"
        )

    @admin.display(description="Add evidence")
    def add_on_site(self, obj):
        url = reverse(
            "improvement:action_update",
            kwargs={"slug": obj.action.plan.slug, "reference": obj.action.reference},
        )
        return format_html('<a href="{}">On the action\'s update page</a>', url)


class EvidenceInline(EvidenceReadOnly, admin.TabularInline):
    model = Evidence
    fields = ["description", "download", "link", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("action__plan", "uploaded_by")


class ProgressUpdateInline(admin.TabularInline):
    """The action's history of updates, read-only: updates are never edited or deleted."""

    model = ProgressUpdate
    fields = ["at", "by", "progress", "impact", "status_after", "due_on_after", "commentary"]
    readonly_fields = fields
    ordering = ["-at", "-pk"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Progress RAG")
    def progress(self, obj):
        return rag_tag(obj.progress_rag_after)

    @admin.display(description="Impact RAG")
    def impact(self, obj):
        return rag_tag(obj.impact_rag_after)


@admin.register(Action)
class ActionAdmin(PlanExportMixin, SimpleHistoryAdmin):
    resource_classes = [ActionResource]
    form = ActionAdminForm
    list_display = [
        "reference",
        "short_text",
        "plan",
        "period",
        "lead",
        "status",
        "progress",
        "impact",
        "due_on",
        "is_key_action",
    ]
    list_display_links = ["reference", "short_text"]
    list_select_related = ["plan", "period", "lead"]
    list_filter = [
        "plan__authority",
        "plan",
        "status",
        "progress_rag",
        "impact_rag",
        "is_key_action",
        "arose_from_inspection",
        "due_needs_review",
    ]
    search_fields = ["reference", "number", "text", "lead__name"]
    ordering = ["plan", "order", "pk"]
    date_hierarchy = "due_on"
    autocomplete_fields = [
        "plan",
        "theme",
        "period",
        "objective",
        "lead",
        "co_leads",
        "recommendations",
        "delegates",
    ]
    readonly_fields = ["first_due_on", "updated_at", "criteria_answers"]
    list_per_page = 50
    inlines = [MilestoneInline, EvidenceInline, ProgressUpdateInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "plan",
                    "reference",
                    "number",
                    "text",
                    "is_key_action",
                    "arose_from_inspection",
                    "order",
                ]
            },
        ),
        ("Where it sits", {"fields": ["theme", "period", "objective", "recommendations"]}),
        ("Who", {"fields": ["lead", "co_leads", "delegates"]}),
        (
            "Progress",
            {
                "description": "A change here writes a progress update in your name.",
                "fields": [
                    "status",
                    "progress_rag",
                    "commentary",
                    "due_on",
                    "due_reason",
                    "due_text",
                    "due_needs_review",
                    "first_due_on",
                    "completed_on",
                    "expected_version",
                ],
            },
        ),
        (
            "Impact",
            {
                "fields": [
                    "expected_impact",
                    "impact_evidence",
                    "impact_rag",
                    "improvement_measure",
                ]
            },
        ),
        (None, {"fields": ["updated_at"]}),
    ]

    class Media:
        css = ADMIN_MEDIA_CSS

    @admin.display(description="Action")
    def short_text(self, obj):
        return shorten(obj.text)

    def get_fieldsets(self, request, obj=None):
        plan = obj.plan if obj is not None else None
        rating = {"classes": ["collapse"], "fields": []}
        if plan is None:
            rating["description"] = CRITERIA_ONCE_SAVED
        elif not self.has_change_permission(request, obj):
            rating["fields"] = ["criteria_answers"]
        else:
            rating["fields"] = [criterion_field(c.key) for c in plan.criterion_list()]
        *fieldsets, last = super().get_fieldsets(request, obj)
        return [*fieldsets, ("Rating by criteria", rating), last]

    @admin.display(description="Criteria")
    def criteria_answers(self, obj):
        return format_html_join(
            mark_safe("<br>"),
            "{}: {}",
            (
                (a.criterion.name, a.label)
                for a in assess(obj.plan.criterion_list(), obj.criteria or {})
            ),
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The criterion fields are added by the form itself; the model knows none of them.
        fields = kwargs.pop("fields", None) or flatten_fieldsets(self.get_fieldsets(request, obj))
        kwargs["fields"] = [f for f in fields if not f.startswith(CRITERION_FIELD_PREFIX)]
        return super().get_form(request, obj, change, **kwargs)

    @admin.display(description="Progress RAG", ordering="progress_rag")
    def progress(self, obj):
        return rag_tag(obj.progress_rag)

    @admin.display(description="Impact RAG", ordering="impact_rag")
    def impact(self, obj):
        return rag_tag(obj.impact_rag)

    def save_model(self, request, obj, form, change):
        if change:
            form.save_edit(by=request.user)
        else:
            super().save_model(request, obj, form, change)


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(admin.ModelAdmin):
    """View only: progress updates are the audit trail and are never edited or deleted."""

    list_display = ["action", "at", "by", "progress", "impact", "status_after", "due_on_after"]
    list_select_related = ["action", "by"]
    list_filter = ["progress_rag_after", "impact_rag_after", "status_after"]
    search_fields = ["action__reference", "commentary", "by__username"]
    ordering = ["-at", "-pk"]
    date_hierarchy = "at"
    list_per_page = 100

    class Media:
        css = ADMIN_MEDIA_CSS

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Progress RAG", ordering="progress_rag_after")
    def progress(self, obj):
        return format_html(
            "{} → {}", rag_tag(obj.progress_rag_before), rag_tag(obj.progress_rag_after)
        )

    @admin.display(description="Impact RAG", ordering="impact_rag_after")
    def impact(self, obj):
        return format_html("{} → {}", rag_tag(obj.impact_rag_before), rag_tag(obj.impact_rag_after))


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ["text", "action", "due_on", "done_on"]
    list_select_related = ["action"]
    search_fields = ["text", "action__reference"]
    ordering = ["action", "due_on", "pk"]
    autocomplete_fields = ["action"]
    list_per_page = 100


@admin.register(Evidence)
class EvidenceAdmin(EvidenceReadOnly, admin.ModelAdmin):
    list_display = ["__str__", "action", "uploaded_by", "uploaded_at"]
    list_select_related = ["action__plan", "uploaded_by"]
    search_fields = ["description", "link", "original_name", "action__reference"]
    ordering = ["-uploaded_at"]
    fields = [
        "action",
        "update",
        "description",
        "download",
        "link",
        "uploaded_by",
        "uploaded_at",
        "add_on_site",
    ]
    readonly_fields = fields
    list_per_page = 100

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("action__plan", "uploaded_by")


# Measures and risks ----------------------------------------------------------------------------


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


class RiskAdminForm(forms.ModelForm):
    class Meta:
        model = Risk
        fields = [
            "plan",
            "reference",
            "description",
            "owner",
            "status",
            "order",
            "raised_on",
            "reviewed_on",
            "review_text",
            "likelihood",
            "impact",
            "existing_controls",
            "additional_controls",
            "residual_likelihood",
            "residual_impact",
            "target_score",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("likelihood", "impact", "residual_likelihood", "residual_impact"):
            self.fields[name].error_messages.update(
                min_value=SCORE_OUT_OF_RANGE, max_value=SCORE_OUT_OF_RANGE
            )
            self.fields[name].validators += [_between(1, 5, SCORE_OUT_OF_RANGE)]
        self.fields["target_score"].validators += [_between(1, 25, TARGET_SCORE_OUT_OF_RANGE)]


def _between(low: int, high: int, message: str):
    def validate(value):
        if value is not None and not low <= value <= high:
            raise ValidationError(message, code="out_of_range")

    return validate


@admin.register(Risk)
class RiskAdmin(PlanExportMixin, SimpleHistoryAdmin):
    resource_classes = [RiskResource]
    form = RiskAdminForm
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
    readonly_fields = ["score", "residual_score"]
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["plan", "reference", "description", "owner", "status", "order"]}),
        ("Review", {"fields": ["raised_on", "reviewed_on", "review_text"]}),
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
                ]
            },
        ),
    ]

    @admin.display(description="Risk")
    def short_description(self, obj):
        return shorten(obj.description)


# inspections/ knows no other app, so recommendations gain their plan-scoped import here.
admin.site.unregister(Recommendation)


@admin.register(Recommendation)
class RecommendationAdmin(PlanExportMixin, InspectionRecommendationAdmin):
    resource_classes = [RecommendationResource]
