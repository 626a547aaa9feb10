"""The action plan sheet: one row per action, found again by its reference."""

import datetime
from functools import partial

from django.core.exceptions import ValidationError
from import_export import fields

from improvement.importing.cells import (
    CellError,
    action_reference,
    infer_milestone_date,
    parse_criterion,
    parse_due,
    parse_flag,
    split_inspection_marker,
    split_lead_cell,
    split_leads,
    split_milestones,
    text_of,
)
from improvement.importing.headers import CRITERION_PREFIX
from improvement.importing.resources.base import PlanResource
from improvement.importing.widgets import (
    CURRENT_DUE,
    CellWidget,
    ChoiceWidget,
    CurrentDueField,
    DueField,
    InPlanWidget,
    LeadListWidget,
    LeadWidget,
    ProgressField,
    RagField,
    RecommendationListWidget,
    TextWidget,
)
from improvement.models import (
    DONE_STATUSES,
    Action,
    Milestone,
    Plan,
    ProgressUpdate,
    Status,
    due_revision_q,
)
from improvement.services import record_new_actions, record_sheet_row

NO_REFERENCE = "This action has no number or reference, so it cannot be found again next time."
DUE_NEEDS_REVIEW = 'Due date "{text}" is not a real date: kept as written, flagged for review.'
DUE_READ_AS = 'Due date "{text}" {read_as}: check it.'
DUE_FROM_LEAD_CELL = 'Due date "{text}" was written in the lead cell and read as the due date.'
MILESTONE_YEAR = 'Milestone "{text}": {how}.'
MARKED_FROM_INSPECTION = "Marked * in the action text: read as arising from the latest inspection."
IMPORT_COMMENTARY = "Updated from a spreadsheet import."
IMPORT_ADDED = "Added from a spreadsheet import."
IMPORT_DUE_REASON = "Due date changed in an imported spreadsheet."
SIGNED_OFF_STATUS_KEPT = (
    'Action {ref} was signed off ({status}) in the site; the sheet\'s status "{sheet}" was not '
    "applied."
)
AWAITING_SIGN_OFF_STATUS_KEPT = (
    'Action {ref} is awaiting sign-off in the site; the sheet\'s status "{sheet}" was not applied.'
)
SIGNED_OFF_RAG_KEPT = (
    'Action {ref} was signed off ({status}) in the site; the sheet\'s RAG "{sheet}" was not '
    "applied."
)
REVISED_DUE_KEPT = (
    "Action {ref}'s due date was revised to {current} after this sheet was made; the sheet's "
    "due date {sheet} was not applied."
)
# Statuses an import never moves an action back from: asked for sign-off, or signed off.
SIGNED_OFF = (Status.AWAITING_SIGN_OFF, *DONE_STATUSES)


def _earlier(status: str, *, than: str) -> bool:
    order = list(Status)
    return order.index(Status(status)) < order.index(Status(than))


def _criterion_cell(action, *, key: str) -> str:
    met = (action.criteria or {}).get(key)
    return "" if met is None else ("Met" if met else "Not met")


def _milestone_line(milestone) -> str:
    """A milestone as the importer reads it back: "13 Mar 2017 - Launch of the academy"."""
    if milestone.due_on is None:
        return milestone.text
    return f"{milestone.due_on:%d %b %Y} - {milestone.text}"


def _lead_names(action) -> str:
    names = [action.lead.name] if action.lead else []
    return "\n".join(names + [lead.name for lead in action.co_leads.all()])


