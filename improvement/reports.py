"""The plan page's list as a report for people to read, sort and print.

Not the importer's layout (that is importing/export.py, the plan workbook): headings in words,
names rather than ids, the RAG the plan's rule derives (the one every page counts) with the one
reported beside it, and a title saying which filter made the list, so a printed page cannot
pass for the whole plan. Text goes through formats.write_cell, so nothing in the file is a
formula.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import openpyxl
from django.utils import timezone
from django.utils.text import Truncator, capfirst
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from improvement.importing.formats import save, write_cell
from improvement.models import Action, Plan, Rag
from improvement.rag import derive_action_rag

REPORT_TITLE = "{plan} — actions"
DOWNLOADED = "Downloaded {date}"
SHEET_TITLE = "Actions"
DATE_FORMAT = "DD/MM/YYYY"
# Long enough for a month's note; a full history belongs on the action's page.
LAST_UPDATE_CHARACTERS = 500
HEADER_ROW = 4

# The site's own RAG colours (static/css/tracker.css), each with the text colour that reads on it.
# The cell still says the word: colour is never the only signal.
RAG_COLOURS = {
    Rag.RED: ("D4351C", "FFFFFF"),
    Rag.AMBER: ("FFDD00", "0B0C0C"),
    Rag.GREEN: ("00703C", "FFFFFF"),
    Rag.BLUE: ("1D70B8", "FFFFFF"),
    Rag.NOT_RATED: ("F3F2F1", "0B0C0C"),
}


def _names(leads) -> str:
    return "; ".join(lead.name for lead in leads)


def _last_update_on(action: Action) -> datetime.date | None:
    at = action.last_update_at
    return timezone.localdate(at) if at is not None else None


def _last_update(action: Action) -> str:
    return Truncator((action.last_update_commentary or "").strip()).chars(LAST_UPDATE_CHARACTERS)


def _impact(action: Action) -> str:
    derived = action.derived
    note = f" ({derived.impact_note})" if derived.impact_note else ""
    return f"{derived.impact.label}{note}"


@dataclass(frozen=True)
class Column:
    heading: str
    width: int
    value: Callable[[Action], object]
    wrap: bool = False
    rag: Callable[[Action], str] | None = None  # the RAG whose colour fills the cell


COLUMNS = (
    Column("Reference", 12, lambda a: a.reference),
    Column("Theme", 18, lambda a: a.theme.name if a.theme else "", wrap=True),
    Column("Objective", 30, lambda a: a.objective.title if a.objective else "", wrap=True),
    Column("Action", 50, lambda a: a.text, wrap=True),
    Column("Lead", 20, lambda a: a.lead.name if a.lead else "", wrap=True),
    Column("Co-leads", 20, lambda a: _names(a.co_leads.all()), wrap=True),
    # A date when the plan gave one; otherwise the words it used ("On going"), as written.
    Column("Due date", 12, lambda a: a.due_on or a.due_text, wrap=True),
    Column("Status", 14, lambda a: a.get_status_display(), wrap=True),
    # The RAG every page counts, then what the lead reported beside it.
    Column("RAG", 11, lambda a: a.derived.rag.label, rag=lambda a: a.derived.rag),
    Column("Reported RAG", 11, lambda a: a.derived.reported.label, rag=lambda a: a.progress_rag),
    Column("Why", 22, lambda a: capfirst(a.derived.reason), wrap=True),
    Column("Impact RAG", 11, _impact, wrap=True, rag=lambda a: a.derived.impact),
    Column("Last update", 50, _last_update, wrap=True),
    Column("Last update on", 12, _last_update_on),
    Column(
        "Recommendations",
        16,
        lambda a: ", ".join(r.reference for r in a.recommendations.all()),
        wrap=True,
    ),
)


def report_actions(actions):
    """What each row needs, at a fixed number of queries however many actions there are."""
    return (
        actions.select_related("plan", "theme", "objective", "lead")
        .prefetch_related("co_leads", "recommendations")
        .with_latest_commentary()
    )


def _fills() -> dict[str, tuple[PatternFill, Font]]:
    return {
        rag: (PatternFill("solid", fgColor=background), Font(color=text, bold=True))
        for rag, (background, text) in RAG_COLOURS.items()
    }


def _write_title(sheet: Worksheet, *, plan: Plan, filter_description: str, today) -> None:
    write_cell(sheet.cell(row=1, column=1), REPORT_TITLE.format(plan=plan.title)).font = Font(
        bold=True, size=14
    )
    write_cell(sheet.cell(row=2, column=1), filter_description)
    write_cell(sheet.cell(row=3, column=1), DOWNLOADED.format(date=f"{today.day} {today:%B %Y}"))


def _write_header(sheet: Worksheet) -> None:
    bold = Font(bold=True)
    header = Alignment(wrap_text=True, vertical="top")
    for number, column in enumerate(COLUMNS, start=1):
        cell = write_cell(sheet.cell(row=HEADER_ROW, column=number), column.heading)
        cell.font, cell.alignment = bold, header
        sheet.column_dimensions[get_column_letter(number)].width = column.width


def _write_row(sheet: Worksheet, row: int, action: Action, fills) -> None:
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    for number, column in enumerate(COLUMNS, start=1):
        cell = write_cell(sheet.cell(row=row, column=number), column.value(action))
        cell.alignment = wrap if column.wrap else top
        if isinstance(cell.value, datetime.date):
            cell.number_format = DATE_FORMAT
        if column.rag is not None:
            cell.fill, cell.font = fills[Rag(column.rag(action) or Rag.NOT_RATED)]


def _set_up_printing(sheet: Worksheet) -> None:
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as the list needs
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"


def action_list_report(*, plan: Plan, actions, filter_description: str, today) -> bytes:
    """The actions (a queryset of the plan's) as an .xlsx report, in the queryset's order."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = SHEET_TITLE
    _write_title(sheet, plan=plan, filter_description=filter_description, today=today)
    _write_header(sheet)
    fills = _fills()
    row = HEADER_ROW
    for row, action in enumerate(report_actions(actions), start=HEADER_ROW + 1):
        action.derived = derive_action_rag(action, today=today)
        _write_row(sheet, row, action, fills)
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1)
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(COLUMNS))}{row}"
    _set_up_printing(sheet)
    return save(book)
