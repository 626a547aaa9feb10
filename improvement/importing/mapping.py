"""The mapping step: every column of every sheet, with sample values, for an admin to say
what each holds, which row is the header and what kind of sheet it is.

It is reachable whatever the workbook looks like: a sheet whose headers we do not know at all
is shown from its first row of text, so nothing needs editing by hand before it imports.
Choices are by column position as well as header text, so two columns headed alike are told
apart; the plan keeps them for the next import.
"""

import json
from dataclasses import dataclass

from django import forms

from improvement.importing import headers as h
from improvement.importing.cells import text_of

SAMPLE_ROWS = 3
SAMPLE_LENGTH = 40
ROW_PREVIEW_CELLS = 6
# The kind a sheet is shown as when nothing in it was recognised.
DEFAULT_KIND = h.ACTIONS


@dataclass(frozen=True)
class ColumnView:
    sheet: str
    column: h.Column
    field_name: str  # the form field
    chosen: str  # our field, or IGNORE
    samples: list[str]


@dataclass(frozen=True)
class SheetView:
    name: str
    kind: str
    kind_field: str
    header_field: str
    header_row: int
    recognised: bool
    columns: list[ColumnView]
    fields_help: list[tuple[str, str]]  # (label, what it takes)


def _sample_values(raw, first_row: int, index: int) -> list[str]:
    samples = []
    for cells in raw.rows[first_row:]:
        if len(samples) == SAMPLE_ROWS:
            break
        if not any(text_of(c) for c in cells):
            continue
        value = text_of(cells[index]) if index < len(cells) else ""
        value = " ".join(value.split())
        samples.append(value if len(value) <= SAMPLE_LENGTH else value[: SAMPLE_LENGTH - 1] + "…")
    return samples


def _row_label(raw, number: int) -> str:
    texts = [" ".join(text_of(c).split()) for c in raw.rows[number - 1] if text_of(c)]
    shown = " | ".join(t[:24] for t in texts[:ROW_PREVIEW_CELLS])
    more = " | …" if len(texts) > ROW_PREVIEW_CELLS else ""
    return f"Row {number}: {shown}{more}" if shown else f"Row {number}: (blank)"


def _field_choices(kind: str, extra) -> list[tuple[str, str]]:
    labels = {name: names[0] for name, names in (extra or {}).items()}
    return [(h.IGNORE, "Ignore this column")] + [
        (name, h.field_label(kind, name, labels)) for name in h.fields_of(kind, extra)
    ]


