"""The rows below a header, read the way the council laid them out.

A council's sheet is more than a table: a row naming a theme or work-stream, an objective row
above each group of actions, the header repeated under every theme, a note, a totals row, a
footer ("Accurate when produced on …"). read_rows() turns the rows into records for the
resources and says, in a line per row, what it made of every row that is not a record, so an
admin can check the reading before confirming. The text of a row merged across the sheet is
read once, as that row's heading; it never lands in another column.
"""

import re
from dataclasses import dataclass, field

from improvement.importing import formulas
from improvement.importing import headers as h
from improvement.importing.cells import cautious_rag_of_pair, looks_like_rag, text_of
from improvement.importing.colours import rag_from_colour
from improvement.importing.headings import (
    Heading,
    line_kind,
    read_heading,
    sheet_date_from,
    split_heading_lead,
)

RAG_FIELDS = ("progress_rag", "impact_rag")
RAG_FROM_FILL = "The cell is coloured {colour}: read as {rag}."
RAG_PAIR_READ = '"{text}" is between two ratings: read as {rag}, the more cautious.'
RAG_DISAGREES_WITH_FILL = 'The cell says "{text}" but is coloured {colour}: the text was taken.'
PROSE_IN_RAG = (
    'Column "{header}" holds text, not RAG ratings (row {row}: "{value}"). Map it to '
    '"Ignore this column" to import the sheet without it, or write R, A or G in it.'
)
NO_NUMBERS = (
    "This sheet has no action numbers: actions are numbered by their order under each "
    "{word}. Keep that order between imports, or add a number or reference column."
)
BLOCK_FIELDS = ("theme", "objective", "period")
# A RAG cell of this many words is a sentence, not a mistyped colour.
_PROSE_WORDS = 3
# An unlabelled row merged across the sheet is a heading when it is short and not a sentence.
_HEADING_LENGTH = 100
_WORDS_FOR_THEMES = (
    ("work stream", "work-stream"),
    ("workstream", "work-stream"),
    ("strand", "strand"),
    ("priority", "priority"),
    ("theme", "theme"),
)


@dataclass(frozen=True)
class RowLine:
    """What the importer made of one row that is not a record."""

    row: int
    text: str

    def __str__(self):
        return f"row {self.row}: {self.text}"


@dataclass
class SheetReading:
    records: list[tuple[int, dict]] = field(default_factory=list)
    lines: list[RowLine] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)  # themes, with their leads
    warnings: list[tuple[int, str, str, str]] = field(default_factory=list)  # row, column, ...
    errors: list[tuple[int | None, str, str, str]] = field(default_factory=list)
    sheet_date: object = None


