"""Which row is the header, what kind of sheet it is, and which of our columns each header means.

Councils' sheets put a title row or two above the header, name the same column many ways
("By when", "Target Date", "Deadline") and add columns of their own. The alias table below is the
documented list of headers we recognise (docs/importing.md prints it); anything else needs a
mapping, which an admin confirms once and the plan remembers.
"""

import re
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

from improvement.importing.cells import text_of

IGNORE = "ignore"

RECOMMENDATIONS = "recommendations"
ACTIONS = "actions"
RISKS = "risks"
MEASURES = "measures"
MEASURE_VALUES = "measure_values"

KIND_LABELS = {
    RECOMMENDATIONS: "Recommendations",
    ACTIONS: "Actions",
    RISKS: "Risks",
    MEASURES: "Measures",
    MEASURE_VALUES: "Measure values",
}

# Our column name -> the headers councils write for it. Our own name is always recognised too.
ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    RECOMMENDATIONS: {
        "ref": ("reference", "rec", "rec.", "rec no", "recommendation no", "recommendation number"),
        "body": ("for", "made to", "organisation"),
        "text": ("recommendation", "recommendation text", "wording", "description"),
        "inspection": ("inspection title", "report", "source"),
        "timescale": ("by", "when"),
    },
    ACTIONS: {
        "reference": ("action reference", "action ref", "ref", "id"),
        "theme": ("area", "workstream", "work stream", "strand", "priority", "theme / work stream"),
        "period": ("phase", "quarter", "timeframe", "stage"),
        "objective": ("outcome", "aim", "area for improvement", "objective / outcome"),
        "no": ("number", "action no", "action number", "#", "no."),
        "key_action": ("key", "key action", "key action?", "priority action", "**"),
        "recs": (
            "rec",
            "rec.",
            "recs.",
            "recommendation",
            "recommendations",
            "ofsted recommendation",
            "ofsted rec",
            "rec no",
        ),
        "action": (
            "actions",
            "activity",
            "activity required",
            "what we will do",
            "task",
            "project",
            "projects",
            "project name",
            "key actions",
            "action required",
            "actions required",
        ),
        "by_when": (
            "by when",
            "target date",
            "deadline",
            "due",
            "due date",
            "date",
            "timescale",
            "timescales",
            "completion date",
            "target completion date",
            "end date",
        ),
        "due_date": ("current due date", "revised due date", "due date (current)"),
        "lead": (
            "leads",
            "lead officer",
            "lead officers",
            "owner",
            "responsible",
            "responsible officer",
            "who",
            "lead / deadline",
            "lead and deadline",
            "lead / timescale",
            "lead and timescale",
            "lead officer / deadline",
            "who and when",
        ),
        "impact": ("expected impact", "desired outcome", "impact / outcome", "success measure"),
        "impact_tested": ("impact tested", "evidence of impact", "impact evidence"),
        "progress_rag": (
            "progress rag",
            "rag",
            "rag status",
            "progress",
            "rag rating",
            "action rag",
            "delivery rag",
            "overall rag",
            "current rag",
        ),
        "impact_rag": ("impact rag", "impact rating", "impact rag rating", "outcome rag"),
        "status": ("action status", "state"),
        "comments": (
            "comment",
            "commentary",
            "update",
            "progress update",
            "notes",
            "progress to date",
            "latest update",
            "progress / comments",
        ),
        "arose_from_inspection": (
            "arising from inspection",
            "arising from the latest inspection",
            "from latest inspection",
            "new from inspection",
            "arose from inspection",
            "from inspection",
        ),
        "milestones": (
            "milestone",
            "key milestones",
            "next key milestones",
            "next milestones",
            "milestones / next steps",
        ),
        "improvement_measure": ("improvement measure", "measure", "measures", "kpi"),
    },
    RISKS: {
        "no": ("ref", "reference", "risk no", "risk number", "risk ref", "id"),
        "description": ("risk", "risk description", "description of risk"),
        "owner": ("risk owner", "lead", "responsible"),
        "date_raised_reviewed": (
            "date raised / reviewed",
            "date raised/reviewed",
            "date raised",
            "raised",
            "reviewed",
            "review date",
        ),
        "existing_controls": ("existing controls", "controls", "current controls", "mitigation"),
        "likelihood": ("l", "probability", "likelihood (1-5)"),
        "impact": ("i", "severity", "impact (1-5)"),
        "total": ("score", "risk score", "rating", "l x i", "total score"),
        "additional_controls": ("additional controls", "further controls", "further actions"),
        "residual_likelihood": ("residual likelihood",),
        "residual_impact": ("residual impact",),
        "target_score": ("target score", "target"),
        "status": ("risk status",),
    },
    MEASURES: {
        "measure": ("name", "measure name", "improvement measure", "indicator", "kpi"),
        "unit": ("units",),
        "direction": ("better is", "polarity", "good is"),
        "target": ("target value",),
        "theme": ("themes",),
        "recs": ("recommendations", "rec", "rec."),
        "period": (),
    },
    MEASURE_VALUES: {
        "measure": ("name", "measure name", "indicator"),
        "period_ending": ("period ending", "period end", "as at", "date", "month ending"),
        "label": ("period label", "month"),
        "value": ("actual", "result", "figure"),
        "note": ("notes", "comment"),
    },
}

