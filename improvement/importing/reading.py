"""Bytes to sheets of cells: refuse hostile files before openpyxl parses them, then read each
sheet's values with what its layout says (merges, fills, bold, hidden columns).

Problems are data (RowError, WorkbookRefused), never tracebacks.
"""

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from defusedxml import DefusedXmlException
from django.conf import settings

from improvement.importing.colours import fill_colour

NOT_A_SPREADSHEET = "This file is not a spreadsheet: upload an Excel workbook (.xlsx) or a CSV."
OLD_EXCEL = "This is an old-style Excel file (.xls): save it as an Excel workbook (.xlsx)."
CORRUPT_WORKBOOK = "This workbook is damaged and cannot be read: {detail}"
UNSAFE_XML = "This workbook declares XML entities or a DTD, which are refused as unsafe."
PASSWORD_PROTECTED = "This workbook is password-protected: remove the password and upload it again."
TOO_LARGE = "This file is {size} bytes; the limit is {limit} bytes."
TOO_MANY_ROWS = "This sheet has {rows} rows; the limit is {limit}."
ZIP_BOMB = (
    "This workbook would expand to {size} bytes when opened (limit {limit}); it is refused "
    "as a compression bomb."
)

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
# How an encrypted Office file names its key stream inside the OLE container (UTF-16LE).
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int | None
    column: str
    value: str
    message: str

    def __str__(self):
        where = ", ".join(
            part
            for part in (
                f"sheet {self.sheet}" if self.sheet else "",
                f"row {self.row}" if self.row else "",
                f"column {self.column}" if self.column else "",
            )
            if part
        )
        value = f' (value "{self.value[:60]}")' if self.value else ""
        return f"{where}: {self.message}{value}" if where else self.message


class WorkbookRefused(Exception):
    def __init__(self, message: str, *, sheet: str = "", row=None):
        super().__init__(message)
        self.error = RowError(sheet=sheet, row=row, column="", value="", message=message)


@dataclass
class RawSheet:
    """One sheet's cells and what its layout says about them. Rows and columns are as the sheet
    numbers them in messages: rows[0] is sheet row 1, column index 0 is column A."""

    name: str
    rows: list[list]  # merged cells already filled in, so a merged impact reads on every row
    # Horizontal merges by sheet row: (first, last) 0-based column of each merge the row is in.
    spans: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    # (sheet row, column) of cells whose value was copied from a merge's first cell.
    copied: set[tuple[int, int]] = field(default_factory=set)
    # (sheet row, column) -> "RRGGBB" of cells filled with a colour and holding little or nothing.
    fills: dict[tuple[int, int], str] = field(default_factory=dict)
    bold: set[tuple[int, int]] = field(default_factory=set)
    hidden_columns: set[int] = field(default_factory=set)

    def own_cells(self, number: int) -> list[tuple[int, object]]:
        """(column, value) of the row's non-blank cells that are not copies of a merge."""
        cells = self.rows[number - 1] if 0 < number <= len(self.rows) else []
        return [
            (i, v)
            for i, v in enumerate(cells)
            if v is not None and str(v).strip() != "" and (number, i) not in self.copied
        ]

    def span_of(self, number: int, column: int) -> tuple[int, int]:
        for first, last in self.spans.get(number, ()):
            if first <= column <= last:
                return first, last
        return column, column


# A fill tells a RAG only where the cell holds a letter or nothing; longer text keeps its words.
_FILL_TEXT_LIMIT = 3


# Reading bytes into sheets.


def read_workbook(data: bytes, *, filename: str = "") -> list[RawSheet]:
    if len(data) > settings.IMPORT_MAX_BYTES:
        raise WorkbookRefused(TOO_LARGE.format(size=len(data), limit=settings.IMPORT_MAX_BYTES))
    if data.startswith(_OLE_MAGIC):
        raise WorkbookRefused(PASSWORD_PROTECTED if _ENCRYPTION_INFO in data else OLD_EXCEL)
    if data.startswith(_ZIP_MAGIC):
        return _read_xlsx(data)
    if filename.lower().endswith(".csv"):
        return [_read_csv(data, name=Path(filename).stem)]
    raise WorkbookRefused(NOT_A_SPREADSHEET)


