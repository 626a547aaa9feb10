"""Milestones: one per line or item, their dates read with the year of the plan period when
the sheet gave none."""

import calendar
import datetime
import re
from dataclasses import dataclass

from improvement.importing.cells.base import text_of
from improvement.importing.cells.dates import (
    MONTH_WORD,
    ORDINAL,
    full_year,
    last_day_of,
    month_number,
)


@dataclass(frozen=True)
class MilestoneLine:
    text: str
    day: int | None
    month: int | None
    year: int | None


NO_SUCH_DAY = 'no such day "{day}"'
YEAR_FROM_PERIOD = "year from the plan period"
YEAR_FROM_SHEET = "year from the sheet's date {date:%d/%m/%Y}"
NO_YEAR = "no year: give the plan a period or date the sheet"
READ_AS_LAST_DAY = "read as the last day of {month}"

_NO_MILESTONE = frozenset({"tbc", "tba", "tbd", "n/a", "na", "none", "nil", "n/k", ""})
# A milestone's leading date: "13 Mar - ", "01 Mar- ", "13/03 ", "13 March 2017: ", "w/c 13 Mar".
# A month alone ("Mar - Review") needs its year or a separator, so "May be delayed" is no date.
_MILESTONE_DATE = re.compile(
    r"(?:(?:w/?c|wc|week\s+commencing)\.?\s+)?"
    rf"(?:(?P<day>\d{{1,2}}){ORDINAL}(?:\s+of)?[\s\-]*(?P<month>{MONTH_WORD})"
    r"(?:,?\s+(?P<year>\d{4}))?"
    r"|(?P<nday>\d{1,2})[/.](?P<nmonth>\d{1,2})(?:[/.](?P<nyear>\d{4}|\d{2}))?"
    rf"|(?P<mmonth>{MONTH_WORD})(?:\s+(?P<myear>\d{{4}})|(?=\s*[:\-–—])))"
    r"(?![\w/])\s*(?:[:\-–—]+\s*)?",
    re.IGNORECASE,
)
_ITEM_BREAK = re.compile(r"\s*([;,])\s*")


def split_milestones(value) -> list[MilestoneLine]:
    """One milestone per line of the cell, with the day, month and year it starts with.

    A line holding two dated items ("13 Mar - Launch; 27 Mar - Review") gives two. A line
    with no date keeps all its text; "TBC", "n/a" or "-" alone is no milestone at all.
    """
    milestones = []
    for line in text_of(value).splitlines():
        for item in _milestone_items(line):
            if milestone := _read_milestone(item):
                milestones.append(milestone)
    return milestones


def _milestone_items(line: str) -> list[str]:
    pieces = _ITEM_BREAK.split(line.strip())
    items = [pieces[0]]
    for mark, piece in zip(pieces[1::2], pieces[2::2], strict=True):
        if _starts_with_a_day(items[-1]) and _starts_with_a_day(piece):
            items.append(piece)
        else:
            items[-1] = f"{items[-1]}{mark} {piece}"
    return items


def _starts_with_a_day(text: str) -> bool:
    match = _MILESTONE_DATE.match(text)
    return bool(match and (match["day"] or match["nday"]))


def _read_milestone(item: str) -> MilestoneLine | None:
    item = re.sub(r"^[\s•·*\-–—]+", "", item).strip()
    if item.casefold().rstrip(".") in _NO_MILESTONE:
        return None
    match = _MILESTONE_DATE.match(item)
    parts = _milestone_date_parts(match) if match else None
    if not parts:
        return MilestoneLine(text=item, day=None, month=None, year=None)
    day, month, year = parts
    return MilestoneLine(text=item[match.end() :].strip() or item, day=day, month=month, year=year)


def _milestone_date_parts(match) -> tuple[int | None, int, int | None] | None:
    if match["nday"]:
        day, month = int(match["nday"]), int(match["nmonth"])
        year = full_year(match["nyear"]) if match["nyear"] else None
    elif match["day"]:
        day, month = int(match["day"]), month_number(match["month"])
        year = int(match["year"]) if match["year"] else None
    else:
        day, month = None, month_number(match["mmonth"])
        year = int(match["myear"]) if match["myear"] else None
    if not 1 <= month <= 12 or (day is not None and not 1 <= day <= 31):
        return None
    # "2/3 of staff trained" is a fraction, not the 2nd of March.
    if match["nday"] and not match["nyear"] and re.match(r"of\b", match.string[match.end() :]):
        return None
    return day, month, year


def infer_milestone_date(
    line: MilestoneLine,
    *,
    sheet_date: datetime.date | None = None,
    period: tuple[datetime.date | None, datetime.date | None] = (None, None),
) -> tuple[datetime.date | None, str]:
    """A milestone's date, and how its year was chosen ("" when the line wrote its own).

    Without a year: the one year that puts the date inside the plan's period, else the year
    that puts it nearest the sheet's own date (the date a progress sheet was produced).
    A month without a day is its last day, and the note says so.
    """
    if line.month is None:
        return None, ""
    if line.year is not None:
        on = _milestone_on(line, line.year)
        return (on, _day_note(line, "")) if on else (None, _no_such_day(line))
    # 2000 was a leap year: a day and month that fail in it fail in every year.
    if _milestone_on(line, 2000) is None:
        return None, _no_such_day(line)
    start, end = period
    if start and end:
        fits = [
            on
            for year in range(start.year, end.year + 1)
            if (on := _milestone_on(line, year)) and start <= on <= end
        ]
        if len(fits) == 1:
            return fits[0], _day_note(line, YEAR_FROM_PERIOD)
    if sheet_date:
        near = [
            on
            for year in range(sheet_date.year - 1, sheet_date.year + 2)
            if (on := _milestone_on(line, year))
        ]
        if not near:  # 29 Feb, with no leap year either side of the sheet's date
            return None, _no_such_day(line)
        on = min(near, key=lambda day: (abs((day - sheet_date).days), -day.toordinal()))
        return on, _day_note(line, YEAR_FROM_SHEET.format(date=sheet_date))
    return None, NO_YEAR


def _milestone_on(line: MilestoneLine, year: int) -> datetime.date | None:
    if line.day is None:
        return last_day_of(year, line.month)
    try:
        return datetime.date(year, line.month, line.day)
    except ValueError:
        return None


def _no_such_day(line: MilestoneLine) -> str:
    day = f"{line.day} {calendar.month_abbr[line.month]}"
    return NO_SUCH_DAY.format(day=f"{day} {line.year}" if line.year else day)


def _day_note(line: MilestoneLine, note: str) -> str:
    if line.day is not None:
        return note
    month = calendar.month_name[line.month] + (f" {line.year}" if line.year else "")
    return "; ".join(filter(None, (note, READ_AS_LAST_DAY.format(month=month))))
