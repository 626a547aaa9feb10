"""How one cell of a plan's sheets becomes a value: django-import-export widgets and fields.

Each widget reads within one plan (its leads, recommendations, themes, measures) and raises a
ValueError whose message names what was wrong; the workbook adds sheet, row and column.
"""

import datetime
from decimal import Decimal, InvalidOperation

from import_export import fields, widgets
from import_export.instance_loaders import BaseInstanceLoader

from improvement.importing.cells import (
    CellError,
    lead_display_name,
    parse_due,
    parse_progress,
    parse_uk_date,
    split_leads,
    split_references,
    text_of,
)
from improvement.models import (
    DONE_STATUSES,
    Lead,
    Objective,
    Rag,
    Theme,
    normalise_name,
)
from inspections.models import Recommendation

REQUIRED_VALUE = "This column needs a value."
UNKNOWN_RECOMMENDATION = 'No recommendation "{ref}" in this plan.'
AMBIGUOUS_RECOMMENDATION = 'Recommendation "{ref}" is in more than one of this plan\'s inspections.'
UNKNOWN_MEASURE = 'No measure "{name}" in this plan.'
NOT_A_CHOICE = '"{text}" is not one of: {choices}.'
NOT_A_NUMBER = '"{text}" is not a number.'


class LeadBook:
    """One authority's leads by their name key, shared by every sheet of one import so a new lead
    is made once. Another council's post of the same name is never found: it is another lead."""

    def __init__(self, authority):
        self.authority = authority
        self._by_key = {lead.name_key: lead for lead in Lead.objects.for_authority(authority)}
        self.new_names: list[str] = []
        self._announced: set[int] = set()

    def knows(self, name: str) -> bool:
        return normalise_name(name) in self._by_key

    def get(self, name: str) -> Lead:
        """The authority's lead of that name in any case and punctuation, made when new (a name
        written in capitals is made readable: "HEAD OF SAFEGUARDING" is "Head of Safeguarding")."""
        key = normalise_name(name)
        lead = self._by_key.get(key)
        if lead is None:
            lead = Lead.objects.create(authority=self.authority, name=lead_display_name(name))
            self._by_key[key] = lead
            self.new_names.append(lead.name)
        return lead

    def first_mention_of_new(self, name: str) -> Lead | None:
        """The lead, once, for each lead this import creates, so the preview names it once."""
        lead = self._by_key.get(normalise_name(name))
        if lead is None or lead.name not in self.new_names or lead.pk in self._announced:
            return None
        self._announced.add(lead.pk)
        return lead


# Widgets: one cell to one value, raising ValueError with a message fit to show beside the cell.


class TextWidget(widgets.Widget):
    def __init__(self, *, required=False, blank_is_none=False):
        super().__init__()
        self.required = required
        self.blank_is_none = blank_is_none

    def clean(self, value, row=None, **kwargs):
        text = text_of(value)
        if not text and self.required:
            raise ValueError(REQUIRED_VALUE)
        if not text and self.blank_is_none:
            return None
        return text

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class CellWidget(widgets.Widget):
    """Wraps one of cells.py's readers; its CellError becomes the row's error."""

    def __init__(self, reader, render=str, **reader_kwargs):
        super().__init__()
        self.reader = reader
        self.reader_kwargs = reader_kwargs
        self.renderer = render

    def clean(self, value, row=None, **kwargs):
        try:
            return self.reader(value, **self.reader_kwargs)
        except CellError as error:
            raise ValueError(str(error)) from None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else self.renderer(value)


