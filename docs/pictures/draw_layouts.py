"""Draws the top of each council layout in tests/improvement/layouts.py as a small SVG.

docs/importing.md shows the pictures; tests/improvement/test_layout_pictures.py draws them again
and fails when a layout changes and its picture does not. From the repository root:

    .venv/bin/python docs/pictures/draw_layouts.py            # writes docs/pictures/<layout>.svg
    .venv/bin/python docs/pictures/draw_layouts.py OUT_DIR    # writes them into OUT_DIR

Only the standard library and openpyxl: the sheet is drawn the way a spreadsheet shows it
(column letters, row numbers, merges as one cell, fills, bold, hidden columns), not rendered.
"""

import csv
import datetime
import importlib
import io
import math
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import openpyxl
from openpyxl.utils import get_column_letter

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # so tests.improvement.layouts imports when run as a script
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")


@dataclass(frozen=True)
class Picture:
    title: str
    desc: str
    rows: tuple[tuple[int, int], ...] = ((1, 14),)  # ranges drawn; a gap is drawn as "⋮"
    footer: bool = False  # also draw the sheet's last row
    sheet: str | None = None  # the sheet drawn, when not the active one


PICTURES = {
    "workstream_summary": Picture(
        title="A work-stream RAG summary",
        desc=(
            "A work-stream RAG summary: a title row merged across the sheet, a blank row, a "
            "two-row header with NEXT KEY MILESTONES over March and April and the other headers "
            "merged down both rows, work-stream rows such as '1 Support and Develop Our "
            "Workforce' merged across the sheet in bold, project rows with leads in capitals "
            "joined by ' / ', single-letter RAGs in red, amber and green cells, milestones "
            "with no year (one March cell holds an April milestone on a second line), and, "
            "after the last project, a footer 'Accurate when produced on 24/02/2017'."
        ),
        rows=((1, 7), (13, 17)),
        footer=True,
    ),
    "strategic_plan": Picture(
        title="A strategic improvement plan",
        desc=(
            "A strategic improvement plan: a title row and a note row, a theme row merged across "
            "the sheet naming its theme lead, the header Ref, Key activity, Accountable / By, "
            "Action RAG, Impact RAG, an objective row, numbered actions (1.1.1, 1.1.2) whose "
            "'Accountable / By' cell holds the lead and the deadline on two lines (one with "
            "lettered leads '(a) Head of Safeguarding (b) …'), a star marking actions from the "
            "latest inspection, Action RAG and Impact RAG columns holding a placeholder "
            "sentence, and the next theme row with the header repeated under it."
        ),
        rows=((1, 10), (17, 19)),
    ),
    "several_sheets_colour_only": Picture(
        title="Several sheets, the RAG only in the cell's colour",
        desc=(
            "A workbook with three sheets, Recommendations, Action plan and Risks, each with a "
            "council's title block above a header on row 5. The Action plan sheet is shown: "
            "Ref, Area, Action, Rec, Owner, Target date, RAG; the area written once for the "
            "rows below it; and a RAG column with no letters, only cells filled red, amber, "
            "green, the theme's green, Excel's indexed red and Excel's pale 'Good' green."
        ),
        sheet="Action plan",
    ),
    "hidden_columns_and_totals": Picture(
        title="A hidden column, a totals row, a key and a page footer",
        desc=(
            "A plan sheet with the header No, Action, Lead, Due, a hidden column E (last year's "
            "RAG), and RAG written as Red, Amber or Green; after five actions, a totals row "
            "'Total 5', a key row 'Key: R = off track, A = at risk, G = on track' and a page "
            "footer 'Page 1 of 1'."
        ),
    ),
    "unrecognised_headers": Picture(
        title="Headers nothing recognises",
        desc=(
            "A sheet with a title row 'Delivery tracker' above a header on row 2 that names no "
            "column the importer knows: Item, Deliverable, Accountable, Target month, Position; "
            "then four rows with single-letter RAGs in the Position column."
        ),
    ),
    "criteria_plan": Picture(
        title="A criteria-rule plan: one column per readiness criterion",
        desc=(
            "A sheet with the header No, Action, Lead and one column for each of the plan's "
            "readiness criteria, from Clear scope to Ambitious delivery timescales (pace); each "
            "cell says Yes or No, or is blank where the criterion is not yet assessed."
        ),
    ),
    "numbered_objectives_csv": Picture(
        title="Themes written once and numbered objective rows, as CSV",
        desc=(
            "A CSV file with the header Theme, No, Action, Lead, Deadline, RAG: each theme "
            "written once in the Theme column on a row of its own, objectives numbered 1.1 and "
            "1.2 in the No column on rows of their own, actions numbered 1.1.1 below them, "
            "several leads joined by ' & ', ';' or a line break, and deadlines as month and "
            "year (Nov-24, December 2024) or a date."
        ),
    ),
}