# Without these a sheet of that kind cannot be imported.
REQUIRED = {
    RECOMMENDATIONS: ("ref", "text"),
    ACTIONS: ("action",),
    RISKS: ("no", "description", "likelihood", "impact"),
    MEASURES: ("measure",),
    MEASURE_VALUES: ("measure", "period_ending", "value"),
}

# Headers that identify a kind even when other columns are unfamiliar.
_SIGNATURE = {
    RECOMMENDATIONS: {"ref", "text", "body", "inspection"},
    ACTIONS: {
        "action",
        "by_when",
        "lead",
        "recs",
        "progress_rag",
        "key_action",
        "milestones",
        "impact_rag",
    },
    RISKS: {"likelihood", "description", "existing_controls", "owner"},
    MEASURES: {"measure", "unit", "direction", "target"},
    MEASURE_VALUES: {"period_ending", "value"},
}

_SHEET_NAME_HINTS = {
    RECOMMENDATIONS: ("recommendation",),
    ACTIONS: ("action", "plan"),
    RISKS: ("risk",),
    MEASURE_VALUES: ("value", "data", "performance"),
    MEASURES: ("measure", "kpi", "indicator"),
}

# Our fields in plain words, with a line on what each takes: the mapping step shows these.
FIELD_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    RECOMMENDATIONS: {
        "ref": ("Recommendation reference", "The number or code Ofsted gave it: 1, 5(d), SB1."),
        "body": ("Made to", "Local authority, or the safeguarding board (LSCB)."),
        "text": ("Recommendation", "The recommendation's wording (required)."),
        "inspection": ("Inspection", "The inspection's title; blank means the plan's one."),
        "timescale": ("Timescale", "Immediately, or Within 3 months, and so on."),
    },
    ACTIONS: {
        "reference": ("Action reference", "Unique in the plan, e.g. JAN17-4; made when absent."),
        "theme": ("Theme or work-stream", "Written once, it stands for the rows below."),
        "period": ("Period", 'A block of the plan, e.g. "September – December 2016".'),
        "objective": ("Objective", "What a group of actions serves; written once for many."),
        "no": ("Action number", "As printed: 4, 1.1.1, 2(a)."),
        "key_action": ("Key action", "Yes or no; ** or * marks a key action."),
        "recs": ("Recommendations", "References of the recommendations it answers: 3, 8, 9."),
        "action": (
            "Action",
            "What will be done (required); a * marks one arising from the latest inspection.",
        ),
        "by_when": (
            "Due date",
            "A date or a month and year; other text is kept as written and flagged.",
        ),
        "due_date": (
            "Current due date",
            "The date it is due now, revisions included; blank keeps it.",
        ),
        "lead": (
            "Lead",
            "Post or name; several become lead and co-leads; a deadline under it is the due date.",
        ),
        "impact": ("Expected impact", "What will be different for children."),
        "impact_tested": ("Impact evidence", "How the impact was tested."),
        "progress_rag": ("Progress RAG", "R, A, G, B, a colour word, Complete, or a filled cell."),
        "impact_rag": ("Impact RAG", "R, A, G, B or a colour word, or a filled cell."),
        "status": ("Status", "Not started, In progress, Awaiting sign-off, Complete, Closed."),
        "comments": ("Commentary", "The latest progress update."),
        "improvement_measure": ("Improvement measure", "The measure that shows the impact."),
        "arose_from_inspection": (
            "Arising from the latest inspection",
            "Yes or no; a * in the action text says the same.",
        ),
        "milestones": (
            "Milestones",
            'One per line, e.g. "13 Mar - Launch"; several columns may hold milestones.',
        ),
    },
    RISKS: {
        "no": ("Risk reference", "Unique in the register (required)."),
        "description": ("Risk", "What might happen (required)."),
        "owner": ("Risk owner", "Post or name."),
        "date_raised_reviewed": ("Date raised or reviewed", "As written."),
        "existing_controls": ("Existing controls", "What is in place now."),
        "likelihood": ("Likelihood", "A whole number from 1 to 5 (required)."),
        "impact": ("Impact", "A whole number from 1 to 5 (required)."),
        "total": ("Score", "Likelihood × impact; checked, not imported."),
        "additional_controls": ("Additional controls", "What will be done."),
        "residual_likelihood": ("Likelihood after controls", "1 to 5."),
        "residual_impact": ("Impact after controls", "1 to 5."),
        "target_score": ("Target score", "1 to 25."),
        "status": ("Risk status", "Open or closed."),
    },
    MEASURES: {
        "measure": ("Measure", "The measure's name (required)."),
        "unit": ("Unit", "%, number, days…"),
        "direction": ("Better is", "Higher or lower."),
        "target": ("Target", "A number."),
        "theme": ("Themes", "One per line."),
        "recs": ("Recommendations", "References: 3, 8, 9."),
        "period": ("Period", "As written."),
    },
    MEASURE_VALUES: {
        "measure": ("Measure", "The measure's name, as on the measures sheet (required)."),
        "period_ending": ("Period ending", "A date (required)."),
        "label": ("Period label", 'As written, e.g. "March 2017".'),
        "value": ("Value", "A number (required)."),
        "note": ("Note", "Any note on the value."),
    },
}
CRITERION_PREFIX = "criterion:"
CRITERION_HELP = "Met, not met, or blank for not yet assessed."
# Fields several columns may feed; their cells are read together, in column order.
MULTI_COLUMN = {"milestones"}

