from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from boards.models import (
    Attendance,
    Board,
    Meeting,
    MeetingAction,
    Pack,
    plan_authority_errors,
)

SHORT_TEXT = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 50})}}


class BoardAdminForm(forms.ModelForm):
    class Meta:
        model = Board
        fields = [
            "authority",
            "name",
            "plans",
            "chair_name",
            "chair_role",
            "chair",
            "members",
            "pack_cutoff_days",
            "reminder_days_before_cutoff",
        ]

    def clean(self):
        cleaned = super().clean()
        authority = cleaned.get("authority")
        if authority is not None and (
            refused := plan_authority_errors(
                authority_id=authority.pk, plans=cleaned.get("plans") or []
            )
        ):
            self.add_error("plans", refused)
        return cleaned


@admin.register(Board)
class BoardAdmin(admin.ModelAdmin):
    form = BoardAdminForm
    list_display = ["name", "authority", "chair_name", "chair", "meeting_count"]
    list_select_related = ["authority", "chair"]
    list_filter = ["authority"]
    search_fields = ["name", "authority__name", "chair_name"]
    ordering = ["name"]
    autocomplete_fields = ["plans", "chair", "members"]
    list_per_page = 50

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_meetings=Count("meetings"))

    @admin.display(description="Meetings", ordering="_meetings")
    def meeting_count(self, obj):
        return obj._meetings


class AttendanceInline(admin.TabularInline):
    model = Attendance
    fields = ["order", "name", "role", "kind"]
    extra = 0


class MeetingActionInline(admin.TabularInline):
    model = MeetingAction
    fk_name = "meeting"
    fields = ["number", "agenda_item", "text", "owner", "owner_text", "due_text", "status"]
    autocomplete_fields = ["owner"]
    formfield_overrides = SHORT_TEXT
    extra = 0
    show_change_link = True


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "title", "held_on", "board", "people", "action_count"]
    list_select_related = ["board"]
    list_filter = ["board__authority", "board"]
    search_fields = ["title", "board__name", "held_on"]
    ordering = ["board", "-held_on"]
    date_hierarchy = "held_on"
    autocomplete_fields = ["board"]
    list_per_page = 50
    inlines = [AttendanceInline, MeetingActionInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _people=Count("attendance", distinct=True),
                _actions=Count("actions", distinct=True),
            )
        )

    @admin.display(description="Attendance", ordering="_people")
    def people(self, obj):
        return obj._people

    @admin.display(description="Actions", ordering="_actions")
    def action_count(self, obj):
        return obj._actions


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["name", "role", "kind", "meeting"]
    list_select_related = ["meeting__board"]
    list_filter = ["kind", "meeting__board__authority", "meeting__board"]
    search_fields = ["name", "role"]
    ordering = ["meeting", "kind", "order"]
    autocomplete_fields = ["meeting"]
    list_per_page = 100


@admin.register(MeetingAction)
class MeetingActionAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "short_text", "owner", "due_on", "due_text", "status", "closed_at"]
    list_select_related = ["meeting__board", "owner", "closed_at__board"]
    list_filter = ["status", "meeting__board__authority", "meeting__board"]
    search_fields = ["text", "agenda_item", "owner__name", "owner_text"]
    ordering = ["meeting", "number"]
    autocomplete_fields = ["meeting", "owner", "closed_at"]
    list_per_page = 50

    @admin.display(description="Action")
    def short_text(self, obj):
        return obj.text if len(obj.text) <= 80 else obj.text[:79] + "…"


@admin.register(Pack)
class PackAdmin(admin.ModelAdmin):
    """Read-only: packs are issued through the issue page or `board_pack`, and never edited."""

    list_display = ["__str__", "board", "as_at", "version", "status", "stage", "pages", "issued_at"]
    list_select_related = ["plan", "board"]
    list_filter = ["status", "plan__authority", "board", "plan"]
    ordering = ["plan", "-as_at", "-version"]
    # The copies are linked through their permission-checked downloads, never the stored file.
    exclude = ["snapshot", "pdf", "archive_pdf"]
    readonly_fields = ["reading_copy", "archive_copy"]
    list_per_page = 50

    @admin.display(description="Reading copy")
    def reading_copy(self, obj):
        return self._copy_link(obj.pdf, "boards:download", obj)

    @admin.display(description="Archive copy")
    def archive_copy(self, obj):
        return self._copy_link(obj.archive_pdf, "boards:archive", obj)

    @staticmethod
    def _copy_link(stored, url_name: str, obj):
        if not stored or not obj.is_issued:
            return "–"
        return format_html('<a href="{}">Download</a>', reverse(url_name, kwargs={"pk": obj.pk}))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
