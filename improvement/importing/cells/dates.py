"""Dates and deadlines as councils write them: dd/mm/yyyy, Excel serials, "November 2013",
prose such as "TBC" or "End of Q3" kept as written and flagged for review."""

import calendar
import datetime
import re
from dataclasses import dataclass

from improvement.importing.cells.base import CellError, text_of, word_set

EXCEL_EPOCH = datetime.date(1899, 12, 30)


NOT_A_DATE = '"{text}" is not a date; write it as dd/mm/yyyy.'
NOT_A_REAL_DATE = '"{text}" is not a real date.'


@dataclass(frozen=True)
class Due:
    on: datetime.date | None
    text: str
    needs_review: bool
    read_as: str = ""  # how a date that was not written as one was read: "the last day of ..."


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


MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}
MONTH_WORD = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
ORDINAL = r"(?:st|nd|rd|th)?"
_DAY_MONTH_YEAR = re.compile(
    rf"(?P<day>\d{{1,2}}){ORDINAL}(?:\s+of)?[\s\-/]*(?P<month>{MONTH_WORD}),?[\s\-/]*"
    r"(?P<year>\d{4}|\d{2})",
    re.IGNORECASE,
)
_MONTH_DAY_YEAR = re.compile(
    rf"(?P<month>{MONTH_WORD})\s*(?P<day>\d{{1,2}}){ORDINAL},?\s+(?P<year>\d{{4}})",
    re.IGNORECASE,
)
# "November 2013", "Nov 2013", "Nov-13", "Nov 13": councils write a month for its last day.
_MONTH_YEAR = rf"(?P<month>{MONTH_WORD})[\s\-'’/]*(?P<year>\d{{4}}|\d{{2}})"
_MONTH_END = re.compile(
    rf"(?:(?:by\s+)?(?:the\s+)?end\s+(?:of\s+)?(?:the\s+)?)?{_MONTH_YEAR}\.?", re.IGNORECASE
)
READ_AS_MONTH_END = "read as {on:%d/%m/%Y}, the last day of {month} {year}"


def month_number(word: str) -> int:
    """1 for "Jan", "January" or "jan."; the word must be a month (see MONTH_WORD)."""
    return MONTHS[word.casefold()[:3]]


def full_year(digits: str) -> int:
    """2013 for "13" or "2013": councils' two-digit years are this century."""
    year = int(digits)
    return year + 2000 if year < 100 else year


def last_day_of(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def date_in_words(text: str) -> datetime.date | None:
    """ "31 March 2014", "31st Mar 2014", "31-Mar-14", "March 31, 2014"; None if not one."""
    for pattern in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR):
        if match := pattern.fullmatch(text.strip()):
            try:
                return datetime.date(
                    full_year(match["year"]), month_number(match["month"]), int(match["day"])
                )
            except ValueError:
                return None
    return None


def parse_due(value) -> Due:
    """A due date as written. A month and year is that month's last day, said so in read_as.

    Anything else that is not one date (a range, "TBC", "monthly through to Dec 2013", an
    impossible date) keeps its text exactly, with no date, and needs review.
    """
    text = text_of(value)
    if not text:
        return Due(on=None, text="", needs_review=False)
    if on := _written_date(value):
        return Due(on=on, text=text, needs_review=False)
    if match := _MONTH_END.fullmatch(text):
        year, month = full_year(match["year"]), month_number(match["month"])
        on = last_day_of(year, month)
        read_as = READ_AS_MONTH_END.format(on=on, month=calendar.month_name[month], year=year)
        return Due(on=on, text=text, needs_review=False, read_as=read_as)
    return Due(on=None, text=text, needs_review=True)


def _written_date(value) -> datetime.date | None:
    try:
        return parse_uk_date(value)
    except CellError:
        return date_in_words(text_of(value))


# What may stand in a deadline besides dates: "End of", "Monthly through to", "Q3", "TBC".
_PHRASE_TOKENS = re.compile(
    r"(?P<date>\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}(?!\d)|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.]\d{1,2}(?!\d))"
    r"|(?P<year>\d{4}(?:\s*[/\-]\s*(?:\d{4}|\d{2}))?(?!\d)|['’]\d{2}(?!\d))"
    r"|(?P<quarter>q[1-4])(?![a-z\d])"
    r"|(?P<number>\d{1,2}(?:st|nd|rd|th)?)(?![a-z\d])"
    r"|(?P<word>[a-z]+(?:['’][a-z]+)?)"
    r"|(?P<mark>[&+,;:.()/\-–—])"
    r"|(?P<other>\S)"
)
_WHEN_WORDS = word_set(
    "tbc tba tbd ongoing monthly quarterly annually annual weekly fortnightly daily yearly "
    "termly biannually immediately immediate asap continuous continuing spring summer autumn "
    "winter christmas easter day days week weeks fortnight month months quarter quarters year "
    "years term terms"
)
_WHEN_FILLERS = word_set(
    "by end of the from start starting started begin begins beginning commencing commence until "
    "till through thru to and then in during before after no later than wc commencing mid early "
    "late each every financial fy first second third fourth final last next this within up "
    "onwards onward throughout at on or a an per bi six half semi approx approximately"
)
# Deadlines that hand the date to someone else: whatever follows is theirs to decide.
_OPEN_DEADLINE = re.compile(
    r"(?:to be (?:confirmed|agreed|determined|decided|set|scheduled|arranged)|determined by"
    r"|dependent on|depending on|subject to|as (?:agreed|required|needed|and when)"
    r"|in line with)\b"
)
_ON_GOING = re.compile(r"\bon[\s\-]+going\b")
_WEEK_COMMENCING = re.compile(r"\bw/c\b|\bweek commencing\b")


def is_date_phrase(text: str) -> bool:
    """Whether text is a deadline rather than a person or post.

    True for dates, months, quarters, years and the words councils use for when ("TBC",
    "Ongoing", "Monthly through to Dec 2013", "determined by the Board"), alone or joined.
    A post that merely holds a month word ("Head of May Road Centre") is not a deadline: every
    word must be one of when.
    """
    words = re.sub(r"\s+", " ", text_of(text)).casefold()
    if not words:
        return False
    if _OPEN_DEADLINE.match(words):
        return True
    words = _WEEK_COMMENCING.sub("wc", _ON_GOING.sub("ongoing", words))
    says_when = False
    for token in _PHRASE_TOKENS.finditer(words):
        kind, word = token.lastgroup, token.group()
        if kind == "other" or (kind == "word" and not _is_when_word(word)):
            return False
        says_when = says_when or kind in ("date", "year", "quarter") or _is_when_core(kind, word)
    return says_when


def _is_when_word(word: str) -> bool:
    return word in _WHEN_FILLERS or _is_when_core("word", word)


def _is_when_core(kind: str, word: str) -> bool:
    return kind == "word" and (word in _WHEN_WORDS or bool(re.fullmatch(MONTH_WORD, word)))