HEADER_SEARCH_ROWS = 20
# An unlabelled header row needs this many columns we know, or a mapping for them.
_ENOUGH_KNOWN = 2
# A cell longer than this is a row's data, not a sub-header.
_LONGEST_SUB_HEADER = 60


def normalise_header(value) -> str:
    text = text_of(value).replace("_", " ").casefold()
    text = re.sub(r"[\u2013\u2014\-:?*]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _lookup(aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    table = {}
    for column, names in aliases.items():
        # Our name as our export writes it ("due_date") is ours; folded ("due date") it is a
        # council's header, which an alias may already claim ("due date" is by_when).
        table.setdefault(column, column)
        table.setdefault(normalise_header(column), column)
        for alias in names:
            table.setdefault(normalise_header(alias), column)
    return table


LOOKUPS = {kind: _lookup(ALIASES[kind]) for kind in ALIASES}


def fields_of(kind: str, extra: dict[str, tuple[str, ...]] | None = None) -> list[str]:
    return list(ALIASES[kind]) + (list(extra) if kind == ACTIONS and extra else [])


def field_label(kind: str, name: str, extra_labels: dict[str, str] | None = None) -> str:
    if name.startswith(CRITERION_PREFIX):
        return (extra_labels or {}).get(name, name.removeprefix(CRITERION_PREFIX))
    return FIELD_LABELS[kind].get(name, (name, ""))[0]


def field_help(kind: str, name: str) -> str:
    if name.startswith(CRITERION_PREFIX):
        return CRITERION_HELP
    return FIELD_LABELS[kind].get(name, ("", ""))[1]


def column_key(index: int) -> str:
    """The mapping key that names a column by position: "column C"."""
    return f"column {get_column_letter(index + 1)}"


_POSITION_KEY = re.compile(r"^column ([a-z]{1,3})$")
_OCCURRENCE = re.compile(r"^(.*?)\s*#(\d+)$")


@dataclass(frozen=True)
class Column:
    """A header cell as the sheet wrote it; a two-row header reads "GROUP – sub"."""

    index: int  # 0-based
    text: str
    keys: tuple[str, ...]  # spellings to look up, most specific first
    occurrence: int = 1  # the second column headed "March" is occurrence 2
    hidden: bool = False

    @property
    def letter(self) -> str:
        return get_column_letter(self.index + 1)

    @property
    def mapping_key(self) -> str:
        """How a saved mapping names this column: its header, "#2" for a repeat, else position."""
        if not self.text:
            return column_key(self.index)
        return self.text if self.occurrence == 1 else f"{self.text} #{self.occurrence}"


@dataclass
class HeaderMap:
    kind: str
    row: int  # 1-based sheet row of the (last) header row
    columns: dict[int, str]  # 0-based column index -> our field name
    headers: dict[int, str]  # 0-based column index -> header as written
    first_row: int = 0  # first header row, for a two-row header
    unknown: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)  # hidden columns left out
    cells: list[Column] = field(default_factory=list)

    def header_for(self, column: str) -> str:
        for index, name in self.columns.items():
            if name == column:
                return self.headers[index]
        return column

    def index_for(self, column: str) -> int | None:
        return next((i for i, name in self.columns.items() if name == column), None)

    def missing(self) -> list[str]:
        present = set(self.columns.values())
        return [c for c in REQUIRED[self.kind] if c not in present]

    @property
    def is_our_export(self) -> bool:
        """Every header is one of our own field names, as the plan workbook writes them: each
        row then says all it holds, and a blank cell means blank, not "as above"."""
        written = [t for t in self.headers.values() if t]
        return bool(written) and all(t in ALIASES[self.kind] for t in written)

    @property
    def rows_label(self) -> str:
        if self.first_row and self.first_row != self.row:
            return f"rows {self.first_row}–{self.row}"
        return f"row {self.row}"