FONT_SIZE, LARGE_FONT_SIZE = 11, 13
LINE = 14  # a second line of text sits this far below the first
ROW, TALL_ROW, GAP_ROW = 20, 34, 16
HEAD, TABS, GUTTER = 18, 22, 30
PAD = 4
MIN_WIDTH, EMPTY_WIDTH, MAX_WIDTH, HIDDEN_WIDTH = 36, 48, 220, 16
MAX_PICTURE_WIDTH = 900
GRID, EDGE, HEAD_FILL, HEAD_TEXT, INK = "#dadada", "#c4c4c4", "#f3f3f3", "#5f5f5f", "#222222"
ACTIVE_TAB = "#217346"

# Advance widths in ems, measured from DejaVu Sans (the sans-serif most Linux desktops draw), which
# is wider than Helvetica and Arial: text cut to fit a cell here fits in those too.
_EMS = {}
for _chars, _em in [
    ("ijlI.,:;'!|", 0.28),
    (" ", 0.32),
    ('ft()[]/-"', 0.39),
    ("r", 0.41),
    ("sz", 0.53),
    ("ckvxyJ", 0.58),
    ("abdeghnopqu0123456789?", 0.63),
    ("ELFPTYZ", 0.64),
    ("w", 0.82),
    ("M", 0.86),
    ("m", 0.97),
    ("W", 0.99),
    ("–…&*", 1.0),
]:
    _EMS.update(dict.fromkeys(_chars, _em))


@dataclass
class Cell:
    text: str = ""
    bold: bool = False
    size: int = FONT_SIZE
    fill: str | None = None
    align: str = "left"
    valign: str = "bottom"


@dataclass
class Sheet:
    cells: dict[tuple[int, int], Cell]
    max_row: int
    max_column: int
    hidden: set[int] = field(default_factory=set)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # rows, columns
    tabs: tuple[str, ...] = ()
    active: str = ""

    def cell(self, row: int, column: int) -> Cell:
        return self.cells.get((row, column), Cell())


def text_width(text: str, *, bold: bool = False, size: int = FONT_SIZE) -> float:
    ems = sum(_EMS.get(char, 0.72 if char.isupper() else 0.65) for char in text)
    return ems * size * (1.1 if bold else 1.0)


def fit(text: str, width: float, *, bold: bool = False, size: int = FONT_SIZE) -> str:
    if text_width(text, bold=bold, size=size) <= width:
        return text
    while text and text_width(text.rstrip() + "…", bold=bold, size=size) > width:
        text = text[:-1]
    return text.rstrip() + "…" if text.strip() else ""


# Reading the layouts


def _build(name: str):
    layouts = importlib.import_module("tests.improvement.layouts")
    data, _expected = getattr(layouts, name)()
    return data


def _colour(cell) -> str | None:
    """The cell's fill as the importer reads it (theme colours from the workbook's own theme)."""
    from improvement.importing.colours import fill_colour

    rgb = fill_colour(cell)
    return f"#{rgb}" if rgb else None


