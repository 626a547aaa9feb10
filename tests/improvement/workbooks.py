"""Small workbooks built in memory for import tests, and the Wirral fixtures."""

import io
from pathlib import Path

import openpyxl

WIRRAL = Path(__file__).resolve().parents[2] / "fixtures" / "wirral"
BAD = Path(__file__).resolve().parents[2] / "fixtures" / "bad"

ACTION_HEADERS = ["theme", "period", "no", "recs", "action", "by_when", "lead", "progress_rag"]


def xlsx(sheets: dict[str, list[list]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_xlsx(data: bytes) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {s.title: list(s.iter_rows(values_only=True)) for s in book.worksheets}


def string_cells(data: bytes) -> dict[str, str]:
    """Each text value in the workbook and its cell's data_type ("s": text; "f": a formula)."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {
        cell.value: cell.data_type
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    }


def wirral(name: str) -> bytes:
    return (WIRRAL / name).read_bytes()