def _quoted(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return f"'{text if len(text) <= limit else text[: limit - 1] + '…'}'"


def theme_word(raw, header: h.HeaderMap) -> str:
    """What the sheet calls its themes: "work-stream" on a work-stream summary."""
    texts = [header.header_for("theme")] + [
        text_of(c) for row in raw.rows[: header.first_row] for c in row if c
    ]
    joined = normalise(" ".join(texts))
    return next((word for key, word in _WORDS_FOR_THEMES if key in joined), "theme")


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[\-\u2013\u2014_]", " ", text.casefold()))


def heading_name(heading: Heading) -> str:
    return f"{heading.number} {heading.name}".strip() if heading.number else heading.name


def _is_repeated_header(texts: list[str], header_texts: set[str]) -> bool:
    matches = sum(1 for t in texts if h.normalise_header(t) in header_texts)
    return len(texts) >= 2 and matches >= max(2, (len(texts) * 3 + 4) // 5)


def _unlabelled_heading(raw, number: int, index: int, text: str, first_column: int) -> bool:
    """Short text alone on its row, not a sentence, set apart: merged across, bold, in
    capitals, or in the sheet's first column, where councils write their section names."""
    first, last = raw.span_of(number, index)
    looks_short = len(text) <= _HEADING_LENGTH and not text.rstrip().endswith(".")
    set_apart = last > first or (number, index) in raw.bold or text.isupper()
    return looks_short and (set_apart or index == first_column)


def read_rows(raw, header: h.HeaderMap) -> SheetReading:
    return _Reader(raw, header).read()


class _Reader:
    """Reads a sheet's rows top to bottom, carrying the theme, objective and period the last
    structure row named down to the records below it."""

    def __init__(self, raw, header: h.HeaderMap):
        self.raw, self.header = raw, header
        self.reading = SheetReading()
        self.header_texts = {h.normalise_header(t) for t in header.headers.values() if t}
        self.action_index = header.index_for("action")
        self.first_column = min(header.columns, default=0)
        self.word = theme_word(raw, header)
        self.structured = header.kind == h.ACTIONS
        self.labelled_themes = self.structured and _has_labelled_themes(raw, header)
        self.current: dict[str, str] = {}
        # Lines of one-cell rows nothing explained; after the last record they are a footer.
        self.unexplained: list[int] = []

    def read(self) -> SheetReading:
        reading, raw = self.reading, self.raw
        for number in range(1, self.header.first_row):
            self._above_the_header(number)
        last_record_line = 0
        for number in range(self.header.row + 1, len(raw.rows) + 1):
            own = [(i, v) for i, v in raw.own_cells(number) if i not in raw.hidden_columns]
            if own and not self._skipped(number, own):
                reading.records.append((number, self._record(number)))
                last_record_line = len(reading.lines)
        for n in self.unexplained:
            if n >= last_record_line:
                line = reading.lines[n]
                reading.lines[n] = RowLine(line.row, line.text.replace("note", "footer", 1))
        _refuse_prose_in_rag_columns(reading, self.header)
        if self.structured and not {"no", "reference"} & set(self.header.columns.values()):
            _number_by_position(reading, self.word)
        return reading

    def _above_the_header(self, number: int) -> None:
        """Title rows are skipped, and said; a theme row above the first header still counts."""
        own = self.raw.own_cells(number)
        if not own:
            return
        text = " ".join(text_of(v) for _, v in own)
        self.reading.sheet_date = self.reading.sheet_date or sheet_date_from(text)
        heading = read_heading(text) if self.structured and len(own) == 1 else None
        if heading and (heading.word or heading.number):
            self._set_block(number, heading)
        else:
            said = line_kind(text) or "title"
            self.say(number, f"skipped, {said} {_quoted(text)}")

    def say(self, number: int, text: str) -> bool:
        self.reading.lines.append(RowLine(number, text))
        return True

    def _skipped(self, number: int, own) -> bool:
        """Whether the row is a structure row, with a line saying what it was read as."""
        texts = [text_of(v) for _, v in own]
        if _is_repeated_header(texts, self.header_texts):
            return self.say(number, "skipped, the header repeated")
        if line_kind(texts[0]) == "totals":
            return self.say(number, f"skipped, totals {_quoted(texts[0])}")
        if len(own) > 1:
            return False
        index, text = own[0][0], texts[0]
        said = line_kind(text)
        if said in ("footer", "note"):
            self.reading.sheet_date = self.reading.sheet_date or sheet_date_from(text)
            return self.say(number, f"skipped, {said} {_quoted(text)}")
        if self.structured and (heading := self._heading(number, index, text)):
            return self._set_block(number, heading)
        if index != self.action_index:
            self.unexplained.append(len(self.reading.lines))
            return self.say(number, f"skipped, note {_quoted(text)}")
        return False

    def _heading(self, number: int, index: int, text: str) -> Heading | None:
        if heading := read_heading(text):
            return heading
        column = self.header.columns.get(index)
        if column in BLOCK_FIELDS:
            level = column
        elif index == self.action_index:
            if self.raw.span_of(number, index)[1] == index:
                return None  # an action with nothing else written beside it
            level = "objective" if self.labelled_themes else "theme"
        elif _unlabelled_heading(self.raw, number, index, text, self.first_column):
            level = "objective" if self.labelled_themes else "theme"
        else:
            return None
        name, lead = split_heading_lead(text)
        return Heading(level=level, word="", number="", name=name, lead=lead)

    def _set_block(self, number: int, heading: Heading) -> bool:
        name = heading_name(heading)
        self.current[heading.level] = name
        if heading.level == "theme":
            self.current.pop("objective", None)
            self.reading.headings.append(heading)
            lead = f", led by {heading.lead}" if heading.lead else ""
            said = (heading.word or self.word).casefold()
            return self.say(number, f"{said} {_quoted(name)}{lead}")
        return self.say(number, f"{heading.level} {_quoted(name)}")

    def _record(self, number: int) -> dict:
        record = _record(self.raw, self.header, number, self.reading)
        if self.structured:
            for level, name in self.current.items():
                if not text_of(record.get(level)):
                    record[level] = name
        return record


def _has_labelled_themes(raw, header) -> bool:
    for number in range(header.row + 1, len(raw.rows) + 1):
        own = raw.own_cells(number)
        if len(own) == 1:
            heading = read_heading(text_of(own[0][1]))
            if heading and heading.level == "theme" and heading.word:
                return True
    return False


def _record(raw, header: h.HeaderMap, number: int, reading: SheetReading) -> dict:
    cells = raw.rows[number - 1]
    record: dict = {}
    for index, name in header.columns.items():
        value = cells[index] if index < len(cells) else None
        if raw.span_of(number, index)[0] != index:
            value = None  # a cell merged across from its left belongs to that column only
        value = formulas.unescape(value)
        if name in RAG_FIELDS:
            value = _rag_from_fill(raw, number, index, value, header, reading)
            if rag := cautious_rag_of_pair(value):
                message = RAG_PAIR_READ.format(text=text_of(value), rag=rag.label)
                reading.warnings.append((number, header.headers[index], text_of(value), message))
                value = str(rag.label)
        if name in h.MULTI_COLUMN:
            earlier = text_of(record.get(name))
            value = "\n".join(t for t in (earlier, text_of(value)) if t)
        record[name] = value
    return record


def _rag_from_fill(raw, number, index, value, header, reading):
    colour = raw.fills.get((number, index))
    rag = rag_from_colour(colour) if colour else None
    if rag is None:
        return value
    written = text_of(value)
    column = header.headers[index]
    label = str(rag.label)
    if not written:
        reading.warnings.append(
            (number, column, "", RAG_FROM_FILL.format(colour=label.lower(), rag=label))
        )
        return label
    if written.casefold() not in (label.casefold(), label[0].casefold()):
        message = RAG_DISAGREES_WITH_FILL.format(text=written, colour=label.lower())
        reading.warnings.append((number, column, written, message))
    return value


def _refuse_prose_in_rag_columns(reading: SheetReading, header: h.HeaderMap) -> None:
    for name in RAG_FIELDS:
        index = header.index_for(name)
        if index is None:
            continue
        written = [
            (number, text_of(record.get(name)))
            for number, record in reading.records
            if text_of(record.get(name))
        ]
        prose = [
            (number, text)
            for number, text in written
            if not looks_like_rag(text) and len(text.split()) >= _PROSE_WORDS
        ]
        if prose and len(prose) * 2 >= len(written):
            number, text = prose[0]
            message = PROSE_IN_RAG.format(header=header.headers[index], row=number, value=text[:60])
            reading.errors.append((None, header.headers[index], "", message))


def _number_by_position(reading: SheetReading, word: str) -> None:
    """Rows with no number are numbered within their theme, so references are stable."""
    counts: dict[str, int] = {}
    for _, record in reading.records:
        key = text_of(record.get("theme")).casefold()
        counts[key] = counts.get(key, 0) + 1
        record["no"] = str(counts[key])
    if reading.records:
        reading.warnings.append((None, "", "", NO_NUMBERS.format(word=word)))
