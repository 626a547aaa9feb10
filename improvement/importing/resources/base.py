"""The resource every sheet's resource builds on, and the words an import says."""

import copy
import datetime

from django.core.exceptions import ValidationError
from import_export import resources, widgets

from improvement.importing.cells import (
    period_bounds,
    period_code,
    text_of,
)
from improvement.importing.widgets import (
    KeyedLoader,
    LeadBook,
    LeadListWidget,
    LeadWidget,
)
from improvement.models import (
    Objective,
    Period,
    Plan,
    Theme,
    lead_authority_errors,
)
from inspections.models import Recommendation

NEW_LEAD = 'New lead "{name}" will be created.'
NEW_LEAD_FROM_CAPITALS = 'New lead "{name}" will be created (written "{written}").'


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
