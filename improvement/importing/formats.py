"""The file formats the admin offers for export, each one unable to carry a live formula.

The admin offers .xlsx (what councils open, and what the plan import reads back), CSV and TSV
(for other tools) and JSON (for machines). The library's other formats are left out: .xls and
.ods would need their own writers made safe, HTML is a page a browser renders, YAML and the rest
nobody here asked for. Every text value goes through formulas.py: text formats put an apostrophe
in front of dangerous text; .xlsx writes every text value as a string cell, so nothing is a
formula and ordinary text ("- reviewed monthly") reads exactly as written.

The library's own IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT is left off: in 4.x it only strips a
leading "=" (changing the text) and misses "+", "-", "@", leading whitespace and full-width forms.
"""

import datetime
import io

import openpyxl
import tablib
from import_export.formats import base_formats
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font

from improvement.importing import formulas

UK_DATE = "DD/MM/YYYY"


def escaped(dataset: tablib.Dataset) -> tablib.Dataset:
    """A copy of the dataset with every dangerous text value behind an apostrophe."""
    rows = [[formulas.escape(value) for value in row] for row in dataset]
    headers = [formulas.escape(header) for header in dataset.headers or []]
    return tablib.Dataset(*rows, headers=headers or None, title=dataset.title)


def write_cell(cell: Cell, value) -> Cell:
    """Text as a string cell, never a formula; numbers, dates and yes/no typed as they are.

    Characters an .xlsx cannot hold at all (control characters other than tab and line breaks)
    become U+FFFD rather than failing the whole export.
    """
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("\N{REPLACEMENT CHARACTER}", value)
        # openpyxl makes text starting "=" a formula; a string cell is only ever text.
        cell.data_type = "s"
    else:
        cell.value = value
    return cell


def write_sheet(book: openpyxl.Workbook, title: str, dataset: tablib.Dataset) -> None:
    """One sheet: a bold header row, then the rows, each value written by write_cell."""
    sheet = book.create_sheet(title=title)
    wrap = Alignment(wrap_text=True, vertical="top")
    bold = Font(bold=True)
    for row_number, row in enumerate([list(dataset.headers or []), *dataset], start=1):
        for column, value in enumerate(row, start=1):
            cell = write_cell(sheet.cell(row=row_number, column=column), value)
            if isinstance(value, str) and "\n" in value:
                cell.alignment = wrap
            elif isinstance(value, datetime.date):
                cell.number_format = UK_DATE
            if row_number == 1:
                cell.font = bold
    sheet.freeze_panes = "A2"


def save(book: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class XLSX(base_formats.XLSX):
    def export_data(self, dataset, **kwargs):
        book = openpyxl.Workbook()
        book.remove(book.active)
        write_sheet(book, (dataset.title or "Export")[:31], dataset)
        return save(book)

    def can_import(self):
        return False


class _EscapedText:
    def export_data(self, dataset, **kwargs):
        return super().export_data(escaped(dataset), **kwargs)

    def can_import(self):
        return False


class CSV(_EscapedText, base_formats.CSV):
    pass


class TSV(_EscapedText, base_formats.TSV):
    pass


class JSON(_EscapedText, base_formats.JSON):
    pass


EXPORT_FORMATS = [XLSX, CSV, TSV, JSON]
