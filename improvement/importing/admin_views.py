"""The admin's plan workbook import: upload → (map unknown headers) → preview → confirm.

Hooked onto the Plan admin by PlanWorkbookImportMixin.get_urls. Each step posts the stored
upload's token back, so the file is read once from the browser and never trusted from a hidden
field; every step runs the same import_workbook the command uses, as a dry run until confirm.
"""

import datetime
import json
import uuid

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from import_export.admin import ExportMixin

from improvement.importing.formats import EXPORT_FORMATS
from improvement.importing.mapping import ColumnsForm, header_choices
from improvement.importing.reading import TOO_LARGE, WorkbookRefused
from improvement.importing.workbook import (
    import_workbook,
    plan_fields,
    read_sheets,
    remember_choices,
    saved_choices,
)
from improvement.models import (
    Action,
    Lead,
    Measure,
    MeasureValue,
    Objective,
    Period,
    Plan,
    Risk,
    Theme,
)
from inspections.models import Inspection, Recommendation

UPLOAD_EXPIRED = "The uploaded file is no longer available: upload it again."
IMPORTED = "Imported {file}: {new} new, {updated} updated, {unchanged} unchanged."
TMP_DIR = "imports/tmp"
# An upload waits here between preview and confirm; one left unconfirmed longer is abandoned.
UPLOAD_KEPT_FOR = datetime.timedelta(days=1)
# What a plan workbook import can add or update. Importing needs, besides change on the plan,
# "add" and IMPORT_EXPORT_IMPORT_PERMISSION_CODE ("change") on every one of them: an import does
# nothing its user could not do by hand in the admin.
IMPORT_WRITES = (
    Inspection,
    Recommendation,
    Theme,
    Period,
    Objective,
    Lead,
    Action,
    Risk,
    Measure,
    MeasureValue,
)


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Plan workbook",
        help_text=".xlsx with sheets for recommendations, actions, risks and measures, or a CSV.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                TOO_LARGE.format(size=upload.size, limit=settings.IMPORT_MAX_BYTES)
            )
        return upload


def forget_abandoned_uploads(*, now: datetime.datetime) -> int:
    """Delete uploads older than UPLOAD_KEPT_FOR that no one confirmed; returns how many."""
    try:
        _, names = default_storage.listdir(TMP_DIR)
    except FileNotFoundError:
        return 0
    forgotten = 0
    for name in names:
        path = f"{TMP_DIR}/{name}"
        if now - default_storage.get_modified_time(path) > UPLOAD_KEPT_FOR:
            default_storage.delete(path)
            forgotten += 1
    return forgotten


def _token_path(token: str) -> str:
    return f"{TMP_DIR}/{uuid.UUID(token)}.upload"


class StepForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    filename = forms.CharField(widget=forms.HiddenInput)
    mapping = forms.CharField(widget=forms.HiddenInput, required=False)
    choices = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_token(self):
        token = self.cleaned_data["token"]
        try:
            name = _token_path(token)
        except ValueError:
            raise forms.ValidationError(UPLOAD_EXPIRED) from None
        if not default_storage.exists(name):
            raise forms.ValidationError(UPLOAD_EXPIRED)
        return token

    def clean_mapping(self):
        try:
            mapping = json.loads(self.cleaned_data["mapping"] or "{}")
        except json.JSONDecodeError:
            mapping = {}
        return {str(k): str(v) for k, v in mapping.items()} if isinstance(mapping, dict) else {}

    def clean_choices(self):
        try:
            choices = json.loads(self.cleaned_data["choices"] or "{}")
        except json.JSONDecodeError:
            choices = {}
        return choices if isinstance(choices, dict) else {}

    def data_bytes(self) -> bytes:
        with default_storage.open(_token_path(self.cleaned_data["token"]), "rb") as stored:
            return stored.read()


def import_permissions() -> list[str]:
    """The permissions a plan workbook import needs beyond change on the plan itself."""
    code = settings.IMPORT_EXPORT_IMPORT_PERMISSION_CODE
    return [
        f"{model._meta.app_label}.{get_permission_codename(action, model._meta)}"
        for model in IMPORT_WRITES
        for action in ("add", code)
    ]