def _check_zip(data: bytes) -> None:
    """Refuse before parsing: the directory's declared sizes bound what zipfile will inflate."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile as error:
        raise WorkbookRefused(CORRUPT_WORKBOOK.format(detail=error)) from None
    if not any(m.filename == "xl/workbook.xml" for m in members):
        raise WorkbookRefused(NOT_A_SPREADSHEET)
    expanded = sum(m.file_size for m in members)
    if expanded > settings.IMPORT_MAX_UNCOMPRESSED_BYTES:
        raise WorkbookRefused(
            ZIP_BOMB.format(size=expanded, limit=settings.IMPORT_MAX_UNCOMPRESSED_BYTES)
        )
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in members:
            if member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml"):
                rows = _count_rows(archive, member)
                if rows > settings.IMPORT_MAX_ROWS:
                    raise WorkbookRefused(
                        TOO_MANY_ROWS.format(rows=rows, limit=settings.IMPORT_MAX_ROWS)
                    )


_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")


def _count_rows(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> int:
    """Rows in a worksheet's XML, streamed, so a huge sheet is refused before it is parsed."""
    overlap, count, tail = 16, 0, b""
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(1 << 20):
                buffer = tail + chunk
                limit = len(buffer) - overlap
                count += sum(1 for m in _ROW_TAG.finditer(buffer) if m.start() < limit)
                tail = buffer[limit:] if limit > 0 else buffer
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise WorkbookRefused(CORRUPT_WORKBOOK.format(detail=error)) from None
    return count + len(_ROW_TAG.findall(tail))


def _caused_by_defused_xml(error: BaseException | None) -> bool:
    while error is not None:
        if isinstance(error, DefusedXmlException):
            return True
        error = error.__cause__ or error.__context__
    return False


def _read_xlsx(data: bytes) -> list[RawSheet]:
    _check_zip(data)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        if _caused_by_defused_xml(error):
            raise WorkbookRefused(UNSAFE_XML) from None
        raise WorkbookRefused(
            CORRUPT_WORKBOOK.format(detail=error or type(error).__name__)
        ) from None
    sheets = []
    for sheet in book.worksheets:
        if sheet.max_row > settings.IMPORT_MAX_ROWS:
            raise WorkbookRefused(
                TOO_MANY_ROWS.format(rows=sheet.max_row, limit=settings.IMPORT_MAX_ROWS),
                sheet=sheet.title,
            )
        sheets.append(_read_sheet(sheet))
    return sheets


def _read_sheet(sheet) -> RawSheet:
    raw = RawSheet(name=sheet.title, rows=[])
    for cells in sheet.iter_rows():
        raw.rows.append([_value(cell) for cell in cells])
        for cell in cells:
            if cell.has_style:
                _read_style(raw, cell)
    _read_merges(raw, sheet)
    for dimension in sheet.column_dimensions.values():
        if dimension.hidden and dimension.min:
            raw.hidden_columns.update(range(dimension.min - 1, dimension.max))
    return raw


_NO_DAY = re.compile(r"^[^d]*m[^d]*y[^d]*$", re.IGNORECASE)


def _value(cell):
    """A date shown as a month and year ("Nov-13") is that month, not its first day."""
    value = cell.value
    if isinstance(value, datetime.datetime | datetime.date) and cell.number_format:
        shown = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", cell.number_format)
        if _NO_DAY.match(shown):
            return f"{value:%B %Y}"
    return value


def _read_style(raw: RawSheet, cell) -> None:
    value, where = cell.value, (cell.row, cell.column - 1)
    short = value is None or len(str(value).strip()) <= _FILL_TEXT_LIMIT
    if short and (colour := fill_colour(cell)):
        raw.fills[where] = colour
    if value is not None and cell.font is not None and cell.font.b:
        raw.bold.add(where)


def _read_merges(raw: RawSheet, sheet) -> None:
    for merged in sheet.merged_cells.ranges:
        value = raw.rows[merged.min_row - 1][merged.min_col - 1]
        for r in range(merged.min_row, merged.max_row + 1):
            if merged.max_col > merged.min_col:
                raw.spans.setdefault(r, []).append((merged.min_col - 1, merged.max_col - 1))
            for c in range(merged.min_col, merged.max_col + 1):
                if (r, c) != (merged.min_row, merged.min_col):
                    raw.rows[r - 1][c - 1] = value
                    raw.copied.add((r, c - 1))


def _read_csv(data: bytes, *, name: str) -> RawSheet:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise WorkbookRefused(NOT_A_SPREADSHEET) from None
    if "\x00" in text:
        raise WorkbookRefused(NOT_A_SPREADSHEET)
    rows = [list(r) for r in csv.reader(io.StringIO(text))]
    if len(rows) > settings.IMPORT_MAX_ROWS:
        raise WorkbookRefused(
            TOO_MANY_ROWS.format(rows=len(rows), limit=settings.IMPORT_MAX_ROWS), sheet=name
        )
    return RawSheet(name=name, rows=[[c if c != "" else None for c in r] for r in rows])
