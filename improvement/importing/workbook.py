"""A plan workbook in: refuse hostile files, read each sheet, import every sheet in one transaction.

read_workbook() turns bytes into sheets of values, refusing anything that is not a safe
spreadsheet before openpyxl parses it. prepare_sheet() finds the header row, maps headers to our
columns and fills in what the sheet wrote once for the rows below. import_workbook() runs the
resources over every sheet inside one transaction and rolls it all back on a dry run or on any
error. Problems are data (RowError), never tracebacks.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import tablib
from defusedxml import DefusedXmlException
from django.conf import settings
from django.db import transaction

from improvement.importing import formulas
from improvement.importing import headers as h
from improvement.importing.cells import action_reference, text_of
from improvement.importing.resources import RESOURCES, LeadBook

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
NO_HEADER = "No header row found: none of the first rows names columns we know."
SHEET_SKIPPED = "Sheet skipped: none of its first rows names columns we know."
MISSING_COLUMN = 'Column "{column}" is required and was not found (headers we accept: {aliases}).'
UNKNOWN_COLUMN = 'Column "{header}" is not one we know and was ignored; map it to a field.'
REPEATED_COLUMN = 'Column "{header}" means the same as an earlier column and was ignored.'
DUPLICATE_REFERENCE = (
    'Reference "{ref}" appears more than once in this sheet (first on row {first}).'
)
NO_SUCH_SHEET = 'No sheet named "{name}" in this workbook.'
UNEXPECTED_ROW_ERROR = "This row could not be saved: {detail}"

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
# How an encrypted Office file names its key stream inside the OLE container (UTF-16LE).
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")
# The order sheets import in: recommendations before the actions and measures that cite them.
IMPORT_ORDER = (h.RECOMMENDATIONS, h.ACTIONS, h.RISKS, h.MEASURES, h.MEASURE_VALUES)
# Columns a sheet writes once for a block of rows (see _fill_down).
FILL_DOWN = {h.ACTIONS: ("theme", "period", "objective"), h.MEASURES: ("theme",)}


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
    name: str
    rows: list[list]  # rows[0] is sheet row 1; merged cells already filled in


@dataclass
class PreparedSheet:
    name: str
    kind: str | None
    header: h.HeaderMap | None
    records: list[tuple[int, dict]] = field(default_factory=list)  # (sheet row, column -> value)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)

    @property
    def unknown_headers(self) -> list[str]:
        return self.header.unknown if self.header else []


@dataclass
class SheetSummary:
    sheet: str
    kind: str
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    warnings: list[RowError] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    unknown_headers: list[str] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return h.KIND_LABELS.get(self.kind, self.kind)

    @property
    def rows(self) -> int:
        return self.new + self.updated + self.unchanged


@dataclass
class ImportSummary:
    sheets: list[SheetSummary] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)  # about the file, not one sheet
    new_leads: list[str] = field(default_factory=list)
    dry_run: bool = True

    @property
    def ok(self) -> bool:
        return not self.all_errors()

    def all_errors(self) -> list[RowError]:
        return self.errors + [e for s in self.sheets for e in s.errors]

    def sheet(self, name_or_kind: str) -> SheetSummary:
        return next(s for s in self.sheets if name_or_kind in (s.sheet, s.kind))

    def lines(self) -> list[str]:
        out = [f"File: {error}" for error in self.errors]
        for s in self.sheets:
            out.append(
                f"{s.sheet} ({s.kind_label}): {s.new} new, {s.updated} updated, "
                f"{s.unchanged} unchanged, {len(s.warnings)} warnings, {len(s.errors)} errors"
            )
            out += [f"  error: {e}" for e in s.errors]
            out += [f"  warning: {w}" for w in s.warnings]
        if self.new_leads:
            out.append("New leads: " + "; ".join(self.new_leads))
        if self.ok:
            out.append("Dry run: nothing was saved." if self.dry_run else "Imported.")
        else:
            out.append("Nothing was saved: correct the errors and import again.")
        return out


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
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        for merged in sheet.merged_cells.ranges:
            value = rows[merged.min_row - 1][merged.min_col - 1]
            for r in range(merged.min_row, merged.max_row + 1):
                for c in range(merged.min_col, merged.max_col + 1):
                    rows[r - 1][c - 1] = value
        sheets.append(RawSheet(name=sheet.title, rows=rows))
    return sheets


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


# Preparing a sheet: header, mapping, blocks, duplicates.


def prepare_sheet(raw: RawSheet, *, mapping: dict[str, str], single: bool) -> PreparedSheet:
    kind, header_row = h.find_header(raw.rows, sheet_name=raw.name)
    if kind is None:
        message = NO_HEADER if single else SHEET_SKIPPED
        sheet = PreparedSheet(name=raw.name, kind=None, header=None)
        target = sheet.errors if single else sheet.warnings
        target.append(RowError(raw.name, None, "", "", message))
        return sheet
    header = h.map_headers(
        raw.rows[header_row - 1], kind=kind, header_row=header_row, mapping=mapping
    )
    sheet = PreparedSheet(name=raw.name, kind=kind, header=header)
    sheet.warnings += [
        RowError(raw.name, header_row, u, "", UNKNOWN_COLUMN.format(header=u))
        for u in header.unknown
    ]
    sheet.warnings += [
        RowError(raw.name, header_row, d, "", REPEATED_COLUMN.format(header=d))
        for d in header.duplicated
    ]
    missing = header.missing()
    if kind == h.ACTIONS and not {"no", "reference"} & set(header.columns.values()):
        missing.append("no")
    for column in missing:
        aliases = ", ".join(f'"{a}"' for a in (column, *h.ALIASES[kind][column]))
        message = MISSING_COLUMN.format(column=column, aliases=aliases)
        sheet.errors.append(RowError(raw.name, header_row, column, "", message))
    if sheet.errors:
        return sheet
    sheet.records = _records(raw, header, kind)
    if kind == h.MEASURES:
        sheet.records = _merge_repeated_measures(sheet.records)
    sheet.errors += _duplicates(sheet)
    return sheet


def _records(raw: RawSheet, header: h.HeaderMap, kind: str) -> list[tuple[int, dict]]:
    records = []
    previous: dict = {}
    for number in range(header.row + 1, len(raw.rows) + 1):
        cells = raw.rows[number - 1]
        record = {
            column: formulas.unescape(cells[i] if i < len(cells) else None)
            for i, column in header.columns.items()
        }
        if all(text_of(v) == "" for v in record.values()):
            continue  # blank lines between blocks
        _fill_down(record, previous, FILL_DOWN.get(kind, ()))
        previous = record
        records.append((number, record))
    return records


def _fill_down(record: dict, previous: dict, columns: tuple[str, ...]) -> None:
    """A theme, period or objective written once stands for the rows below it, until a row
    names a different block (so an LSCB row with no period does not inherit the last period)."""
    present = [c for c in columns if c in record]
    for column in present:
        if text_of(record[column]):
            continue
        others = [c for c in present if c != column and text_of(record[c])]
        if all(text_of(record[c]) == text_of(previous.get(c)) for c in others):
            record[column] = previous.get(column)


def _merge_repeated_measures(records):
    """Wirral repeats each theme's measures list in every period: one measure, listed again."""
    merged: dict[str, tuple[int, dict]] = {}
    for number, record in records:
        key = text_of(record.get("measure")).casefold()
        if key in merged and "theme" in record:
            themes = text_of(merged[key][1].get("theme")).splitlines()
            theme = text_of(record.get("theme"))
            if theme and theme not in themes:
                merged[key][1]["theme"] = "\n".join([*themes, theme])
        elif key not in merged:
            merged[key] = (number, dict(record))
        else:
            merged[f"{key}#{number}"] = (number, dict(record))
    return list(merged.values())