def _shown(value, number_format: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%Y-%m-%d" if number_format.startswith("yyyy-mm-dd") else "%d/%m/%Y")
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _xlsx_cell(cell) -> Cell:
    value = cell.value
    numeric = isinstance(value, int | float | datetime.date) and not isinstance(value, bool)
    return Cell(
        text=_shown(value, cell.number_format),
        bold=bool(cell.font.b),
        size=LARGE_FONT_SIZE if cell.font.sz and cell.font.sz >= LARGE_FONT_SIZE else FONT_SIZE,
        fill=_colour(cell),
        align=cell.alignment.horizontal or ("right" if numeric else "left"),
        valign=cell.alignment.vertical or "bottom",
    )


def read_xlsx(data: bytes, sheet_name: str | None) -> Sheet:
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book[sheet_name] if sheet_name else book.active
    cells = {
        (cell.row, cell.column): _xlsx_cell(cell)
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None or cell.fill.fill_type is not None
    }
    hidden = {
        column
        for column in range(1, sheet.max_column + 1)
        if sheet.column_dimensions[get_column_letter(column)].hidden
    }
    merges = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in sheet.merged_cells.ranges]
    return Sheet(
        cells=cells,
        max_row=sheet.max_row,
        max_column=sheet.max_column,
        hidden=hidden,
        merges=sorted(merges),
        tabs=tuple(book.sheetnames),
        active=sheet.title,
    )


def read_csv(data: bytes) -> Sheet:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    cells = {
        (r, c): Cell(text=value)
        for r, row in enumerate(rows, start=1)
        for c, value in enumerate(row, start=1)
        if value
    }
    return Sheet(cells=cells, max_row=len(rows), max_column=max(map(len, rows)))


def read(name: str) -> Sheet:
    data = _build(name)
    if name.endswith("_csv"):
        return read_csv(data)
    return read_xlsx(data, PICTURES[name].sheet)


# Laying the sheet out


def shown_rows(picture: Picture, max_row: int) -> list[int | None]:
    """The rows drawn, top to bottom, with None for a gap."""
    ranges = [(first, min(last, max_row)) for first, last in picture.rows if first <= max_row]
    if picture.footer and ranges[-1][1] < max_row:
        ranges.append((max_row, max_row))
    rows: list[int | None] = []
    for first, last in ranges:
        if rows and first > rows[-1] + 1:
            rows.append(None)
        rows.extend(range(first, last + 1))
    if rows[-1] < max_row:
        rows.append(None)
    return rows


@dataclass
class Block:
    """What is drawn as one cell: a cell, a merge, or a cell with its text running on."""

    row: int
    column: int
    last_row: int
    last_column: int
    cell: Cell


