"""A plan (or any list of its actions) out to .xlsx, in the layout the importer reads back.

Each sheet is one resource's export: a bold header row, then one row per object. Text that a
spreadsheet program would run as a formula is escaped (see cells.escape_formula).
"""

import io

import openpyxl
from openpyxl.styles import Alignment, Font

from improvement.importing.cells import escape_formula
from improvement.importing.resources import (
    ActionResource,
    MeasureResource,
    MeasureValueResource,
    RecommendationResource,
    RiskResource,
)
from improvement.models import Action, Measure, MeasureValue, Risk

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

SHEET_TITLES = {
    "recommendations": "Recommendations",
    "actions": "Actions",
    "risks": "Risks",
    "measures": "Measures",
    "measure_values": "Measure values",
}


def _write_sheet(book: openpyxl.Workbook, title: str, dataset) -> None:
    sheet = book.create_sheet(title=title)
    sheet.append(list(dataset.headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in dataset:
        sheet.append([escape_formula(value) for value in row])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and "\n" in cell.value:
                cell.alignment = wrap
    sheet.freeze_panes = "A2"


def _save(book: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _actions_dataset(actions, plan):
    queryset = actions.select_related("theme", "period", "objective", "lead").prefetch_related(
        "recommendations", "co_leads"
    )
    return ActionResource(plan=plan).export(queryset=queryset)


def export_actions_xlsx(actions) -> bytes:
    """A queryset of one plan's actions as a one-sheet workbook the importer reads back."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    first = actions.select_related("plan").first()
    _write_sheet(book, SHEET_TITLES["actions"], _actions_dataset(actions, first and first.plan))
    return _save(book)


def export_plan_workbook(plan) -> bytes:
    """The whole plan, one sheet per kind, in import order."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    datasets = {
        "recommendations": RecommendationResource(plan=plan).export(
            queryset=plan.recommendations().select_related("inspection").distinct()
        ),
        "actions": _actions_dataset(Action.objects.filter(plan=plan), plan),
        "risks": RiskResource(plan=plan).export(
            queryset=Risk.objects.filter(plan=plan).select_related("owner")
        ),
        "measures": MeasureResource(plan=plan).export(
            queryset=Measure.objects.filter(plan=plan).prefetch_related("themes", "recommendations")
        ),
        "measure_values": MeasureValueResource(plan=plan).export(
            queryset=MeasureValue.objects.filter(measure__plan=plan).select_related("measure")
        ),
    }
    for kind, dataset in datasets.items():
        _write_sheet(book, SHEET_TITLES[kind], dataset)
    return _save(book)