class ChoiceWidget(widgets.Widget):
    """A choice by its value or its label in any case; also extra words councils use.

    A blank cell is `blank`; with blank_is_none it is None, which a field declared with
    saves_null_values=False reads as "keep what the row has".
    """

    def __init__(self, choices, *, extra=None, blank=None, blank_is_none=False):
        super().__init__()
        self.choices = choices
        self.blank = blank
        self.blank_is_none = blank_is_none
        self.words = {}
        for value, label in choices.choices:
            self.words[value.casefold()] = value
            self.words[str(label).casefold()] = value
            self.words[value.replace("_", " ").casefold()] = value
        self.words.update(extra or {})

    def clean(self, value, row=None, **kwargs):
        text = text_of(value)
        if not text:
            if self.blank_is_none:
                return None
            if self.blank is None:
                raise ValueError(REQUIRED_VALUE)
            return self.blank
        try:
            return self.words[" ".join(text.split()).casefold()]
        except KeyError:
            labels = ", ".join(str(label) for _, label in self.choices.choices)
            raise ValueError(NOT_A_CHOICE.format(text=text, choices=labels)) from None

    def render(self, value, obj=None, **kwargs):
        return str(self.choices(value).label) if value else ""


class DecimalWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = text_of(value).replace(",", "").rstrip("%").strip()
        if not text:
            return None
        try:
            return Decimal(text).quantize(Decimal("0.01"))
        except InvalidOperation:
            raise ValueError(NOT_A_NUMBER.format(text=text_of(value))) from None

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return int(value) if value == value.to_integral_value() else float(value)


class LeadWidget(widgets.Widget):
    """The first lead named in the cell; the others are co-leads (see LeadListWidget)."""

    def __init__(self, book_of):
        super().__init__()
        self.book_of = book_of

    def clean(self, value, row=None, **kwargs):
        names = split_leads(value)
        return self.book_of().get(names[0]) if names else None

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


class LeadListWidget(widgets.ManyToManyWidget):
    def __init__(self, book_of):
        super().__init__(model=Lead, separator="\n", field="name")
        self.book_of = book_of

    def clean(self, value, row=None, **kwargs):
        return [self.book_of().get(name) for name in split_leads(value)]


class RecommendationListWidget(widgets.ManyToManyWidget):
    """References such as "3, 8, 9" or "5,\\n15" to the plan's recommendations."""

    def __init__(self, resource):
        super().__init__(model=Recommendation, separator=", ", field="reference")
        self.resource = resource

    def clean(self, value, row=None, **kwargs):
        found = []
        lookup = self.resource.recommendation_lookup()
        for ref in split_references(value):
            matches = lookup.get(ref, [])
            if not matches:
                raise ValueError(UNKNOWN_RECOMMENDATION.format(ref=ref))
            if len(matches) > 1:
                raise ValueError(AMBIGUOUS_RECOMMENDATION.format(ref=ref))
            found.append(matches[0])
        return found

    def render(self, value, obj=None, **kwargs):
        return ", ".join(rec.reference for rec in value.all()) if value is not None else ""


class InPlanWidget(widgets.Widget):
    """A theme, period or objective of this plan by its name, created when new."""

    def __init__(self, resource, kind):
        super().__init__()
        self.resource = resource
        self.kind = kind

    def clean(self, value, row=None, **kwargs):
        name = text_of(value)
        if not name:
            return None
        return self.resource.named(self.kind, name, row or {})

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return value.title if isinstance(value, Objective) else value.name


class ThemeListWidget(widgets.ManyToManyWidget):
    def __init__(self, resource):
        super().__init__(model=Theme, separator="\n", field="name")
        self.resource = resource

    def clean(self, value, row=None, **kwargs):
        names = [line.strip() for line in text_of(value).splitlines() if line.strip()]
        return [self.resource.named("theme", name, {}) for name in dict.fromkeys(names)]


class InspectionWidget(widgets.Widget):
    def __init__(self, resource):
        super().__init__()
        self.resource = resource

    def clean(self, value, row=None, **kwargs):
        return self.resource.inspection(text_of(value))

    def render(self, value, obj=None, **kwargs):
        return value.title if value else ""