class Layout:
    def __init__(self, sheet: Sheet, rows: list[int | None]):
        self.sheet = sheet
        self.rows = rows
        self.merge_of = {
            (r, c): merge
            for merge in sheet.merges
            for r in range(merge[0], merge[2] + 1)
            for c in range(merge[1], merge[3] + 1)
        }
        self.heights = [self._height(row) for row in rows]
        self.tops = [HEAD + sum(self.heights[:i]) for i in range(len(rows))]
        self.widths = self._widths()
        self.lefts = [GUTTER + sum(self.widths[:i]) for i in range(len(self.widths))]
        self.body_height = sum(self.heights)

    @property
    def width(self) -> int:
        return GUTTER + sum(self.widths)

    @property
    def height(self) -> int:
        return HEAD + self.body_height + (TABS if self.sheet.tabs else 0)

    def _height(self, row: int | None) -> int:
        if row is None:
            return GAP_ROW
        lines = [
            len(self.sheet.cell(row, column).text.split("\n"))
            for column in range(1, self.sheet.max_column + 1)
            if self._within_one_row(row, column)
        ]
        return TALL_ROW if max(lines, default=1) > 1 else ROW

    def _within_one_row(self, row: int, column: int) -> bool:
        merge = self.merge_of.get((row, column))
        return merge is None or merge[0] == merge[2]

    def runs_on(self, row: int, column: int) -> bool:
        """Text with an empty cell to its right runs on over it, as a spreadsheet shows it."""
        cell = self.sheet.cell(row, column)
        return bool(cell.text) and cell.align == "left" and self._free(row, column + 1)

    def _free(self, row: int, column: int) -> bool:
        neighbour = self.sheet.cell(row, column)
        return (
            column <= self.sheet.max_column
            and column not in self.sheet.hidden
            and (row, column) not in self.merge_of
            and not neighbour.text
            and neighbour.fill is None
        )

    def _widths(self) -> list[int]:
        """Natural widths; when they are too wide, the widest columns give way first."""
        columns = range(1, self.sheet.max_column + 1)
        natural = {c: self._natural_width(c) for c in columns if c not in self.sheet.hidden}
        room = MAX_PICTURE_WIDTH - GUTTER - HIDDEN_WIDTH * len(self.sheet.hidden)
        cap = max(natural.values(), default=0)
        for fitted, width in enumerate(sorted(natural.values())):
            share = room // (len(natural) - fitted)
            if width > share:
                cap = share
                break
            room -= width
        return [HIDDEN_WIDTH if c in self.sheet.hidden else min(natural[c], cap) for c in columns]

    def _natural_width(self, column: int) -> int:
        texts = [
            text_width(line, bold=cell.bold, size=cell.size)
            for row in self.rows
            if row is not None and self._sizes_column(row, column)
            for cell in [self.sheet.cell(row, column)]
            for line in cell.text.split("\n")
        ]
        if not texts:
            return EMPTY_WIDTH
        return min(MAX_WIDTH, max(MIN_WIDTH, math.ceil(max(texts) + 2 * PAD)))

    def _sizes_column(self, row: int, column: int) -> bool:
        merge = self.merge_of.get((row, column))
        if merge is not None:
            return merge[1] == merge[3]
        return not self.runs_on(row, column)

    def blocks(self) -> list[Block]:
        blocks, covered = [], set()
        for row in filter(None, self.rows):
            for column in range(1, self.sheet.max_column + 1):
                if (row, column) in covered or column in self.sheet.hidden:
                    continue
                block = self._block(row, column)
                blocks.append(block)
                covered |= {
                    (r, c)
                    for r in range(block.row, block.last_row + 1)
                    for c in range(block.column, block.last_column + 1)
                }
        return blocks

    def _block(self, row: int, column: int) -> Block:
        merge = self.merge_of.get((row, column))
        if merge is not None:
            first_row, first_column, last_row, last_column = merge
            cell = self.sheet.cell(first_row, first_column)
            last_row = max(r for r in self._segment(row) if r <= last_row)
            return Block(row, column, last_row, last_column, cell)
        cell = self.sheet.cell(row, column)
        last_column = column
        if self.runs_on(row, column):
            lines = cell.text.split("\n")
            needed = max(text_width(line, bold=cell.bold, size=cell.size) for line in lines)
            while self._span(column, last_column) < needed + 2 * PAD and self._free(
                row, last_column + 1
            ):
                last_column += 1
        return Block(row, column, row, last_column, cell)

    def _segment(self, row: int) -> list[int]:
        """The rows drawn together with row, up to the next gap."""
        at = self.rows.index(row)
        end = self.rows.index(None, at) if None in self.rows[at:] else len(self.rows)
        return self.rows[at:end]

    def _span(self, column: int, last_column: int) -> int:
        return sum(self.widths[column - 1 : last_column])

    def box(self, block: Block) -> tuple[int, int, int, int]:
        top = self.tops[self.rows.index(block.row)]
        bottom_at = self.rows.index(block.last_row)
        bottom = self.tops[bottom_at] + self.heights[bottom_at]
        left = self.lefts[block.column - 1]
        return left, top, self._span(block.column, block.last_column), bottom - top