def _cell_text(rows, number: int, index: int) -> str:
    cells = rows[number - 1] if 0 < number <= len(rows) else []
    return text_of(cells[index]) if index < len(cells) else ""


def _texts(rows, number: int) -> list[str]:
    cells = rows[number - 1] if 0 < number <= len(rows) else []
    return [text_of(c) for c in cells]


def header_columns(raw, number: int, *, two_rows: bool) -> list[Column]:
    """The columns of a header at sheet row `number` (with the row below, for a two-row header).

    In a two-row header a group cell ("NEXT KEY MILESTONES") spans sub-headers ("March",
    "April"), merged or written once with blanks after it; a cell merged down both rows
    ("Lead") is one header.
    """
    upper = _texts(raw.rows, number)
    lower = _texts(raw.rows, number + 1) if two_rows else []
    width = max(len(upper), len(lower))
    columns, seen = [], {}
    group = ""
    for index in range(width):
        top = upper[index] if index < len(upper) else ""
        sub = lower[index] if index < len(lower) else ""
        if top and (number, index) not in raw.copied:
            group = top
        elif not top and not (two_rows and sub):
            group = ""
        top = top or (group if two_rows and sub else "")
        if two_rows and sub and sub != top and top:
            text = f"{top} – {sub}"
            keys = (normalise_header(text), normalise_header(sub), normalise_header(top))
        else:
            text = top or sub
            keys = (text.casefold(), normalise_header(text))  # as written: our "due_date"
        seen[text.casefold()] = seen.get(text.casefold(), 0) + 1
        columns.append(
            Column(
                index=index,
                text=text,
                keys=keys,
                occurrence=seen[text.casefold()],
                hidden=index in raw.hidden_columns,
            )
        )
    return columns


def row_columns(row) -> list[Column]:
    """The columns of a plain one-row header, as a list of cells."""

    class _Plain:
        rows, copied, hidden_columns = [list(row)], set(), set()

    return header_columns(_Plain, 1, two_rows=False)


def _is_two_row_header(raw, number: int) -> bool:
    """A group cell over two or more sub-headers in the row below, where both rows hold several
    header cells (a title merged across the top is not a group)."""
    upper, lower = _texts(raw.rows, number), _texts(raw.rows, number + 1)
    own_upper = [t for i, t in enumerate(upper) if t and (number, i) not in raw.copied]
    if len(own_upper) < 2 or sum(1 for t in lower if t) < 2:
        return False
    below = raw.rows[number] if number < len(raw.rows) else []
    if any(isinstance(c, int | float) and not isinstance(c, bool) for c in below):
        return False  # the row below holds numbers: it is data
    if any(len(t) > _LONGEST_SUB_HEADER for t in lower):
        return False
    for index, top in enumerate(upper):
        if not top or (number, index) in raw.copied:
            continue
        first, last = raw.span_of(number, index)
        if last == first:  # written once with blanks after it
            last = first
            while last + 1 < len(upper) and not upper[last + 1]:
                last += 1
        subs = {lower[i] for i in range(first, last + 1) if i < len(lower) and lower[i]}
        if last > first and len(subs - {top}) >= 2:
            return True
    return False


