"""The plan workbook import as steps: upload → (map columns) → preview → confirm.

One flow for both ways in through the web: the admin's (admin_views.PlanWorkbookImportMixin)
and the plan's own import page for its improvement leads (improvement.views.plan_import). The
caller decides who may import into which plan and passes that plan; nothing in a step's form
names a plan, so a posted form can only ever import into the plan of the page it was posted to.

Each step posts the stored upload's token back, so the file is read once from the browser and
never trusted from a hidden field. The stored upload's name carries the plan, so a token from
one plan's import is unknown to another's. Every step runs the same import_workbook the command
uses, as a dry run until confirm, which writes all sheets in one transaction or nothing.
"""

import datetime
import json
import uuid
from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from improvement.importing.mapping import ColumnsForm, header_choices
from improvement.importing.reading import TOO_LARGE, WorkbookRefused
from improvement.importing.workbook import (
    ImportSummary,
    import_workbook,
    plan_fields,
    read_sheets,
    remember_choices,
    saved_choices,
)

UPLOAD_EXPIRED = "The uploaded file is no longer available: upload it again."
IMPORTED = "Imported {file}: {new} new, {updated} updated, {unchanged} unchanged."
TMP_DIR = "imports/tmp"
# An upload waits here between preview and confirm; one left unconfirmed longer is abandoned.
UPLOAD_KEPT_FOR = datetime.timedelta(days=1)

# What a step shows (a template of the caller's: upload, mapping or preview), or where it ends.
UPLOAD, MAPPING, PREVIEW = "upload", "mapping", "preview"
DONE, EXPIRED, RESTART = "done", "expired", "restart"


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


def _token_path(plan, token: str) -> str:
    return f"{TMP_DIR}/{plan.pk}-{uuid.UUID(token)}.upload"


class StepForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    filename = forms.CharField(widget=forms.HiddenInput)
    mapping = forms.CharField(widget=forms.HiddenInput, required=False)
    choices = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan

    def clean_token(self):
        token = self.cleaned_data["token"]
        try:
            name = _token_path(self.plan, token)
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
        with default_storage.open(_token_path(self.plan, self.cleaned_data["token"]), "rb") as f:
            return f.read()

    def state(self, mapping: dict, choices: dict) -> dict:
        """What the next step posts back: the same upload, with the mapping chosen so far."""
        return {
            "token": self.cleaned_data["token"],
            "filename": self.cleaned_data["filename"],
            "mapping": json.dumps(mapping),
            "choices": json.dumps(choices),
        }


@dataclass
class Step:
    """A step's outcome: a page to show (`shows` and its context) or an end (DONE, EXPIRED,
    RESTART) with the message to tell the user."""

    shows: str
    context: dict = field(default_factory=dict)
    message: str = ""


def run_step(request, *, plan) -> Step:
    """The step the request asks for, on the plan the caller has allowed this user."""
    step = request.POST.get("step", UPLOAD) if request.method == "POST" else UPLOAD
    if step == UPLOAD:
        return _upload(request, plan)
    form = StepForm(request.POST, plan=plan)
    if not form.is_valid():
        return Step(EXPIRED, message=UPLOAD_EXPIRED)
    if step in ("columns", "map"):
        return _columns(request, plan, form, preview=step == "map")
    if step == "confirm":
        return _confirm(request, plan, form)
    return Step(RESTART)


def _upload(request, plan) -> Step:
    form = UploadForm(request.POST or None, request.FILES or None)
    if not form.is_valid():
        return Step(UPLOAD, {"form": form, "step": "upload"})
    upload = form.cleaned_data["file"]
    forget_abandoned_uploads(now=timezone.now())
    token = str(uuid.uuid4())
    default_storage.save(_token_path(plan, token), ContentFile(upload.read()))
    step = StepForm(
        {"token": token, "filename": upload.name, "mapping": "{}", "choices": "{}"}, plan=plan
    )
    step.is_valid()
    sheets = _sheets(plan, step, {}, {})
    if any(sheet.needs_mapping for sheet in sheets):
        return _show_columns(plan, step, sheets, {}, {})
    return _preview(request, plan, step, {}, {})


def _sheets(plan, form: StepForm, mapping, choices):
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


def _columns(request, plan, form: StepForm, *, preview: bool) -> Step:
    """Read the sheets again with what was posted; preview, or show the columns again."""
    mapping, choices = form.cleaned_data["mapping"], form.cleaned_data["choices"]
    posted = ColumnsForm(
        request.POST, sheets=_sheets(plan, form, mapping, choices), extra=plan_fields(plan)
    )
    if posted.is_valid():
        mapping, choices = posted.chosen_mapping(), posted.chosen_sheets()
    if preview:
        return _preview(request, plan, form, mapping, choices)
    return _show_columns(plan, form, _sheets(plan, form, mapping, choices), mapping, choices)


def _show_columns(plan, form: StepForm, sheets, mapping, choices) -> Step:
    columns = ColumnsForm(
        initial=form.state(mapping, choices), sheets=sheets, extra=plan_fields(plan)
    )
    return Step(MAPPING, {"form": columns, "step": "map"})


def _import(request, plan, form: StepForm, mapping, choices, *, dry_run: bool) -> ImportSummary:
    return import_workbook(
        plan=plan,
        data=form.data_bytes(),
        filename=form.cleaned_data["filename"],
        user=request.user,
        dry_run=dry_run,
        mapping=mapping,
        choices=header_choices(choices),
    )


def _preview(request, plan, form: StepForm, mapping, choices) -> Step:
    summary = _import(request, plan, form, mapping, choices, dry_run=True)
    confirm = StepForm(initial=form.state(mapping, choices), plan=plan)
    context = {"summary": summary, "form": confirm, "mapping": mapping, "step": "preview"}
    return Step(PREVIEW, context)


def _confirm(request, plan, form: StepForm) -> Step:
    mapping, choices = form.cleaned_data["mapping"], form.cleaned_data["choices"]
    # The sheets and the choices the plan keeps for next time, together or not at all.
    with transaction.atomic():
        summary = _import(request, plan, form, mapping, choices, dry_run=False)
        if summary.ok:
            remember_choices(plan, mapping=mapping, sheets=choices)
    if not summary.ok:
        # Nothing was written: import_workbook rolled every sheet back.
        return Step(PREVIEW, {"summary": summary, "form": form, "step": "preview"})
    default_storage.delete(_token_path(plan, form.cleaned_data["token"]))
    message = IMPORTED.format(
        file=form.cleaned_data["filename"],
        new=sum(s.new for s in summary.sheets),
        updated=sum(s.updated for s in summary.sheets),
        unchanged=sum(s.unchanged for s in summary.sheets),
    )
    return Step(DONE, message=message)
