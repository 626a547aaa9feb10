"""A plan workbook in: read each sheet as the council laid it out, import every sheet in one
transaction.

reading.read_workbook() turns bytes into sheets of cells, refusing anything that is not a safe
spreadsheet. prepare_sheet() finds the header row (one row or two), maps headers to our fields
by the alias table and the admin's mapping, and reads the rows below it as records and
structure rows (layout.read_rows). import_workbook() runs the resources over every sheet inside
one transaction and rolls it all back on a dry run or on any error. Problems are data
(RowError), never tracebacks.
"""

import datetime
from dataclasses import dataclass, field

import tablib
from django.db import transaction

from improvement.importing import headers as h
from improvement.importing.cells import action_reference, text_of
from improvement.importing.layout import RowLine, heading_name, read_rows
from improvement.importing.reading import RawSheet, RowError, WorkbookRefused, read_workbook
from improvement.importing.resources import RESOURCES
from improvement.importing.widgets import LeadBook
from improvement.models import Theme

NO_HEADER = (
    "No header row found: none of the first {rows} rows names columns we know. Choose the "
    "header row and map its columns (on the command line: --header-row N and --map "
    '"HEADER=field").'
)
SHEET_SKIPPED = "Sheet skipped: none of its first rows names columns we know."
SHEET_SKIPPED_BY_CHOICE = "Sheet skipped, as chosen."
MISSING_COLUMN = 'Column "{column}" is required and was not found (headers we accept: {aliases}).'
UNKNOWN_COLUMN = 'Column "{header}" is not one we know and was ignored; map it to a field.'
REPEATED_COLUMN = 'Column "{header}" means the same as an earlier column and was ignored.'
HIDDEN_COLUMN = 'Column "{header}" is hidden in the workbook and was ignored; map it to use it.'
DUPLICATE_REFERENCE = (
    'Reference "{ref}" appears more than once in this sheet (first on row {first}).'
)
NO_SUCH_SHEET = 'No sheet named "{name}" in this workbook.'
UNEXPECTED_ROW_ERROR = "This row could not be saved: {detail}"

# The order sheets import in: recommendations before the actions and measures that cite them.
IMPORT_ORDER = (h.RECOMMENDATIONS, h.ACTIONS, h.RISKS, h.MEASURES, h.MEASURE_VALUES)
# Columns a sheet writes once for a block of rows (see _fill_down).
FILL_DOWN = {h.ACTIONS: ("theme", "period", "objective"), h.MEASURES: ("theme",)}


@dataclass
class PreparedSheet:
    name: str
    kind: str | None
    header: h.HeaderMap | None
    records: list[tuple[int, dict]] = field(default_factory=list)  # (sheet row, column -> value)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    lines: list[RowLine] = field(default_factory=list)  # what each structure row was read as
    headings: list = field(default_factory=list)  # theme headings, with the leads they name
    sheet_date: object = None
    raw: RawSheet | None = None
    # Where the header is thought to be, when nothing in it was recognised.
    guessed_header_row: int | None = None

    @property
    def unknown_headers(self) -> list[str]:
        return self.header.unknown if self.header else []

    @property
    def needs_mapping(self) -> bool:
        return self.kind is None or bool(self.unknown_headers)


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
    header_rows: str = ""  # "row 3", or "rows 3–4" for a two-row header
    reading: list[RowLine] = field(default_factory=list)  # what each structure row was read as

    @property
    def kind_label(self) -> str:
        return h.KIND_LABELS.get(self.kind, self.kind)

    @property
    def ok_so_far(self) -> bool:
        return not self.errors

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
            if s.header_rows:
                out.append(f"  header: {s.header_rows}")
            out += [f"  {line}" for line in s.reading]
            out += [f"  error: {e}" for e in s.errors]
            out += [f"  warning: {w}" for w in s.warnings]
        if self.new_leads:
            out.append("New leads: " + "; ".join(self.new_leads))
        if self.ok:
            out.append("Dry run: nothing was saved." if self.dry_run else "Imported.")
        else:
            out.append("Nothing was saved: correct the errors and import again.")
        return out


# Preparing a sheet: header, mapping, rows, duplicates.