def _mapped_field(column: Column, chosen: dict[str, str]) -> str | None:
    """The admin's choice for a column: by position, then by header (and which repeat)."""
    candidates = [column_key(column.index)]
    if column.text:
        text = normalise_header(column.text)
        candidates.append(f"{text} #{column.occurrence}")
        if column.occurrence == 1:
            candidates.append(text)
    return next((chosen[c] for c in candidates if c in chosen), None)


def normalise_mapping(mapping: dict[str, str]) -> dict[str, str]:
    """Mapping keys as map_headers looks them up: "Sponsor #2" → "sponsor #2"."""
    chosen = {}
    for key, value in mapping.items():
        text = str(key).strip()
        if match := _OCCURRENCE.match(text):
            text = f"{normalise_header(match.group(1))} #{int(match.group(2))}"
        elif _POSITION_KEY.match(text.casefold()):
            text = text.casefold()
        else:
            text = normalise_header(text)
        chosen[text] = value
    return chosen


def map_headers(
    columns: list[Column],
    *,
    kind: str,
    header_row: int,
    mapping: dict[str, str],
    first_row: int = 0,
    extra: dict[str, tuple[str, ...]] | None = None,
) -> HeaderMap:
    """Our field for each column: the admin's mapping first, then the alias table.

    `extra` adds a plan's own fields (its readiness criteria) with the headers that name them.
    """
    extra = extra if kind == ACTIONS else None
    lookup = {**LOOKUPS[kind], **(_lookup(extra) if extra else {})}
    allowed = set(fields_of(kind, extra))
    chosen = normalise_mapping(mapping)
    result = HeaderMap(
        kind=kind, row=header_row, first_row=first_row or header_row, columns={}, headers={}
    )
    result.cells = columns
    for column in columns:
        mapped = _mapped_field(column, chosen)
        if mapped is not None and mapped != IGNORE and mapped not in allowed:
            mapped = None  # a mapping saved for another kind of sheet does not apply
        if not column.text and mapped is None:
            continue
        result.headers[column.index] = column.text or column_key(column.index)
        name = mapped or next((lookup[k] for k in column.keys if k in lookup), None)
        if mapped is None and column.hidden:
            # A hidden column is usually last year's data; it comes in only when mapped.
            result.hidden.append(column.text)
            continue
        if name == IGNORE:
            continue
        if name is None:
            result.unknown.append(column.mapping_key)
            continue
        if name in result.columns.values() and name not in MULTI_COLUMN:
            result.duplicated.append(column.mapping_key)
            continue
        result.columns[column.index] = name
    return result


@dataclass(frozen=True)
class HeaderChoice:
    """What the admin (or --header-row / --kind) said about one sheet."""

    kind: str | None = None  # one of ALIASES, or SKIP
    header_row: int | None = None


SKIP = "skip"


@dataclass(frozen=True)
class FoundHeader:
    kind: str | None
    row: int  # the last header row
    first_row: int
    columns: list[Column]
    recognised: int  # how many columns we know


def _known_fields(columns, kind, chosen, extra) -> set[str]:
    lookup = {**LOOKUPS[kind], **(_lookup(extra) if extra and kind == ACTIONS else {})}
    allowed = set(fields_of(kind, extra))
    known = set()
    for column in columns:
        mapped = _mapped_field(column, chosen)
        if mapped == IGNORE:
            continue
        if mapped in allowed:
            known.add(mapped)
            continue
        name = next((lookup[k] for k in column.keys if k in lookup), None)
        if name:
            known.add(name)
    return known


def _best_kind(columns, sheet_name, chosen, extra) -> tuple[str, int, int]:
    hinted = [
        kind
        for kind, hints in _SHEET_NAME_HINTS.items()
        if any(h in sheet_name.casefold() for h in hints)
    ]
    scores = []
    for kind in ALIASES:
        known = _known_fields(columns, kind, chosen, extra)
        signature = len(known & _SIGNATURE[kind]) + sum(1 for f in known if f in chosen.values())
        scores.append((signature, len(known), kind in hinted, kind))
    best = max(scores)
    return best[3], best[0] + best[1], best[1]