class ActionResource(PlanResource):
    reference = fields.Field("reference", "reference", widget=TextWidget())
    theme = fields.Field("theme", "theme")
    period = fields.Field("period", "period")
    objective = fields.Field("objective", "objective")
    no = fields.Field("number", "no", widget=TextWidget())
    key_action = fields.Field(
        "is_key_action", "key_action", widget=CellWidget(parse_flag, render=lambda v: v)
    )
    recs = fields.Field("recommendations", "recs")
    action = fields.Field("text", "action", widget=TextWidget(required=True))
    by_when = DueField("due_text", "by_when")
    due_date = CurrentDueField("due_on", CURRENT_DUE)
    lead = fields.Field("lead", "lead")
    co_leads = fields.Field("co_leads", "co_leads")
    impact = fields.Field("expected_impact", "impact", widget=TextWidget())
    # Blank keeps the evidence an officer gave when asking for sign-off.
    impact_tested = fields.Field(
        "impact_evidence",
        "impact_tested",
        widget=TextWidget(blank_is_none=True),
        saves_null_values=False,
    )
    progress_rag = ProgressField("progress_rag", "progress_rag")
    impact_rag = RagField("impact_rag", "impact_rag")
    # A blank status cell keeps the status; a new action starts as the model's default.
    status = fields.Field(
        "status", "status", widget=ChoiceWidget(Status, blank_is_none=True), saves_null_values=False
    )
    # A blank comments cell keeps the commentary officers wrote since the sheet was made.
    comments = fields.Field(
        "commentary",
        "comments",
        widget=TextWidget(blank_is_none=True),
        saves_null_values=False,
    )
    improvement_measure = fields.Field(
        "improvement_measure", "improvement_measure", widget=TextWidget()
    )
    arose_from_inspection = fields.Field(
        "arose_from_inspection",
        "arose_from_inspection",
        widget=CellWidget(parse_flag, render=lambda v: v),
    )
    # Read in before_import_row and saved after the sheet (see _save_milestones).
    milestones = fields.Field(column_name="milestones", readonly=True)

    class Meta(PlanResource.Meta):
        model = Action
        fields = (
            "reference",
            "theme",
            "period",
            "objective",
            "no",
            "key_action",
            "recs",
            "action",
            "by_when",
            "due_date",
            "lead",
            "co_leads",
            "impact",
            "impact_tested",
            "progress_rag",
            "status",
            "comments",
            "improvement_measure",
            "impact_rag",
            "arose_from_inspection",
            "milestones",
        )
        import_id_fields = ("reference",)
        export_order = fields
        # The current due date is read before by_when, which looks at it (see DueField).
        import_order = ("due_date",)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._revised_from = None
        for name in ("theme", "period", "objective"):
            self.fields[name].widget = InPlanWidget(self, name)
        self.criteria_fields = []
        if self.plan is not None and self.plan.rag_rule == Plan.RagRule.CRITERIA:
            for criterion in self.plan.criterion_list():
                name = f"{CRITERION_PREFIX}{criterion.key}"
                self.fields[name] = fields.Field(
                    column_name=name,
                    readonly=True,
                    dehydrate_method=partial(_criterion_cell, key=criterion.key),
                )
                self.criteria_fields.append(self.fields[name])
        self.fields["recs"].widget = RecommendationListWidget(self)
        self.fields["lead"].widget = LeadWidget(self.leads)
        self.fields["co_leads"].widget = LeadListWidget(self.leads)

    def get_queryset(self):
        return (
            Action.objects.filter(plan=self.plan)
            .select_related("theme", "period", "objective", "lead")
            .prefetch_related("recommendations", "co_leads", "milestones")
        )

    def get_export_fields(self, selected_fields=None):
        chosen = [
            f
            for f in super().get_export_fields(selected_fields)
            if f.column_name != "co_leads" and f not in self.criteria_fields
        ]
        return chosen + self.criteria_fields

    def dehydrate_lead(self, action):
        return _lead_names(action)

    def dehydrate_milestones(self, action):
        return "\n".join(_milestone_line(m) for m in action.milestones.all())

    @staticmethod
    def key_of(action) -> str:
        return action.reference

    @staticmethod
    def row_key(row) -> str:
        return text_of(row.get("reference"))

    def before_import(self, dataset, **kwargs):
        # Most sheets have no reference column: it is derived from period and number per row.
        if "reference" not in dataset.headers:
            dataset.append_col([""] * len(dataset), header="reference")
        self._milestones_wanted: dict[str, list[tuple[str, datetime.date | None]]] = {}

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        if not text_of(row.get("reference")):
            row["reference"] = action_reference(
                number=row.get("no"), period=text_of(row.get("period")), theme=row.get("theme")
            )
        if "action" in row:
            text, marked = split_inspection_marker(text_of(row["action"]))
            row["action"] = text
            if marked:
                row["arose_from_inspection"] = True
                self.warn("action", "", MARKED_FROM_INSPECTION)
        if "lead" in row:
            self._read_lead_cell(row)
        if "milestones" in row:
            self._milestones_wanted[text_of(row["reference"])] = self._read_milestones(row)

    def _read_lead_cell(self, row) -> None:
        """The lead, the co-leads and any deadline written under them, from one cell."""
        cell = split_lead_cell(row["lead"], known=self.leads().knows)
        row["lead"] = "\n".join(cell.names)
        if "co_leads" not in row:
            row["co_leads"] = "\n".join(cell.names[1:])
        if cell.due_text and not text_of(row.get("by_when")):
            row["by_when"] = cell.due_text
            self.warn("lead", cell.due_text, DUE_FROM_LEAD_CELL.format(text=cell.due_text))

    def _read_milestones(self, row) -> list[tuple[str, datetime.date | None]]:
        period = (self.plan.starts_on, self.plan.ends_on)
        wanted = []
        for line in split_milestones(row["milestones"]):
            on, how = infer_milestone_date(line, sheet_date=self.sheet_date, period=period)
            if how:
                self.warn("milestones", line.text, MILESTONE_YEAR.format(text=line.text, how=how))
            wanted.append((line.text, on))
        return wanted

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if not super().skip_row(instance, original, row, import_validation_errors):
            return False
        if (instance.criteria or {}) != (self.original.criteria or {}):
            return False
        wanted = self._milestones_wanted.get(text_of(row.get("reference")))
        return not wanted or not self._missing_milestones(self.original, wanted)

    @staticmethod
    def _missing_milestones(action, wanted):
        have = {(m.text.casefold(), m.due_on) for m in action.milestones.all()}
        return [(text, on) for text, on in wanted if (text.casefold(), on) not in have]

    def _save_milestones(self) -> None:
        """Milestones the sheet names and the action lacks are added; none is removed, since an
        officer may have marked one done or added their own."""
        wanted = {ref: lines for ref, lines in self._milestones_wanted.items() if lines}
        if not wanted:
            return
        actions = Action.objects.filter(plan=self.plan, reference__in=wanted).prefetch_related(
            "milestones"
        )
        new = []
        for action in actions:
            by_text = {m.text.casefold(): m for m in action.milestones.all()}
            for text, on in self._missing_milestones(action, wanted[action.reference]):
                if (kept := by_text.get(text.casefold())) is not None:
                    kept.due_on = on
                    kept.save(update_fields=["due_on"])
                else:
                    new.append(Milestone(action=action, text=text[:300], due_on=on))
        Milestone.objects.bulk_create(new)

    def import_instance(self, instance, row, **kwargs):
        if not text_of(row.get("reference")):
            raise ValidationError({"number": [ValidationError(NO_REFERENCE)]})
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        errors.update(self._read_criteria(instance, row))
        if errors:
            raise ValidationError(errors)
        if self.original is not None:
            self._keep_sign_off(instance, row)
            self._keep_revised_due(instance, row)

    def _read_criteria(self, instance, row) -> dict:
        """Readiness criteria, one column each: met, not met, or blank for not assessed."""
        errors, criteria = {}, dict(instance.criteria or {})
        for column, value in row.items():
            if not str(column).startswith(CRITERION_PREFIX):
                continue
            try:
                criteria[column.removeprefix(CRITERION_PREFIX)] = parse_criterion(value)
            except CellError as error:
                errors[column] = [ValidationError(str(error))]
        instance.criteria = criteria
        return errors

    def _keep_sign_off(self, instance, row) -> None:
        """A sign-off is the site's: a sheet never reopens the action nor changes its RAG."""
        before = self.original
        if before.status in SIGNED_OFF and _earlier(instance.status, than=before.status):
            message = SIGNED_OFF_STATUS_KEPT
            if before.status == Status.AWAITING_SIGN_OFF:
                message = AWAITING_SIGN_OFF_STATUS_KEPT
            self._warn_kept("status", row, message)
            instance.status = before.status
        if before.status in DONE_STATUSES and instance.progress_rag != before.progress_rag:
            self._warn_kept("progress_rag", row, SIGNED_OFF_RAG_KEPT)
            instance.progress_rag = before.progress_rag

    def _warn_kept(self, column: str, row, message: str) -> None:
        before, sheet = self.original, text_of(row.get(column))
        status = Status(before.status).label
        self.warn(column, sheet, message.format(ref=before.reference, status=status, sheet=sheet))

    def _keep_revised_due(self, instance, row) -> None:
        """Our due_date column, from an export made before the due date was revised since, still
        holds a date the action had: that is no change, so the revision stands."""
        before = self.original
        if CURRENT_DUE not in row or instance.due_on == before.due_on:
            return
        if instance.due_on not in self._earlier_due_dates(before):
            return
        message = REVISED_DUE_KEPT.format(
            ref=before.reference,
            current=before.due_on.strftime("%d/%m/%Y") if before.due_on else "none",
            sheet=instance.due_on.strftime("%d/%m/%Y"),
        )
        self.warn(CURRENT_DUE, row.get(CURRENT_DUE), message)
        instance.due_on, instance.due_needs_review = before.due_on, before.due_needs_review

    def _earlier_due_dates(self, action) -> set:
        """The action's first due date and every date a revision moved it from."""
        if self._revised_from is None:
            self._revised_from = {}
            revisions = ProgressUpdate.objects.filter(action__plan=self.plan).filter(
                due_revision_q()
            )
            for action_id, was in revisions.values_list("action_id", "due_on_before"):
                self._revised_from.setdefault(action_id, set()).add(was)
        return {action.first_due_on, *self._revised_from.get(action.pk, ())} - {None}

    def check_row(self, instance, row) -> None:
        if instance.due_needs_review:
            self.warn("by_when", instance.due_text, DUE_NEEDS_REVIEW.format(text=instance.due_text))
        elif text_of(row.get("by_when")) and (read_as := parse_due(row["by_when"]).read_as):
            text = text_of(row["by_when"])
            self.warn("by_when", text, DUE_READ_AS.format(text=text, read_as=read_as))
        for name in split_leads(row.get("lead")):
            self.warn_if_new_lead("lead", name)

    def before_bulk_create(self, instances) -> None:
        for action in instances:
            # DueField gave a new action the date its by_when names, when our export's
            # due_date shows it has been revised since.
            action.first_due_on = action.first_due_on or action.due_on

    def save_instance(self, instance, is_create, row, **kwargs):
        if is_create:
            super().save_instance(instance, is_create, row, **kwargs)
        else:
            self._record_row(instance, row)

    def _record_row(self, instance, row) -> None:
        """A changed row is one write, like an officer's update: on record by the importing
        user, its wording and progress in one history row and one progress update."""
        before = self.original
        commentary = text_of(row.get("comments"))
        if not commentary or commentary == before.commentary:
            commentary = IMPORT_COMMENTARY
        record_sheet_row(
            action=before,
            row=instance,
            by=self.user,
            expected_version=before.version,
            commentary=commentary,
            due_reason=IMPORT_DUE_REASON if instance.due_on != before.due_on else "",
        )
        # The row's result reports what was written.
        for name in ("version", "completed_on", "due_needs_review"):
            setattr(instance, name, getattr(before, name))

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if self._created:
            record_new_actions(
                actions=self._created, by=self.user, commentary=IMPORT_ADDED, at=self.recorded_at
            )
        self._save_milestones()