def prepare_sheet(
    raw: RawSheet,
    *,
    mapping: dict[str, str],
    single: bool,
    choice: h.HeaderChoice | None = None,
    extra: dict[str, tuple[str, ...]] | None = None,
) -> PreparedSheet:
    choice = choice or h.HeaderChoice()
    if choice.kind == h.SKIP:
        sheet = PreparedSheet(name=raw.name, kind=None, header=None, raw=raw)
        sheet.warnings.append(RowError(raw.name, None, "", "", SHEET_SKIPPED_BY_CHOICE))
        return sheet
    found = h.find_header(raw, mapping=mapping, choice=choice, extra=extra)
    if found is None:
        sheet = PreparedSheet(
            name=raw.name, kind=None, header=None, raw=raw, guessed_header_row=h.first_text_row(raw)
        )
        message = NO_HEADER.format(rows=h.HEADER_SEARCH_ROWS) if single else SHEET_SKIPPED
        target = sheet.errors if single else sheet.warnings
        target.append(RowError(raw.name, None, "", "", message))
        return sheet
    kind = found.kind
    header = h.map_headers(
        found.columns,
        kind=kind,
        header_row=found.row,
        first_row=found.first_row,
        mapping=mapping,
        extra=extra,
    )
    sheet = PreparedSheet(name=raw.name, kind=kind, header=header, raw=raw)
    sheet.warnings += [
        RowError(raw.name, header.row, u, "", UNKNOWN_COLUMN.format(header=u))
        for u in header.unknown
    ]
    sheet.warnings += [
        RowError(raw.name, header.row, d, "", REPEATED_COLUMN.format(header=d))
        for d in header.duplicated
    ]
    sheet.warnings += [
        RowError(raw.name, header.row, d, "", HIDDEN_COLUMN.format(header=d)) for d in header.hidden
    ]
    for column in header.missing():
        aliases = ", ".join(f'"{a}"' for a in (column, *h.ALIASES[kind][column]))
        message = MISSING_COLUMN.format(column=column, aliases=aliases)
        sheet.errors.append(RowError(raw.name, header.row, column, "", message))
    if sheet.errors:
        return sheet
    reading = read_rows(raw, header)
    sheet.lines, sheet.headings, sheet.sheet_date = (
        reading.lines,
        reading.headings,
        reading.sheet_date,
    )
    sheet.warnings += [RowError(raw.name, *w) for w in reading.warnings]
    sheet.errors += [RowError(raw.name, *e) for e in reading.errors]
    if sheet.errors:
        return sheet
    previous: dict = {}
    fill_down = () if header.is_our_export else FILL_DOWN.get(kind, ())
    for _, record in reading.records:
        _fill_down(record, previous, fill_down)
        previous = record
    sheet.records = reading.records
    if kind == h.MEASURES:
        sheet.records = _merge_repeated_measures(sheet.records)
    sheet.errors += _duplicates(sheet)
    return sheet


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


def plan_fields(plan) -> dict[str, tuple[str, ...]]:
    """The plan's own fields and the headers that name them: one per readiness criterion."""
    if plan is None:
        return {}
    return {f"{h.CRITERION_PREFIX}{c.key}": (c.name,) for c in plan.criterion_list()}


def read_sheets(
    data: bytes,
    *,
    filename: str,
    mapping: dict[str, str],
    only: list[str] | None = None,
    choices: dict[str, h.HeaderChoice] | None = None,
    plan=None,
):
    """Bytes to prepared sheets, or a file-level error."""
    raws = read_workbook(data, filename=filename)
    if only:
        names = {r.name.casefold() for r in raws}
        missing = [n for n in only if n.casefold() not in names]
        if missing:
            raise WorkbookRefused(NO_SUCH_SHEET.format(name=missing[0]))
        raws = [r for r in raws if r.name.casefold() in {n.casefold() for n in only}]
    extra = plan_fields(plan)
    return [
        prepare_sheet(
            r,
            mapping=mapping,
            single=len(raws) == 1,
            choice=h.choice_for(choices or {}, r.name),
            extra=extra,
        )
        for r in raws
    ]


