"""django-import-export resources for a plan's recommendations, actions, risks and measures.

Every resource works inside one plan and finds existing rows by their natural reference
(recommendation by inspection and reference, action and risk by reference, measure by name,
measure value by measure and period), so importing the same sheet twice changes nothing.
Column names are the ones the Wirral sheets use; headers.py maps other spellings onto them.
"""

import copy
import datetime
from functools import partial

from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets

from improvement.importing.cells import (
    CellError,
    action_reference,
    infer_milestone_date,
    parse_criterion,
    parse_due,
    parse_flag,
    parse_score,
    parse_uk_date,
    period_bounds,
    period_code,
    split_inspection_marker,
    split_lead_cell,
    split_leads,
    split_milestones,
    text_of,
)
from improvement.importing.headers import CRITERION_PREFIX
from improvement.importing.widgets import (
    CURRENT_DUE,
    REQUIRED_VALUE,
    CellWidget,
    ChoiceWidget,
    CurrentDueField,
    DecimalWidget,
    DueField,
    InPlanWidget,
    InspectionWidget,
    KeyedLoader,
    LeadBook,
    LeadListWidget,
    LeadWidget,
    MeasureWidget,
    ProgressField,
    RagField,
    RecommendationListWidget,
    TextWidget,
    ThemeListWidget,
)
from improvement.models import (
    DONE_STATUSES,
    Action,
    Measure,
    MeasureValue,
    Milestone,
    Objective,
    Period,
    Plan,
    ProgressUpdate,
    Risk,
    Status,
    Theme,
    due_revision_q,
    lead_authority_errors,
)
from improvement.ratings import RISK_SCORE_MAX
from improvement.services import record_new_actions, record_sheet_row
from inspections.models import Body, Inspection, Recommendation

NO_REFERENCE = "This action has no number or reference, so it cannot be found again next time."
NO_INSPECTION = (
    "Name the inspection in an inspection column: this plan has {count} inspections linked."
)
DUE_NEEDS_REVIEW = 'Due date "{text}" is not a real date: kept as written, flagged for review.'
TOTAL_DISAGREES = "Total {total} is not likelihood × impact ({score}); the score is computed."
NEW_LEAD = 'New lead "{name}" will be created.'
NEW_LEAD_FROM_CAPITALS = 'New lead "{name}" will be created (written "{written}").'
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