class ColumnsForm(forms.Form):
    """One kind and one header row per sheet, and one field per column."""

    token = forms.CharField(widget=forms.HiddenInput)
    filename = forms.CharField(widget=forms.HiddenInput)
    mapping = forms.CharField(widget=forms.HiddenInput, required=False)
    choices = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, sheets=(), extra=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.extra = extra or {}
        self.sheet_views: list[SheetView] = []
        kinds = [(kind, label) for kind, label in h.KIND_LABELS.items()]
        kinds.append((h.SKIP, "Nothing to import: skip this sheet"))
        for n, sheet in enumerate(sheets):
            raw = sheet.raw
            if raw is None:
                continue
            kind = sheet.kind or DEFAULT_KIND
            header_row = sheet.header.first_row if sheet.header else sheet.guessed_header_row
            header_row = header_row or 1
            kind_field, header_field = f"kind_{n}", f"header_{n}"
            self.fields[kind_field] = forms.ChoiceField(
                label=f"What sheet {sheet.name} holds", choices=kinds, initial=kind
            )
            rows = range(1, min(len(raw.rows), h.HEADER_SEARCH_ROWS) + 1)
            self.fields[header_field] = forms.TypedChoiceField(
                label=f"Header row of sheet {sheet.name}",
                choices=[(r, _row_label(raw, r)) for r in rows] or [(1, "Row 1")],
                coerce=int,
                initial=header_row,
            )
            self.sheet_views.append(self._sheet_view(n, sheet, kind, kind_field, header_field))

    def _sheet_view(self, n, sheet, kind, kind_field, header_field) -> SheetView:
        raw = sheet.raw
        if sheet.header:
            columns, data_from = sheet.header.cells, sheet.header.row
            chosen = sheet.header.columns
        else:
            number = sheet.guessed_header_row or 1
            columns, data_from, chosen = h.header_columns(raw, number, two_rows=False), number, {}
        choices = _field_choices(kind, self.extra)
        views = []
        for column in columns:
            if not column.text and not _sample_values(raw, data_from, column.index):
                continue
            name = f"col_{n}_{column.index}"
            initial = chosen.get(column.index, h.IGNORE)
            label = column.text or "(no header)"
            self.fields[name] = forms.ChoiceField(
                label=f"Column {column.letter}: {label}",
                choices=choices,
                initial=initial,
                # The table's row header names the column; the select says so to a screen reader.
                widget=forms.Select(
                    attrs={"aria-label": f"Column {column.letter} ({label}) holds"}
                ),
            )
            views.append(
                ColumnView(
                    sheet=sheet.name,
                    column=column,
                    field_name=name,
                    chosen=initial,
                    samples=_sample_values(raw, data_from, column.index),
                )
            )
        labels = {k: v[0] for k, v in self.extra.items()}
        helps = [
            (h.field_label(kind, name, labels), h.field_help(kind, name))
            for name in h.fields_of(kind, self.extra)
        ]
        return SheetView(
            name=sheet.name,
            kind=kind,
            kind_field=kind_field,
            header_field=header_field,
            header_row=self.fields[header_field].initial,
            recognised=sheet.kind is not None,
            columns=views,
            fields_help=helps,
        )

    def sheets(self):
        """Each sheet with its bound fields, in the order the template shows them."""
        for view in self.sheet_views:
            yield {
                "view": view,
                "kind": self[view.kind_field],
                "header": self[view.header_field],
                "columns": [(c, self[c.field_name]) for c in view.columns],
            }

    def clean_mapping(self):
        return _json_dict(self.cleaned_data.get("mapping"))

    def clean_choices(self):
        return _json_dict(self.cleaned_data.get("choices"))

    def chosen_mapping(self) -> dict[str, str]:
        """Each column's field where it differs from what the alias table alone would give."""
        mapping = dict(self.cleaned_data.get("mapping") or {})
        for view in self.sheet_views:
            kind = self.cleaned_data.get(view.kind_field, view.kind)
            if kind == h.SKIP:
                continue
            lookup = {**h.LOOKUPS[kind]}
            for column_view in view.columns:
                chosen = self.cleaned_data.get(column_view.field_name)
                if chosen is None:
                    continue
                column = column_view.column
                by_alias = next((lookup[k] for k in column.keys if k in lookup), h.IGNORE)
                key = column.mapping_key
                if chosen != by_alias or key in mapping:
                    mapping[key] = chosen
        return mapping

    def chosen_sheets(self) -> dict[str, dict]:
        """{sheet: {"kind": ..., "header_row": n}} for the sheets the admin set."""
        chosen = dict(self.cleaned_data.get("choices") or {})
        for view in self.sheet_views:
            kind = self.cleaned_data.get(view.kind_field) or view.kind
            row = self.cleaned_data.get(view.header_field) or view.header_row
            if kind != view.kind or row != view.header_row or not view.recognised:
                chosen[view.name] = {"kind": kind, "header_row": row}
        return chosen


def _json_dict(text) -> dict:
    try:
        value = json.loads(text or "{}")
    except json.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}


def header_choices(saved: dict) -> dict[str, h.HeaderChoice]:
    """{sheet: {"kind", "header_row"}} as posted or saved, to what find_header takes."""
    choices = {}
    for name, value in saved.items():
        if not isinstance(value, dict):
            continue
        kind = value.get("kind")
        row = value.get("header_row")
        kind = kind if kind in h.ALIASES or kind == h.SKIP else None
        row = int(row) if isinstance(row, int | str) and str(row).isdigit() else None
        choices[str(name)] = h.HeaderChoice(kind=kind, header_row=row)
    return choices