# Drawing


def _attrs(**attributes) -> str:
    return "".join(
        f" {key.rstrip('_').replace('_', '-')}={quoteattr(str(value))}"
        for key, value in attributes.items()
    )


def _rect(x, y, width, height, **attributes) -> str:
    return f"<rect{_attrs(x=x, y=y, width=width, height=height, **attributes)}/>"


def _text(x, y, text, **attributes) -> str:
    return f"<text{_attrs(x=x, y=y, **attributes)}>{escape(text)}</text>"


def _lines(cell: Cell, width: int, height: int) -> list[str]:
    room = max(1, (height - 6) // LINE)
    lines = cell.text.split("\n")
    if len(lines) > room:
        lines = lines[: room - 1] + [" ⏎ ".join(lines[room - 1 :])]
    return [fit(line, width - 2 * PAD, bold=cell.bold, size=cell.size) for line in lines]


def _draw_text(cell: Cell, x: int, y: int, width: int, height: int) -> list[str]:
    lines = _lines(cell, width, height)
    if cell.valign == "top":
        first = y + PAD + 10
    elif cell.valign == "center":
        first = y + (height - len(lines) * LINE) // 2 + 11
    else:
        first = y + height - 6 - (len(lines) - 1) * LINE
    anchor = {"right": ("end", x + width - PAD), "center": ("middle", x + width // 2)}
    text_anchor, at = anchor.get(cell.align, ("start", x + PAD))
    style = {"text_anchor": text_anchor} if text_anchor != "start" else {}
    if cell.bold:
        style["font_weight"] = "bold"
    if cell.size != FONT_SIZE:
        style["font_size"] = cell.size
    return [_text(at, first + i * LINE, line, **style) for i, line in enumerate(lines) if line]


def _draw_cells(layout: Layout) -> tuple[list[str], list[str]]:
    boxes, texts = [], []
    for block in layout.blocks():
        x, y, width, height = layout.box(block)
        boxes.append(_rect(x, y, width, height, fill=block.cell.fill or "#ffffff"))
        if block.cell.text:
            texts.extend(_draw_text(block.cell, x, y, width, height))
    return boxes, texts


def _draw_edges(layout: Layout) -> list[str]:
    """Column letters along the top and row numbers down the side, as a spreadsheet has."""
    parts = [_rect(0, 0, layout.width, HEAD, fill=HEAD_FILL)]
    parts.append(_rect(0, HEAD, GUTTER, layout.body_height, fill=HEAD_FILL))
    for column, (left, width) in enumerate(zip(layout.lefts, layout.widths, strict=True), 1):
        parts.append(_rect(left, 0, width, HEAD, fill=HEAD_FILL, stroke=EDGE))
        label = get_column_letter(column)
        parts.append(_text(left + width // 2, 13, label, text_anchor="middle", fill=HEAD_TEXT))
    for row, top, height in zip(layout.rows, layout.tops, layout.heights, strict=True):
        if row is None:
            parts.append(_text(GUTTER // 2, top + 12, "⋮", text_anchor="middle", fill=HEAD_TEXT))
            continue
        parts.append(_rect(0, top, GUTTER, height, fill=HEAD_FILL, stroke=EDGE))
        middle = top + height // 2 + 4
        parts.append(_text(GUTTER // 2, middle, str(row), text_anchor="middle", fill=HEAD_TEXT))
    return parts


def _draw_gaps(layout: Layout) -> list[str]:
    parts = []
    for row, top, height in zip(layout.rows, layout.tops, layout.heights, strict=True):
        if row is None:
            parts.append(_rect(GUTTER, top, layout.width - GUTTER, height, fill="#ffffff"))
            x = GUTTER + (layout.widths[0] // 2 if layout.widths else 0)
            parts.append(_text(x, top + 12, "⋮", text_anchor="middle", fill=HEAD_TEXT))
    return parts


def _draw_hidden(layout: Layout, name: str) -> list[str]:
    parts = []
    for column in sorted(layout.sheet.hidden):
        left, width = layout.lefts[column - 1], layout.widths[column - 1]
        parts.append(
            _rect(left, HEAD, width, layout.body_height, fill=f"url(#{name}-hatch)", stroke=EDGE)
        )
        middle_x, middle_y = left + width // 2 + 4, HEAD + layout.body_height // 2
        label_width = math.ceil(text_width("hidden")) + 6
        parts.append(
            _rect(left + 2, middle_y - label_width // 2, width - 4, label_width, fill="#ffffff")
        )
        parts.append(
            _text(
                middle_x,
                middle_y,
                "hidden",
                text_anchor="middle",
                fill=HEAD_TEXT,
                transform=f"rotate(-90 {middle_x} {middle_y})",
            )
        )
    return parts


def _draw_tabs(layout: Layout) -> list[str]:
    if not layout.sheet.tabs:
        return []
    top = HEAD + layout.body_height
    parts = [_rect(0, top, layout.width, TABS, fill=HEAD_FILL, stroke=EDGE)]
    x = GUTTER
    for tab in layout.sheet.tabs:
        active = tab == layout.sheet.active
        width = math.ceil(text_width(tab, bold=active)) + 16
        if active:
            parts.append(_rect(x, top, width, TABS - 2, fill="#ffffff", stroke=EDGE))
            parts.append(_rect(x, top + TABS - 3, width, 3, fill=ACTIVE_TAB))
            parts.append(_text(x + 8, top + 15, tab, font_weight="bold", fill=ACTIVE_TAB))
        else:
            parts.append(_text(x + 8, top + 15, tab, fill=HEAD_TEXT))
        x += width
    return parts


def draw(name: str) -> str:
    picture = PICTURES[name]
    sheet = read(name)
    layout = Layout(sheet, shown_rows(picture, sheet.max_row))
    boxes, texts = _draw_cells(layout)
    width, height = layout.width + 1, layout.height + 1  # room for the last grid line
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg"'
        f"{_attrs(width=width, height=height, viewBox=f'0 0 {width} {height}')}"
        f"{_attrs(role='img', aria_labelledby=f'{name}-title {name}-desc')}"
        f"{_attrs(font_family='sans-serif', font_size=FONT_SIZE)}>"
    )
    hatch = (
        f'<defs><pattern id="{name}-hatch" width="6" height="6" patternUnits="userSpaceOnUse"'
        ' patternTransform="rotate(45)"><rect width="6" height="6" fill="#f1f1f1"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#bcbcbc" stroke-width="2"/></pattern></defs>'
    )
    parts = [
        head,
        f'<title id="{name}-title">{escape(picture.title)}</title>',
        f'<desc id="{name}-desc">{escape(picture.desc)}</desc>',
        hatch,
        _rect(0, 0, width, height, fill="#ffffff"),
        f'<g stroke="{GRID}" shape-rendering="crispEdges">',
        *boxes,
        "</g>",
        *_draw_gaps(layout),
        *_draw_hidden(layout, name),
        '<g shape-rendering="crispEdges">',
        *_draw_edges(layout),
        *_draw_tabs(layout),
        "</g>",
        f'<g fill="{INK}">',
        *texts,
        "</g>",
        "</svg>",
    ]
    return "\n".join(parts) + "\n"


def write(name: str, directory: Path) -> Path:
    path = directory / f"{name}.svg"
    path.write_text(draw(name), encoding="utf-8", newline="\n")
    return path


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    directory = Path(argv[0]) if argv else HERE
    directory.mkdir(parents=True, exist_ok=True)
    for name in PICTURES:
        print(write(name, directory))


if __name__ == "__main__":
    import django

    django.setup()
    main()
