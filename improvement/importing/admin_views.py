"""The admin's plan workbook import: upload → (map unknown headers) → preview → confirm.

Hooked onto the Plan admin by PlanWorkbookImportMixin.get_urls. The steps are flow.run_step,
the same as the plan's own import page; the admin decides who may import and shows its pages.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from import_export.admin import ExportMixin

from improvement.importing import flow
from improvement.importing.formats import EXPORT_FORMATS
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
        step = flow.run_step(request, plan=plan)
        if step.shows == flow.DONE:
            messages.success(request, step.message)
            return HttpResponseRedirect(
                reverse(f"{self.admin_site.name}:improvement_plan_change", args=[plan.pk])
            )
        if step.shows == flow.EXPIRED:
            messages.error(request, step.message)
        if step.shows in (flow.EXPIRED, flow.RESTART):
            return HttpResponseRedirect(request.path)
        return self._render(request, plan, f"{step.shows}.html", step.context)

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
