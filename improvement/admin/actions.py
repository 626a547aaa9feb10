"""Actions, their milestones, progress updates and evidence.

The admin is not a second editor of progress: an action's RAG, status, commentary, impact
evidence, dates of completion and due-date revisions, its evidence and its sign-off change only
on the site's update page, through the service that checks the rules, writes the progress update
and tells people. Here they are shown read-only beside a link to that page; what the plan says
an action is (its text, where it sits, who leads it, its criteria answers) stays editable.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from simple_history.admin import SimpleHistoryAdmin

from improvement import services
from improvement.admin.display import ADMIN_MEDIA_CSS, rag_tag, shorten
from improvement.importing.admin_views import PlanExportMixin
from improvement.importing.resources import ActionResource
from improvement.models import (
    Action,
    Evidence,
    Milestone,
    ProgressUpdate,
    lead_authority_errors,
    related,
)
from improvement.rag import MET, NOT_ASSESSED, NOT_MET, assess

CRITERIA_ONCE_SAVED = "Rate the action against its plan's criteria once it is saved."
ESSENTIAL_CRITERION = "Essential: not met makes the action red."
RECORD_PROGRESS_ON_THE_SITE = "Record progress on the site"
PROGRESS_ONCE_SAVED = "Record progress on the site once the action is saved."
PROGRESS_IS_THE_SITES = (
    "Progress, evidence and sign-off are recorded on the site's update page, where each change "
    "is checked and written as a progress update. They are shown here read-only."
)

# What only the site's update page (and the sign-off pages) write: the admin shows them and
# keeps, on every save, what the row holds then rather than what the page was opened with.
PROGRESS_FIELDS = (
    "status",
    "progress_rag",
    "commentary",
    "completed_on",
    "impact_evidence",
    "impact_rag",
    "version",
)
# A due date is the plan's when the action is added; once it exists, a new one is a revision,
# recorded with its reason on the update page.
DUE_FIELDS = ("due_on", "due_needs_review")

CRITERION_CHOICES = [("met", MET), ("not_met", NOT_MET), ("", NOT_ASSESSED)]
ASSESSED = {"met": True, "not_met": False}
ANSWER_OF = {True: "met", False: "not_met", None: ""}
CRITERION_FIELD_PREFIX = "criterion_"


def criterion_field(key: str) -> str:
    """The form field of one of the plan's criteria: the criteria differ from plan to plan, so
    the fields are made per action rather than declared."""
    return f"{CRITERION_FIELD_PREFIX}{key}"


def update_page_url(action: Action) -> str:
    return reverse(
        "improvement:action_update",
        kwargs={"slug": action.plan.slug, "reference": action.reference},
    )


class ActionAdminForm(forms.ModelForm):
    """What the plan says an action is, and its answers to the plan's criteria."""

    class Meta:
        model = Action
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
            "due_on",
            "due_text",
            "due_needs_review",
            "expected_impact",
            "improvement_measure",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
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
        return cleaned


class ViewOnly:
    """Rows only the site's services write: the admin reads them and changes nothing."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EvidenceReadOnly(ViewOnly):
    """Evidence is added on the site's update page, where the file is checked and the progress
    update written; the admin shows it and links the file through the download view, which asks
    the site's own permission checks."""

    @admin.display(description="File")
    def download(self, obj):
        if not obj.file:
            return "–"
        return format_html(
            '<a href="{}">{}</a>', obj.get_download_url(), obj.original_name or "Download"
        )

    @admin.display(description="Add evidence")
    def add_on_site(self, obj):
        return format_html(
            '<a href="{}">On the action\'s update page</a>', update_page_url(obj.action)
        )


class MilestoneInline(admin.TabularInline):
    model = Milestone
    fields = ["text", "due_on", "done_on"]
    extra = 0


class EvidenceInline(EvidenceReadOnly, admin.TabularInline):
    model = Evidence
    fields = ["description", "download", "link", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("action__plan", "uploaded_by")


class ProgressUpdateInline(ViewOnly, admin.TabularInline):
    """The action's history of updates, read-only: updates are never edited or deleted."""

    model = ProgressUpdate
    fields = ["at", "by", "progress", "impact", "status_after", "due_on_after", "commentary"]
    readonly_fields = fields
    ordering = ["-at", "-pk"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")

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
    readonly_fields = [
        "record_on_site",
        "status",
        "progress",
        "commentary",
        "first_due_on",
        "completed_on",
        "version",
        "impact_evidence",
        "impact",
        "updated_at",
        "criteria_answers",
    ]
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
                "description": PROGRESS_IS_THE_SITES,
                "fields": [
                    "record_on_site",
                    "status",
                    "progress",
                    "commentary",
                    "due_on",
                    "due_text",
                    "due_needs_review",
                    "first_due_on",
                    "completed_on",
                    "version",
                ],
            },
        ),
        (
            "Impact",
            {"fields": ["expected_impact", "impact_evidence", "impact", "improvement_measure"]},
        ),
        (None, {"fields": ["updated_at"]}),
    ]

    class Media:
        css = ADMIN_MEDIA_CSS

    @admin.display(description="Action")
    def short_text(self, obj):
        return shorten(obj.text)

    @admin.display(description="Progress RAG", ordering="progress_rag")
    def progress(self, obj):
        return rag_tag(obj.progress_rag)

    @admin.display(description="Impact RAG", ordering="impact_rag")
    def impact(self, obj):
        return rag_tag(obj.impact_rag)

    @admin.display(description="Update")
    def record_on_site(self, obj):
        if obj.pk is None:
            return PROGRESS_ONCE_SAVED
        return format_html('<a href="{}">{}</a>', update_page_url(obj), RECORD_PROGRESS_ON_THE_SITE)

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

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return [*readonly, *DUE_FIELDS] if obj is not None else readonly

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

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The criterion fields are added by the form itself; the model knows none of them.
        fields = kwargs.pop("fields", None) or flatten_fieldsets(self.get_fieldsets(request, obj))
        kwargs["fields"] = [f for f in fields if not f.startswith(CRITERION_FIELD_PREFIX)]
        return super().get_form(request, obj, change, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            services.add_action(action=obj, by=request.user)
        elif form.has_changed():
            changed = [str(form.fields[name].label or name) for name in form.changed_data]
            services.edit_action_details(action=obj, by=request.user, changed=changed)


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(ViewOnly, admin.ModelAdmin):
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
