"""Which row is the header, what kind of sheet it is, and which of our columns each header means.

Councils' sheets put a title row or two above the header, name the same column many ways
("By when", "Target Date", "Deadline") and add columns of their own. The alias table below is the
documented list of headers we recognise (docs/importing.md prints it); anything else needs a
mapping, which an admin confirms once and the plan remembers.
"""

import re
from dataclasses import dataclass, field

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
        "theme": ("area", "workstream", "priority"),
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
        "action": ("actions", "activity", "activity required", "what we will do", "task"),
        "by_when": ("by when", "target date", "deadline", "due", "due date", "date", "timescale"),
        "lead": ("leads", "lead officer", "owner", "responsible", "responsible officer", "who"),
        "impact": ("expected impact", "desired outcome", "impact / outcome", "success measure"),
        "impact_tested": ("impact tested", "evidence of impact", "impact evidence"),
        "progress_rag": ("progress rag", "rag", "rag status", "progress", "rag rating"),
        "status": ("action status", "state"),
        "comments": ("comment", "commentary", "update", "progress update", "notes"),
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
    ACTIONS: {"action", "by_when", "lead", "recs", "progress_rag", "key_action"},
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

HEADER_SEARCH_ROWS = 15


def normalise_header(value) -> str:
    text = text_of(value).replace("_", " ").casefold()
    text = re.sub(r"[\u2013\u2014\-:]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _lookup(kind: str) -> dict[str, str]:
    table = {}
    for column, aliases in ALIASES[kind].items():
        table[normalise_header(column)] = column
        for alias in aliases:
            table.setdefault(normalise_header(alias), column)
    return table


LOOKUPS = {kind: _lookup(kind) for kind in ALIASES}


def fields_of(kind: str) -> list[str]:
    return list(ALIASES[kind])


@dataclass
class HeaderMap:
    kind: str
    row: int  # 1-based sheet row of the header
    columns: dict[int, str]  # 0-based column index -> our column name
    headers: dict[int, str]  # 0-based column index -> header as written
    unknown: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)

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


def _score(cells: list[str], kind: str) -> int:
    lookup = LOOKUPS[kind]
    return sum(1 for c in cells if c in lookup)


def _guess_kind(cells: list[str], sheet_name: str) -> tuple[str, int]:
    hinted = [
        kind
        for kind, hints in _SHEET_NAME_HINTS.items()
        if any(h in sheet_name.casefold() for h in hints)
    ]
    scores = []
    for kind in ALIASES:
        known = {LOOKUPS[kind][c] for c in cells if c in LOOKUPS[kind]}
        signature = len(known & _SIGNATURE[kind])
        scores.append((signature, len(known), kind in hinted, kind))
    best = max(scores)
    return best[3], best[0] + best[1]


def find_header(rows: list[tuple], *, sheet_name: str, kind: str | None = None):
    """The first row among the top few that reads most like a header, and the sheet's kind.

    Returns (kind, 1-based row) or (None, None) when nothing there looks like a header.
    """
    best = (0, None, None)
    for number, row in enumerate(rows[:HEADER_SEARCH_ROWS], start=1):
        cells = [normalise_header(c) for c in row if isinstance(c, str)]
        if len(cells) < 2:
            continue
        if kind:
            found_kind, score = kind, _score(cells, kind)
        else:
            found_kind, score = _guess_kind(cells, sheet_name)
        if score > best[0]:
            best = (score, found_kind, number)
    if best[0] < 2:
        return None, None
    return best[1], best[2]


def map_headers(row: tuple, *, kind: str, header_row: int, mapping: dict[str, str]) -> HeaderMap:
    """Our column for each header: the admin's mapping first, then the alias table."""
    lookup = LOOKUPS[kind]
    chosen = {normalise_header(k): v for k, v in mapping.items()}
    result = HeaderMap(kind=kind, row=header_row, columns={}, headers={})
    for index, cell in enumerate(row):
        written = text_of(cell)
        if not written:
            continue
        key = normalise_header(cell)
        column = chosen.get(key)
        if column != IGNORE and column not in ALIASES[kind]:
            column = lookup.get(key)  # a mapping saved for another kind of sheet does not apply
        result.headers[index] = written
        if column == IGNORE:
            continue
        if column is None:
            result.unknown.append(written)
            continue
        if column in result.columns.values():
            result.duplicated.append(written)
            continue
        result.columns[index] = column
    return result


BAD_MAPPING = 'Map a header with "HEADER=field"; "{text}" has no "=".'
UNKNOWN_FIELD = '"{field}" is not a column we import; use one of: {fields}, or ignore.'


def all_fields() -> list[str]:
    return sorted({f for kind in ALIASES for f in ALIASES[kind]})


def parse_mapping(items: list[str]) -> dict[str, str]:
    """--map "By when=by_when" --map "Notes=ignore" to {header: field}."""
    mapping = {}
    known = set(all_fields())
    for item in items:
        header, sep, column = item.rpartition("=")
        if not sep or not header.strip():
            raise ValueError(BAD_MAPPING.format(text=item))
        column = column.strip()
        if column != IGNORE and column not in known:
            raise ValueError(UNKNOWN_FIELD.format(field=column, fields=", ".join(sorted(known))))
        mapping[header.strip()] = column
    return mapping