def find_header(
    raw,
    *,
    mapping: dict[str, str] | None = None,
    choice: HeaderChoice | None = None,
    extra: dict[str, tuple[str, ...]] | None = None,
) -> FoundHeader | None:
    """The row among the first few that reads most like a header, and the sheet's kind.

    The alias table and the mapping (saved or given) both count: a sheet whose every header is
    unfamiliar is found once its columns are mapped. A header row the admin chose is used as
    it is. Returns None when nothing there looks like a header.
    """
    chosen = normalise_mapping(mapping or {})
    choice = choice or HeaderChoice()
    if choice.header_row:
        numbers = [choice.header_row]
    else:
        numbers = range(1, min(len(raw.rows), HEADER_SEARCH_ROWS) + 1)
    best = None
    for number in numbers:
        if not choice.header_row and sum(1 for t in _texts(raw.rows, number) if t) < 2:
            continue
        two_rows = _is_two_row_header(raw, number)
        columns = header_columns(raw, number, two_rows=two_rows)
        if choice.kind and choice.kind != SKIP:
            kind = choice.kind
            known = _known_fields(columns, kind, chosen, extra)
            score, recognised = len(known), len(known)
        else:
            kind, score, recognised = _best_kind(columns, raw.name, chosen, extra)
        last = number + 1 if two_rows else number
        if best is None or score > best[0]:
            best = (score, FoundHeader(kind, last, number, columns, recognised))
    if best is None:
        return None
    found = best[1]
    if choice.header_row or choice.kind:
        return found
    return found if best[0] >= _ENOUGH_KNOWN else None


def first_text_row(raw) -> int | None:
    """Where an unrecognised sheet's header most likely is: its first row of two or more texts."""
    for number in range(1, min(len(raw.rows), HEADER_SEARCH_ROWS) + 1):
        if sum(1 for t in _texts(raw.rows, number) if t) >= 2:
            return number
    return None


BAD_MAPPING = 'Map a header with "HEADER=field"; "{text}" has no "=".'
UNKNOWN_FIELD = '"{field}" is not a column we import; use one of: {fields}, or ignore.'


BAD_CHOICE = '{option} takes "N" or "SHEET=N"; "{text}" is neither.'
UNKNOWN_KIND = '"{kind}" is not a kind of sheet; use one of: {kinds}, or skip.'


def all_fields() -> list[str]:
    return sorted({f for kind in ALIASES for f in ALIASES[kind]})


def _sheet_and_value(item: str, option: str) -> tuple[str, str]:
    sheet, sep, value = item.rpartition("=")
    if sep and not sheet.strip():
        raise ValueError(BAD_CHOICE.format(option=option, text=item))
    return sheet.strip(), value.strip()


def parse_choices(header_rows: list[str], kinds: list[str]) -> dict[str, HeaderChoice]:
    """--header-row "Summary=3" --kind "Summary=actions" to {sheet: HeaderChoice}; a value with
    no sheet name ("3") applies to every sheet, under the key ""."""
    rows: dict[str, int] = {}
    for item in header_rows:
        sheet, value = _sheet_and_value(item, "--header-row")
        if not value.isdigit() or int(value) < 1:
            raise ValueError(BAD_CHOICE.format(option="--header-row", text=item))
        rows[sheet] = int(value)
    chosen_kinds: dict[str, str] = {}
    for item in kinds:
        sheet, value = _sheet_and_value(item, "--kind")
        kind = value.casefold().replace(" ", "_")
        if kind not in ALIASES and kind != SKIP:
            raise ValueError(UNKNOWN_KIND.format(kind=value, kinds=", ".join(ALIASES)))
        chosen_kinds[sheet] = kind
    return {
        sheet: HeaderChoice(kind=chosen_kinds.get(sheet), header_row=rows.get(sheet))
        for sheet in {*rows, *chosen_kinds}
    }


def choice_for(choices: dict[str, HeaderChoice], sheet_name: str) -> HeaderChoice:
    for key, choice in choices.items():
        if key.casefold() == sheet_name.casefold():
            return choice
    return choices.get("", HeaderChoice())


def parse_mapping(items: list[str]) -> dict[str, str]:
    """--map "By when=by_when" --map "Notes=ignore" to {header: field}."""
    mapping = {}
    known = set(all_fields())
    for item in items:
        header, sep, column = item.rpartition("=")
        if not sep or not header.strip():
            raise ValueError(BAD_MAPPING.format(text=item))
        column = column.strip()
        if column != IGNORE and column not in known and not column.startswith(CRITERION_PREFIX):
            raise ValueError(UNKNOWN_FIELD.format(field=column, fields=", ".join(sorted(known))))
        mapping[header.strip()] = column
    return mapping
