"""A plan (or any list of its actions) out to .xlsx, in the layout the importer reads back.

Each sheet is one resource's export: a bold header row, then one row per object. Every text
value is a string cell (formats.write_sheet), so nothing in the file is a formula and text reads
exactly as it was written, with no apostrophe in front.
"""

import openpyxl

from improvement.importing.formats import save, write_sheet
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


def _actions_dataset(actions, plan):
    queryset = actions.select_related("theme", "period", "objective", "lead").prefetch_related(
        "recommendations", "co_leads", "milestones"
    )
    return ActionResource(plan=plan).export(queryset=queryset)


def export_actions_xlsx(actions) -> bytes:
    """A queryset of one plan's actions as a one-sheet workbook the importer reads back."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    first = actions.select_related("plan").first()
    write_sheet(book, SHEET_TITLES["actions"], _actions_dataset(actions, first and first.plan))
    return save(book)


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
        write_sheet(book, SHEET_TITLES[kind], dataset)
    return save(book)