class PlanWorkbookImportMixin:
    """Adds "Import workbook" to the Plan admin, for those allowed to write what it imports."""

    def get_urls(self):
        urls = [
            path(
                "<int:plan_id>/import-workbook/",
                self.admin_site.admin_view(self.import_workbook_view),
                name="improvement_plan_import_workbook",
            ),
        ]
        return urls + super().get_urls()

    def has_workbook_import_permission(self, request, plan=None) -> bool:
        return self.has_change_permission(request, plan) and request.user.has_perms(
            import_permissions()
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "has_workbook_import_permission": self.has_workbook_import_permission(request),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def import_workbook_view(self, request, plan_id):
        # Refused before the plan is looked up, so a refusal says nothing about which plans exist.
        if not self.has_workbook_import_permission(request):
            raise PermissionDenied
        plan = get_object_or_404(Plan, pk=plan_id)
        if not self.has_workbook_import_permission(request, plan):
            raise PermissionDenied
        step = request.POST.get("step", "upload") if request.method == "POST" else "upload"
        if step == "upload":
            return self._upload(request, plan)
        form = StepForm(request.POST)
        if not form.is_valid():
            messages.error(request, UPLOAD_EXPIRED)
            return HttpResponseRedirect(request.path)
        if step in ("columns", "map"):
            return self._columns(request, plan, form, preview=step == "map")
        if step == "confirm":
            return self._confirm(request, plan, form)
        return HttpResponseRedirect(request.path)

    def _upload(self, request, plan):
        form = UploadForm(request.POST or None, request.FILES or None)
        if not form.is_valid():
            return self._render(request, plan, "upload.html", {"form": form, "step": "upload"})
        upload = form.cleaned_data["file"]
        forget_abandoned_uploads(now=timezone.now())
        token = str(uuid.uuid4())
        default_storage.save(_token_path(token), ContentFile(upload.read()))
        step = StepForm({"token": token, "filename": upload.name, "mapping": "{}", "choices": "{}"})
        step.is_valid()
        sheets = self._sheets(plan, step, {}, {})
        if any(sheet.needs_mapping for sheet in sheets):
            return self._render_columns(request, plan, step, sheets, {}, {})
        return self._preview(request, plan, step, {}, {})

    def _sheets(self, plan, form, mapping, choices):
        try:
            return read_sheets(
                form.data_bytes(),
                filename=form.cleaned_data["filename"],
                mapping={**(plan.import_mapping or {}), **mapping},
                choices={**saved_choices(plan), **header_choices(choices)},
                plan=plan,
            )
        except WorkbookRefused:
            return []  # the preview shows the file's error

    def _columns(self, request, plan, form, *, preview: bool):
        """Read the sheets again with what was posted; preview, or show the columns again."""
        mapping, choices = form.cleaned_data["mapping"], form.cleaned_data["choices"]
        posted = ColumnsForm(
            request.POST, sheets=self._sheets(plan, form, mapping, choices), extra=plan_fields(plan)
        )
        if posted.is_valid():
            mapping, choices = posted.chosen_mapping(), posted.chosen_sheets()
        if preview:
            return self._preview(request, plan, form, mapping, choices)
        sheets = self._sheets(plan, form, mapping, choices)
        return self._render_columns(request, plan, form, sheets, mapping, choices)

    def _preview(self, request, plan, form, mapping, choices):
        summary = import_workbook(
            plan=plan,
            data=form.data_bytes(),
            filename=form.cleaned_data["filename"],
            user=request.user,
            dry_run=True,
            mapping=mapping,
            choices=header_choices(choices),
        )
        confirm = StepForm(initial=self._state(form, mapping, choices))
        context = {"summary": summary, "form": confirm, "mapping": mapping, "step": "preview"}
        return self._render(request, plan, "preview.html", context)

    @staticmethod
    def _state(form, mapping, choices) -> dict:
        return {
            "token": form.cleaned_data["token"],
            "filename": form.cleaned_data["filename"],
            "mapping": json.dumps(mapping),
            "choices": json.dumps(choices),
        }

    def _confirm(self, request, plan, form):
        mapping, choices = form.cleaned_data["mapping"], form.cleaned_data["choices"]
        summary = import_workbook(
            plan=plan,
            data=form.data_bytes(),
            filename=form.cleaned_data["filename"],
            user=request.user,
            dry_run=False,
            mapping=mapping,
            choices=header_choices(choices),
        )
        if not summary.ok:
            context = {"summary": summary, "form": form, "step": "preview"}
            return self._render(request, plan, "preview.html", context)
        remember_choices(plan, mapping=mapping, sheets=choices)
        default_storage.delete(_token_path(form.cleaned_data["token"]))
        messages.success(
            request,
            IMPORTED.format(
                file=form.cleaned_data["filename"],
                new=sum(s.new for s in summary.sheets),
                updated=sum(s.updated for s in summary.sheets),
                unchanged=sum(s.unchanged for s in summary.sheets),
            ),
        )
        return HttpResponseRedirect(
            reverse(f"{self.admin_site.name}:improvement_plan_change", args=[plan.pk])
        )

    def _render_columns(self, request, plan, form, sheets, mapping, choices):
        columns = ColumnsForm(
            initial=self._state(form, mapping, choices), sheets=sheets, extra=plan_fields(plan)
        )
        return self._render(request, plan, "mapping.html", {"form": columns, "step": "map"})

    def _render(self, request, plan, template, context):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": plan,
            "plan": plan,
            "title": f"Import a workbook into {plan}",
            **context,
        }
        return TemplateResponse(request, f"admin/improvement/plan/import_{template}", context)


class PlanExportMixin(ExportMixin):
    """django-import-export's admin export for one kind of plan object; no per-model import.

    Every admin import is the plan workbook import (PlanWorkbookImportMixin), which runs the
    workbook checks; the library's own import and process_import URLs answer 404 here.
    """

    def get_urls(self):
        gone = [path("import/", _no_such_page), path("process_import/", _no_such_page)]
        return gone + super().get_urls()

    def has_export_permission(self, request):
        # The library checks IMPORT_EXPORT_EXPORT_PERMISSION_CODE ("view"); as everywhere in
        # Django's admin, whoever may change the list may also view it.
        return super().has_export_permission(request) or self.has_change_permission(request)

    def get_export_formats(self):
        return [f for f in EXPORT_FORMATS if f().can_export()]

    def get_export_resource_kwargs(self, request, **kwargs):
        return {"plan": None}


def _no_such_page(request, *args, **kwargs):
    raise Http404