def import_workbook(
    *,
    plan,
    data: bytes,
    filename: str = "",
    user=None,
    dry_run: bool = True,
    mapping: dict[str, str] | None = None,
    sheets: list[str] | None = None,
    choices: dict[str, h.HeaderChoice] | None = None,
    recorded_at: datetime.datetime | None = None,
) -> ImportSummary:
    """Import every sheet, all or nothing: a dry run or any error leaves the database as it was.

    `recorded_at` dates what the import adds (its history rows and first progress updates);
    now when not given. The demo gives the day its plan began."""
    summary = ImportSummary(dry_run=dry_run)
    mapping = {**(plan.import_mapping or {}), **(mapping or {})}
    choices = {**saved_choices(plan), **(choices or {})}
    try:
        prepared = read_sheets(
            data, filename=filename, mapping=mapping, only=sheets, choices=choices, plan=plan
        )
    except WorkbookRefused as refused:
        summary.errors.append(refused.error)
        return summary
    order = {kind: i for i, kind in enumerate(IMPORT_ORDER)}
    prepared.sort(key=lambda s: order.get(s.kind, len(order)))
    with transaction.atomic():
        leads = LeadBook(plan.authority)
        for sheet in prepared:
            summary.sheets.append(
                _import_sheet(sheet, plan=plan, user=user, leads=leads, recorded_at=recorded_at)
            )
        summary.new_leads = list(leads.new_names)
        if dry_run or not summary.ok:
            transaction.set_rollback(True)
    return summary


def remember_choices(plan, *, mapping: dict[str, str], sheets: dict[str, dict]) -> None:
    """Keep what the admin chose, so next month's workbook goes straight to the preview."""
    if not mapping and not sheets:
        return
    plan.import_mapping = {**(plan.import_mapping or {}), **mapping}
    plan.import_sheets = {**(plan.import_sheets or {}), **sheets}
    plan.save(update_fields=["import_mapping", "import_sheets"])


def saved_choices(plan) -> dict[str, h.HeaderChoice]:
    """The header rows and kinds an admin chose on an earlier import of this plan."""
    saved = getattr(plan, "import_sheets", None) or {}
    return {
        name: h.HeaderChoice(kind=value.get("kind"), header_row=value.get("header_row"))
        for name, value in saved.items()
        if isinstance(value, dict)
    }


def _import_sheet(sheet: PreparedSheet, *, plan, user, leads, recorded_at=None) -> SheetSummary:
    result = SheetSummary(
        sheet=sheet.name,
        kind=sheet.kind or "",
        warnings=list(sheet.warnings),
        errors=list(sheet.errors),
        unknown_headers=list(sheet.unknown_headers),
        header_rows=sheet.header.rows_label if sheet.header else "",
        reading=list(sheet.lines),
    )
    if sheet.errors or sheet.kind is None or not sheet.records:
        return result  # a sheet of headers only (an export's empty measures) has nothing to import
    resource = RESOURCES[sheet.kind](
        plan=plan, user=user, leads=leads, sheet_date=sheet.sheet_date, recorded_at=recorded_at
    )
    columns = list(
        dict.fromkeys(
            [*sheet.header.columns.values(), *(c for _, record in sheet.records for c in record)]
        )
    )
    dataset = tablib.Dataset(
        *[[record.get(c) for c in columns] for _, record in sheet.records], headers=columns
    )
    # import_workbook's transaction holds every sheet; a savepoint per row would only cost time,
    # since any error rolls the whole import back.
    outcome = resource.import_data(dataset, dry_run=False, use_transactions=False)
    for row_result in outcome.rows:
        if row_result.import_type == "new":
            result.new += 1
        elif row_result.import_type == "update":
            result.updated += 1
        elif row_result.import_type == "skip":
            result.unchanged += 1
    _collect_problems(outcome, sheet=sheet, resource=resource, result=result)
    if result.ok_so_far:
        _lead_themes(sheet, plan=plan, leads=leads, result=result)
    return result


def _collect_problems(outcome, *, sheet: PreparedSheet, resource, result: SheetSummary) -> None:
    numbers = [number for number, _ in sheet.records]
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


NEW_THEME_LEAD = 'New lead "{name}" will be created (the lead written in the theme row).'


def _lead_themes(sheet: PreparedSheet, *, plan, leads, result: SheetSummary) -> None:
    """A theme row that names its lead ("(Theme Lead – …)") makes that lead the theme's."""
    for heading in sheet.headings:
        if not heading.lead:
            continue
        name = heading_name(heading)
        theme = Theme.objects.filter(plan=plan, name__iexact=name).first()
        if theme is None:
            theme = Theme.objects.create(
                plan=plan, name=name, order=Theme.objects.filter(plan=plan).count() + 1
            )
        known = leads.knows(heading.lead)
        lead = leads.get(heading.lead)
        if not known:
            message = NEW_THEME_LEAD.format(name=lead.name)
            result.warnings.append(RowError(sheet.name, None, "", heading.lead, message))
        if theme.lead_id != lead.pk:
            theme.lead = lead
            theme.save(update_fields=["lead"])
