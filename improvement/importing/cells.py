"""Reading the cells councils actually write: UK dates, reference lists, RAG words, leads.

Pure functions, shared by the spreadsheet importer and the demo loader. Each either returns a
clean value or raises CellError with a message fit to show beside the sheet, row and column.
"""

import datetime
import re
from dataclasses import dataclass

from improvement.models import Rag, Status
from inspections.references import url_safe_reference

EXCEL_EPOCH = datetime.date(1899, 12, 30)


NOT_A_DATE = '"{text}" is not a date; write it as dd/mm/yyyy.'
NOT_A_REAL_DATE = '"{text}" is not a real date.'
NOT_A_RAG = '"{text}" is not a RAG rating; use Red, Amber, Green, Blue, R, A, G or Complete.'
NOT_A_FLAG = '"{text}" is not yes or no.'
NOT_A_SCORE = '"{text}" is not a whole number from {low} to {high}.'
SCORE_OUT_OF_RANGE = "{score} is outside {low}–{high}."


class CellError(ValueError):
    """A cell whose value cannot be read; the message names what was wrong, not where."""


@dataclass(frozen=True)
class Due:
    on: datetime.date | None
    text: str
    needs_review: bool


def text_of(value) -> str:
    """A cell as text, with Excel's whole-number floats ("3.0") written as whole numbers."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


_UK_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?$")


def parse_uk_date(value) -> datetime.date | None:
    """A date from a real date, an Excel serial, dd/mm/yyyy text or ISO text; None if blank.

    Raises CellError for text that looks like a date but is impossible ("31/11/2016") or is not
    a date at all.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime.date | int | float) and not isinstance(value, bool):
        return _date_from_excel(value)
    text = str(value).strip()
    if not text:
        return None
    if match := _ISO_DATE.match(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := _UK_DATE.match(text):
        day, month, year = (int(g) for g in match.groups())
        if year < 100:
            year += 2000
    else:
        raise CellError(NOT_A_DATE.format(text=text))
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise CellError(NOT_A_REAL_DATE.format(text=text)) from None


def _date_from_excel(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if 1 <= value < 100_000:
        return EXCEL_EPOCH + datetime.timedelta(days=int(value))
    raise CellError(f"{value!r} is not a date.")


def parse_due(value) -> Due:
    """A due date as written. Free text or an impossible date keeps its text and no date."""
    text = text_of(value)
    if not text:
        return Due(on=None, text="", needs_review=False)
    try:
        return Due(on=parse_uk_date(value), text=text, needs_review=False)
    except CellError:
        return Due(on=None, text=text, needs_review=True)


_REFERENCE_SPLIT = re.compile(r"[,;/&\n]+|\band\b|\s+")


def split_references(value) -> list[str]:
    """Recommendation references from one cell: "3, 8, 9", "5,\\n15", "SB1", 7.0."""
    text = text_of(value)
    seen: list[str] = []
    for part in _REFERENCE_SPLIT.split(text):
        ref = part.strip().strip(".").upper()
        if ref.startswith("REC"):
            ref = ref[3:].lstrip(". ")
        if ref and ref not in seen:
            seen.append(ref)
    return seen


def split_leads(value) -> list[str]:
    """Leads from one cell: one per line. Commas stay: "Head of Quality, Performance and ..."."""
    leads = []
    for line in text_of(value).splitlines():
        name = re.sub(r"^[\s•\-]+|\s+$", "", re.sub(r"\s+", " ", line))
        if name and name not in leads:
            leads.append(name)
    return leads


_RAG_WORDS = {
    "r": Rag.RED,
    "red": Rag.RED,
    "a": Rag.AMBER,
    "amber": Rag.AMBER,
    "g": Rag.GREEN,
    "green": Rag.GREEN,
    "b": Rag.BLUE,
    "blue": Rag.BLUE,
    "not rated": Rag.NOT_RATED,
    "not_rated": Rag.NOT_RATED,
    "n/a": Rag.NOT_RATED,
}
_COMPLETE_WORDS = {"complete", "completed", "done"}


@dataclass(frozen=True)
class Progress:
    rag: Rag
    status: Status | None  # set when the cell says more than a colour: "Complete"


def parse_progress(value) -> Progress:
    """A progress RAG cell: R/A/G or red/amber/green in any case, or "Complete"."""
    word = re.sub(r"\s+", " ", text_of(value)).strip().casefold()
    if not word:
        return Progress(rag=Rag.NOT_RATED, status=None)
    if word in _COMPLETE_WORDS:
        return Progress(rag=Rag.GREEN, status=Status.COMPLETE)
    if word in _RAG_WORDS:
        return Progress(rag=_RAG_WORDS[word], status=None)
    raise CellError(NOT_A_RAG.format(text=text_of(value)))


_TRUE_WORDS = {"true", "yes", "y", "x", "**", "*", "1", "✓", "key", "key action"}
_FALSE_WORDS = {"", "false", "no", "n", "0"}


def parse_flag(value) -> bool:
    """A yes/no cell; Wirral marks key actions with "**"."""
    if isinstance(value, bool):
        return value
    word = text_of(value).casefold()
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    raise CellError(NOT_A_FLAG.format(text=text_of(value)))


def parse_score(value, *, low: int = 1, high: int = 5) -> int | None:
    """A likelihood or impact from 1 to 5 (or another range); None when blank."""
    text = text_of(value)
    if not text:
        return None
    try:
        score = int(text)
    except ValueError:
        raise CellError(NOT_A_SCORE.format(text=text, low=low, high=high)) from None
    if not low <= score <= high:
        raise CellError(SCORE_OUT_OF_RANGE.format(score=score, low=low, high=high))
    return score


_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}


def period_code(name: str) -> str:
    """A short code for a period name: "September - December 2016" -> "SEP16"."""
    words = re.findall(r"[A-Za-z]+|\d{4}", name)
    month = next((w[:3].upper() for w in words if w[:3].lower() in _MONTHS), "")
    year = next((w[2:] for w in words if w.isdigit()), "")
    code = f"{month}{year}"
    return code or re.sub(r"[^A-Z0-9]", "", name.upper())[:12]


def period_bounds(name: str) -> tuple[datetime.date | None, datetime.date | None]:
    """First and last day of "September - December 2016" or "January - March 2017"."""
    months = [
        _MONTHS[w[:3].lower()] for w in re.findall(r"[A-Za-z]+", name) if w[:3].lower() in _MONTHS
    ]
    years = [int(y) for y in re.findall(r"\d{4}", name)]
    if not months or not years:
        return None, None
    first, last = months[0], months[-1]
    end_year = years[-1]
    start_year = years[0] if len(years) > 1 else (end_year - 1 if first > last else end_year)
    start = datetime.date(start_year, first, 1)
    next_month = datetime.date(end_year + (last == 12), last % 12 + 1, 1)
    return start, next_month - datetime.timedelta(days=1)


def action_reference(*, number, period: str = "", theme: str = "") -> str:
    """An action's stable reference: "SEP16-4", "JAN17-22"; "LSCB-1.1" for a block with no period.

    Wirral numbers actions afresh in each period, so the number alone is not unique in a plan.
    """
    # Printed numbers such as "1.1 (a)" become "1.1-a": a reference is part of the action's address.
    number = url_safe_reference(text_of(number))
    if not number:
        return ""
    if period:
        prefix = period_code(period)
    else:
        prefix = re.sub(r"[^A-Z0-9]", "", text_of(theme).upper())[:12]
    return f"{prefix}-{number}" if prefix else number