def record_key(kind: str, record: dict):
    if kind == h.ACTIONS:
        return text_of(record.get("reference")) or action_reference(
            number=record.get("no"),
            period=text_of(record.get("period")),
            theme=record.get("theme"),
        )
    if kind == h.RECOMMENDATIONS:
        return (text_of(record.get("inspection")).casefold(), text_of(record.get("ref")).upper())
    if kind == h.RISKS:
        return text_of(record.get("no"))
    if kind == h.MEASURES:
        return text_of(record.get("measure")).casefold()
    return (text_of(record.get("measure")).casefold(), text_of(record.get("period_ending")))


def _key_column(kind: str) -> str:
    return {h.ACTIONS: "no", h.RECOMMENDATIONS: "ref", h.RISKS: "no"}.get(kind, "measure")


def _duplicates(sheet: PreparedSheet) -> list[RowError]:
    seen: dict = {}
    errors = []
    column = _key_column(sheet.kind)
    for number, record in sheet.records:
        key = record_key(sheet.kind, record)
        if not key or key in ("", ("", "")):
            continue
        if key in seen:
            ref = key if isinstance(key, str) else key[1]
            errors.append(
                RowError(
                    sheet.name,
                    number,
                    sheet.header.header_for(column),
                    text_of(record.get(column)),
                    DUPLICATE_REFERENCE.format(ref=ref, first=seen[key]),
                )
            )
        else:
            seen[key] = number
    return errors