class PlanResource(resources.ModelResource):
    """A resource bound to one plan and one importing user; collects warnings as it goes."""

    def __init__(
        self,
        *,
        plan: Plan | None = None,
        user=None,
        leads: LeadBook | None = None,
        sheet_date: datetime.date | None = None,
        recorded_at: datetime.datetime | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.plan = plan
        self.recorded_at = recorded_at
        # The date the sheet says it was produced on, for milestones written with no year.
        self.sheet_date = sheet_date
        self.user = user
        self._leads = leads
        self._named = {}
        self.warnings: list[tuple[int, str, str, str]] = []
        self.row_number = 0
        self.next_order = None
        # The row's instance as loaded (None when new); many-to-many values cleaned once per row.
        self.original = None
        self._m2m = {}
        self._created = []
        self._new_links = []

    class Meta:
        skip_unchanged = True
        report_skipped = True
        # The library's diff renders every field of every row; skip_row below compares instead.
        skip_diff = True
        use_transactions = True
        instance_loader_class = KeyedLoader

    def leads(self) -> LeadBook:
        if self._leads is None:
            self._leads = LeadBook(self.plan.authority)
        return self._leads

    def warn(self, column: str, value, message: str) -> None:
        self.warnings.append((self.row_number, column, text_of(value), message))

    def warn_if_new_lead(self, column: str, name: str) -> None:
        if lead := self.leads().first_mention_of_new(name):
            if lead.name != name:
                message = NEW_LEAD_FROM_CAPITALS.format(name=lead.name, written=name)
            else:
                message = NEW_LEAD.format(name=name)
            self.warn(column, name, message)

    def before_import_row(self, row, **kwargs):
        self.row_number = kwargs.get("row_number", 0)

    def after_init_instance(self, instance, new, row, **kwargs):
        self.original = None if new else copy.copy(instance)
        self._m2m = {}

    def init_instance(self, row=None):
        return self._meta.model(plan=self.plan)

    def m2m_fields(self, row):
        return [
            f
            for f in self.get_import_fields()
            if isinstance(f.widget, widgets.ManyToManyWidget) and f.column_name in row
        ]

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """Unchanged when every imported field, many-to-many included, equals what was loaded."""
        original = self.original
        if original is None or import_validation_errors:
            return False
        m2m = self.m2m_fields(row)
        for field in self.get_import_fields():
            if field in m2m:
                wanted = sorted(v.pk for v in self._m2m[field.column_name])
                if wanted != sorted(v.pk for v in field.get_value(original).all()):
                    return False
            elif not isinstance(field.widget, widgets.ManyToManyWidget) and (
                field.get_value(instance) != field.get_value(original)
            ):
                return False
        return True

    def do_instance_save(self, instance, is_create):
        if is_create:
            # New rows are inserted together after the sheet (after_import), with their links
            # and history: one statement each instead of one per row.
            self._created.append(instance)
        else:
            instance.save()

    def save_m2m(self, instance, row, **kwargs):
        for field in self.m2m_fields(row):
            values = self._m2m[field.column_name]
            if self.original is None:
                self._new_links.append((field.attribute, instance, [v.pk for v in values]))
            else:
                getattr(instance, field.attribute).set(values)

    def before_bulk_create(self, instances) -> None:
        """What the model's save() would have done for a new row."""

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        model = self._meta.model
        if self._created:
            self.before_bulk_create(self._created)
            model.objects.bulk_create(self._created, batch_size=500)
        by_attribute = {}
        for attribute, instance, targets in self._new_links:
            by_attribute.setdefault(attribute, []).extend((instance.pk, t) for t in targets)
        for attribute, pairs in by_attribute.items():
            m2m = model._meta.get_field(attribute)
            through = m2m.remote_field.through
            source, target = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
            through.objects.bulk_create(
                [through(**{f"{source}_id": a, f"{target}_id": b}) for a, b in pairs]
            )
        if self._created and hasattr(model, "history"):
            model.history.bulk_history_create(
                self._created,
                default_user=self.user,
                default_change_reason="spreadsheet import",
                default_date=self.recorded_at,
            )

    def import_instance(self, instance, row, **kwargs):
        """As the library's, but many-to-many cells are checked too, so their errors are per row."""
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field in self.m2m_fields(row):
            try:
                self._m2m[field.column_name] = field.clean(row)
            except ValueError as error:
                errors[field.attribute] = [ValidationError(str(error))]
        errors = self._leads_of_other_authority(instance, row, errors)
        if errors:
            raise ValidationError(errors)
        self.check_row(instance, row)

    def _leads_of_other_authority(self, instance, row, errors: dict) -> dict:
        """However they were found, the row's leads must be of the plan's authority."""
        for field in self.get_import_fields():
            if field.attribute in errors or field.column_name not in row:
                continue
            if isinstance(field.widget, LeadListWidget):
                leads = self._m2m.get(field.column_name, [])
            elif isinstance(field.widget, LeadWidget):
                leads = [getattr(instance, field.attribute, None)]
            else:
                continue
            if refused := lead_authority_errors(authority_id=self.plan.authority_id, leads=leads):
                errors[field.attribute] = refused
        return errors

    def check_row(self, instance, row) -> None:
        """Warnings for a row that imports but deserves a look."""

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """Each field's own rules (length, choices, blank) per row, so the database never has to
        refuse a bulk insert. Relations were resolved by the widgets; uniqueness by the sheet
        check and the loader, so neither costs a query here."""
        if import_validation_errors:
            raise ValidationError(import_validation_errors)  # the cells' own errors say enough
        exclude = {f.name for f in instance._meta.fields if f.is_relation}
        instance.clean_fields(exclude=exclude)

    def before_save_instance(self, instance, row, **kwargs):
        if instance.pk is None and hasattr(instance, "order"):
            if self.next_order is None:
                last = self.get_queryset().order_by("-order").values_list("order", flat=True)
                self.next_order = (last.first() or 0) + 1
            instance.order = self.next_order
            self.next_order += 1
        instance._history_user = self.user
        instance._change_reason = "spreadsheet import"

    def named(self, kind: str, name: str, row) -> Theme | Period | Objective:
        theme = None
        if kind == "objective" and text_of(row.get("theme")):
            theme = self.named("theme", text_of(row.get("theme")), {})
        key = (kind, name.casefold(), theme.pk if theme else None)
        if key not in self._named:
            self._named[key] = self._get_or_create(kind, name, theme)
        return self._named[key]

    def _get_or_create(self, kind, name, theme):
        if kind == "theme":
            obj = Theme.objects.filter(plan=self.plan, name__iexact=name).first()
            return obj or Theme.objects.create(
                plan=self.plan, name=name, order=Theme.objects.filter(plan=self.plan).count() + 1
            )
        if kind == "period":
            return Period.objects.filter(plan=self.plan, name__iexact=name).first() or (
                self._new_period(name)
            )
        obj = Objective.objects.filter(plan=self.plan, theme=theme, title=name).first()
        return obj or Objective.objects.create(
            plan=self.plan,
            theme=theme,
            title=name,
            order=Objective.objects.filter(plan=self.plan).count() + 1,
        )

    def _new_period(self, name: str) -> Period:
        code, taken = period_code(name), set(self.plan.periods.values_list("code", flat=True))
        base, n = code, 1
        while code in taken:
            n += 1
            code = f"{base}{n}"
        starts_on, ends_on = period_bounds(name)
        return Period.objects.create(
            plan=self.plan,
            name=name,
            code=code,
            starts_on=starts_on,
            ends_on=ends_on,
            order=self.plan.periods.count() + 1,
        )

    def recommendation_lookup(self) -> dict[str, list[Recommendation]]:
        if not hasattr(self, "_recommendations"):
            self._recommendations = {}
            for rec in self.plan.recommendations().select_related("inspection"):
                self._recommendations.setdefault(rec.reference.upper(), []).append(rec)
        return self._recommendations


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


class RecommendationResource(PlanResource):
    ref = fields.Field("reference", "ref", widget=TextWidget(required=True))
    body = fields.Field(
        "body",
        "body",
        widget=ChoiceWidget(
            Body,
            extra={"lscb": Body.SAFEGUARDING, "la": Body.LOCAL_AUTHORITY},
            blank=Body.LOCAL_AUTHORITY,
        ),
    )
    text = fields.Field("text", "text", widget=TextWidget(required=True))
    inspection_title = fields.Field("inspection", "inspection")
    timescale = fields.Field(
        "timescale", "timescale", widget=ChoiceWidget(Recommendation.Timescale, blank="")
    )

    class Meta(PlanResource.Meta):
        model = Recommendation
        fields = ("ref", "body", "text", "inspection_title", "timescale")
        import_id_fields = ("ref",)
        export_order = fields

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.fields["inspection_title"].widget = InspectionWidget(self)
        self._inspections = {}

    def get_queryset(self):
        return (
            Recommendation.objects.for_authority(self.plan.authority_id)
            .filter(inspection__plans=self.plan)
            .select_related("inspection")
        )

    def init_instance(self, row=None):
        return Recommendation()

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        row.setdefault("inspection", "")  # no column: the plan's only inspection

    @staticmethod
    def key_of(rec):
        return (rec.inspection.title.casefold(), rec.reference.upper())

    def row_key(self, row):
        inspection = self.inspection(text_of(row.get("inspection")), strict=False)
        title = inspection.title.casefold() if inspection else ""
        return (title, text_of(row.get("ref")).upper())

    def get_instance(self, instance_loader, row):
        found = instance_loader.get_instance(row)
        if found is None and (inspection := self.inspection(text_of(row.get("inspection")), False)):
            # The inspection may be shared with another plan and already hold this reference.
            found = Recommendation.objects.filter(
                inspection=inspection, reference__iexact=text_of(row.get("ref"))
            ).first()
        return found

    def inspection(self, title: str, strict: bool = True) -> Inspection | None:
        if title.casefold() in self._inspections:
            return self._inspections[title.casefold()]
        if title:
            # Another council's inspection of the same title is never matched: it is theirs.
            own = Inspection.objects.for_authority(self.plan.authority_id)
            found = own.filter(title__iexact=title).first()
            found = found or Inspection.objects.create(title=title, authority=self.plan.authority)
            self.plan.inspections.add(found)
        else:
            linked = list(self.plan.inspections.for_authority(self.plan.authority_id)[:2])
            if len(linked) != 1:
                if strict:
                    raise ValueError(NO_INSPECTION.format(count=len(linked)))
                return None
            found = linked[0]
        self._inspections[title.casefold()] = found
        return found


def _risk_score() -> CellWidget:
    # The range of Risk's own field validators, read here so a row error names the cell.
    return CellWidget(parse_score)


class RiskResource(PlanResource):
    no = fields.Field("reference", "no", widget=TextWidget(required=True))
    description = fields.Field("description", "description", widget=TextWidget(required=True))
    owner = fields.Field("owner", "owner")
    date_raised_reviewed = fields.Field("review_text", "date_raised_reviewed", widget=TextWidget())
    existing_controls = fields.Field("existing_controls", "existing_controls", widget=TextWidget())
    likelihood = fields.Field("likelihood", "likelihood", widget=_risk_score())
    impact = fields.Field("impact", "impact", widget=_risk_score())
    total = fields.Field("score", "total", readonly=True)
    additional_controls = fields.Field(
        "additional_controls", "additional_controls", widget=TextWidget()
    )
    residual_likelihood = fields.Field(
        "residual_likelihood", "residual_likelihood", widget=_risk_score()
    )
    residual_impact = fields.Field("residual_impact", "residual_impact", widget=_risk_score())
    target_score = fields.Field(
        "target_score",
        "target_score",
        widget=CellWidget(parse_score, high=RISK_SCORE_MAX),
    )
    status = fields.Field(
        "status", "status", widget=ChoiceWidget(Risk.RiskStatus, blank=Risk.RiskStatus.OPEN)
    )

    class Meta(PlanResource.Meta):
        model = Risk
        fields = (
            "no",
            "description",
            "owner",
            "date_raised_reviewed",
            "existing_controls",
            "likelihood",
            "impact",
            "total",
            "additional_controls",
            "residual_likelihood",
            "residual_impact",
            "target_score",
            "status",
        )
        import_id_fields = ("no",)
        export_order = fields

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.fields["owner"].widget = LeadWidget(self.leads)

    def get_queryset(self):
        return Risk.objects.filter(plan=self.plan).select_related("owner")

    @staticmethod
    def key_of(risk):
        return risk.reference

    @staticmethod
    def row_key(row):
        return text_of(row.get("no"))

    def import_instance(self, instance, row, **kwargs):
        for column in ("likelihood", "impact"):
            if not text_of(row.get(column)):
                raise ValidationError({column: [ValidationError(REQUIRED_VALUE)]})
        super().import_instance(instance, row, **kwargs)

    def check_row(self, instance, row) -> None:
        total = text_of(row.get("total"))
        score = instance.likelihood * instance.impact
        if total and total != str(score):
            self.warn("total", total, TOTAL_DISAGREES.format(total=total, score=score))
        for name in split_leads(row.get("owner"))[:1]:
            self.warn_if_new_lead("owner", name)


class MeasureResource(PlanResource):
    measure = fields.Field("name", "measure", widget=TextWidget(required=True))
    unit = fields.Field("unit", "unit", widget=TextWidget())
    direction = fields.Field(
        "direction",
        "direction",
        widget=ChoiceWidget(
            Measure.Direction,
            extra={"higher": Measure.Direction.HIGHER, "lower": Measure.Direction.LOWER},
            blank=Measure.Direction.HIGHER,
        ),
    )
    target = fields.Field("target", "target", widget=DecimalWidget())
    theme = fields.Field("themes", "theme")
    recs = fields.Field("recommendations", "recs")

    class Meta(PlanResource.Meta):
        model = Measure
        fields = ("measure", "unit", "direction", "target", "theme", "recs")
        import_id_fields = ("measure",)
        export_order = fields

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.fields["theme"].widget = ThemeListWidget(self)
        self.fields["recs"].widget = RecommendationListWidget(self)

    def get_queryset(self):
        return Measure.objects.filter(plan=self.plan).prefetch_related("themes", "recommendations")

    @staticmethod
    def key_of(measure):
        return measure.name.casefold()

    @staticmethod
    def row_key(row):
        return text_of(row.get("measure")).casefold()


def _period_ending(value) -> datetime.date:
    day = parse_uk_date(value)
    if day is None:
        raise CellError(REQUIRED_VALUE)
    return day


class MeasureValueResource(PlanResource):
    measure = fields.Field("measure", "measure")
    period_ending = fields.Field(
        "period_ending",
        "period_ending",
        widget=CellWidget(_period_ending, render=lambda d: d.strftime("%d/%m/%Y")),
    )
    label = fields.Field("label", "label", widget=TextWidget())
    value = fields.Field("value", "value", widget=DecimalWidget())
    note = fields.Field("note", "note", widget=TextWidget())

    class Meta(PlanResource.Meta):
        model = MeasureValue
        fields = ("measure", "period_ending", "label", "value", "note")
        import_id_fields = ("measure", "period_ending")
        export_order = fields

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.fields["measure"].widget = MeasureWidget(self)

    def get_queryset(self):
        return MeasureValue.objects.filter(measure__plan=self.plan).select_related("measure")

    def init_instance(self, row=None):
        return MeasureValue()

    def measures(self) -> dict[str, Measure]:
        if not hasattr(self, "_measures"):
            self._measures = {m.name.casefold(): m for m in self.plan.measures.all()}
        return self._measures

    @staticmethod
    def key_of(value):
        return (value.measure.name.casefold(), value.period_ending)

    @staticmethod
    def row_key(row):
        try:
            return (text_of(row.get("measure")).casefold(), parse_uk_date(row.get("period_ending")))
        except CellError:
            return None

    def import_instance(self, instance, row, **kwargs):
        if not text_of(row.get("value")):
            raise ValidationError({"value": [ValidationError(REQUIRED_VALUE)]})
        super().import_instance(instance, row, **kwargs)


RESOURCES = {
    "recommendations": RecommendationResource,
    "actions": ActionResource,
    "risks": RiskResource,
    "measures": MeasureResource,
    "measure_values": MeasureValueResource,
}