class MeasureWidget(widgets.Widget):
    def __init__(self, resource):
        super().__init__()
        self.resource = resource

    def clean(self, value, row=None, **kwargs):
        name = text_of(value)
        if not name:
            raise ValueError(REQUIRED_VALUE)
        measure = self.resource.measures().get(name.casefold())
        if measure is None:
            raise ValueError(UNKNOWN_MEASURE.format(name=name))
        return measure

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


# Fields that read one cell into several attributes.


CURRENT_DUE = "due_date"


def due_as_written(action) -> str:
    """What the sheets said for this action last time: the due text as written, or for a due
    date given in the site (no text), its first due date. The export writes it as by_when."""
    if action.due_text:
        return action.due_text
    return action.first_due_on.strftime("%d/%m/%Y") if action.first_due_on else ""


class DueField(fields.Field):
    """By when: the due date as the council wrote it.

    The same text as last time (or a blank cell) changes nothing, so it never undoes a due date
    revised in the site since. When the sheet also has our due_date column (the current due
    date), by_when is only the text as first written and never moves the date.
    """

    def save(self, instance, row, is_m2m=False, **kwargs):
        due = parse_due(row[self.column_name])
        existing = instance.pk is not None
        if existing and due.text in ("", due_as_written(instance)):
            return
        instance.due_text = due.text
        if not existing:
            instance.first_due_on = due.on
        if CURRENT_DUE in row and (existing or instance.due_on is not None):
            instance.due_needs_review = due.needs_review and instance.due_on is None
            return
        instance.due_on, instance.due_needs_review = due.on, due.needs_review

    def get_value(self, instance):
        # Compared as written out: a date entered with no text is the same due as its text.
        return (instance.due_on, instance.due_needs_review, self.export(instance))

    def export(self, instance, **kwargs):
        return due_as_written(instance)


class CurrentDueField(fields.Field):
    """The action's current due date, a date cell in our export; a blank cell keeps it."""

    def save(self, instance, row, is_m2m=False, **kwargs):
        try:
            on = parse_uk_date(row[self.column_name])
        except CellError as error:
            raise ValueError(str(error)) from None
        if on is not None:
            instance.due_on, instance.due_needs_review = on, False

    def export(self, instance, **kwargs) -> datetime.date | None:
        return instance.due_on


class ProgressField(fields.Field):
    """Progress RAG; "Complete" also completes the action. A blank cell keeps the RAG recorded,
    and "Complete" on an action already complete or closed changes nothing."""

    def save(self, instance, row, is_m2m=False, **kwargs):
        if not text_of(row[self.column_name]):
            return
        try:
            progress = parse_progress(row[self.column_name])
        except CellError as error:
            raise ValueError(str(error)) from None
        if progress.status and instance.status in DONE_STATUSES:
            return
        instance.progress_rag = progress.rag
        if progress.status:
            instance.status = progress.status

    def get_value(self, instance):
        return (instance.progress_rag, instance.status)

    def export(self, instance, **kwargs):
        if instance.progress_rag == Rag.NOT_RATED:
            return ""
        return str(Rag(instance.progress_rag).label)


class RagField(fields.Field):
    """A RAG with no more to it (impact RAG); a blank cell keeps the RAG already recorded."""

    def save(self, instance, row, is_m2m=False, **kwargs):
        if not text_of(row[self.column_name]):
            return
        try:
            progress = parse_progress(row[self.column_name])
        except CellError as error:
            raise ValueError(str(error)) from None
        setattr(instance, self.attribute, progress.rag)

    def export(self, instance, **kwargs):
        rag = getattr(instance, self.attribute)
        return "" if rag == Rag.NOT_RATED else str(Rag(rag).label)


class KeyedLoader(BaseInstanceLoader):
    """Loads the plan's existing rows once, then finds each by the resource's natural key."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        self.by_key = {resource.key_of(obj): obj for obj in resource.get_queryset()}

    def get_instance(self, row):
        return self.by_key.get(self.resource.row_key(row))