# Importing.


def read_sheets(
    data: bytes, *, filename: str, mapping: dict[str, str], only: list[str] | None = None
):
    """Bytes to prepared sheets, or a file-level error."""
    raws = read_workbook(data, filename=filename)
    if only:
        names = {r.name.casefold() for r in raws}
        missing = [n for n in only if n.casefold() not in names]
        if missing:
            raise WorkbookRefused(NO_SUCH_SHEET.format(name=missing[0]))
        raws = [r for r in raws if r.name.casefold() in {n.casefold() for n in only}]
    return [prepare_sheet(r, mapping=mapping, single=len(raws) == 1) for r in raws]


def import_workbook(
    *,
    plan,
    data: bytes,
    filename: str = "",
    user=None,
    dry_run: bool = True,
    mapping: dict[str, str] | None = None,
    sheets: list[str] | None = None,
) -> ImportSummary:
    """Import every sheet, all or nothing: a dry run or any error leaves the database as it was."""
    summary = ImportSummary(dry_run=dry_run)
    mapping = {**(plan.import_mapping or {}), **(mapping or {})}
    try:
        prepared = read_sheets(data, filename=filename, mapping=mapping, only=sheets)
    except WorkbookRefused as refused:
        summary.errors.append(refused.error)
        return summary
    order = {kind: i for i, kind in enumerate(IMPORT_ORDER)}
    prepared.sort(key=lambda s: order.get(s.kind, len(order)))
    with transaction.atomic():
        leads = LeadBook(plan.authority)
        for sheet in prepared:
            summary.sheets.append(_import_sheet(sheet, plan=plan, user=user, leads=leads))
        summary.new_leads = list(leads.new_names)
        if dry_run or not summary.ok:
            transaction.set_rollback(True)
    return summary


def _import_sheet(sheet: PreparedSheet, *, plan, user, leads) -> SheetSummary:
    result = SheetSummary(
        sheet=sheet.name,
        kind=sheet.kind or "",
        warnings=list(sheet.warnings),
        errors=list(sheet.errors),
        unknown_headers=list(sheet.unknown_headers),
    )
    if sheet.errors or sheet.kind is None:
        return result
    resource = RESOURCES[sheet.kind](plan=plan, user=user, leads=leads)
    columns = list(sheet.header.columns.values())
    dataset = tablib.Dataset(
        *[[record[c] for c in columns] for _, record in sheet.records], headers=columns
    )
    # import_workbook's transaction holds every sheet; a savepoint per row would only cost time,
    # since any error rolls the whole import back.
    outcome = resource.import_data(dataset, dry_run=False, use_transactions=False)
    numbers = [number for number, _ in sheet.records]
    for row_result in outcome.rows:
        if row_result.import_type == "new":
            result.new += 1
        elif row_result.import_type == "update":
            result.updated += 1
        elif row_result.import_type == "skip":
            result.unchanged += 1
    columns_of = {f.attribute: f.column_name for f in resource.fields.values()}
    for invalid in outcome.invalid_rows:
        for attribute, messages in invalid.error.message_dict.items():
            column = columns_of.get(attribute, attribute)
            value = text_of(sheet.records[invalid.number - 1][1].get(column))
            result.errors += [
                RowError(
                    sheet.name,
                    numbers[invalid.number - 1],
                    sheet.header.header_for(column),
                    value,
                    message,
                )
                for message in messages
            ]
    # A database error spoils the transaction for the rows after it: the first one is the cause.
    for number, errors in outcome.row_errors()[:1]:
        result.errors.append(
            RowError(
                sheet.name,
                numbers[number - 1],
                "",
                "",
                UNEXPECTED_ROW_ERROR.format(detail=errors[0].error),
            )
        )
    result.errors += [
        RowError(sheet.name, None, "", "", UNEXPECTED_ROW_ERROR.format(detail=e.error))
        for e in outcome.base_errors
    ]
    for row_number, column, value, message in resource.warnings:
        result.warnings.append(
            RowError(
                sheet.name,
                numbers[row_number - 1] if row_number else None,
                sheet.header.header_for(column),
                value,
                message,
            )
        )
    return result
