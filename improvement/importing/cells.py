"""Reading the cells councils actually write: UK dates, reference lists, RAG words, leads.

Pure functions, shared by the spreadsheet importer and the demo loader. Each either returns a
clean value or raises CellError with a message fit to show beside the sheet, row and column.
Councils write deadlines as prose ("Nov 2013 & April 2014", "TBC"), put a lead and a deadline
in one cell, name several leads in one cell, and date milestones without a year; the readers
here take those apart without inventing what the sheet did not say.
"""

import calendar
import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass

from improvement.ratings import SCORE_MAX, SCORE_MIN, Rag, Status, severity
from inspections.references import url_safe_reference

EXCEL_EPOCH = datetime.date(1899, 12, 30)


NOT_A_DATE = '"{text}" is not a date; write it as dd/mm/yyyy.'
NOT_A_REAL_DATE = '"{text}" is not a real date.'
NOT_A_RAG = '"{text}" is not a RAG rating; use Red, Amber, Green, Blue, R, A, G or Complete.'
NOT_A_FLAG = '"{text}" is not yes or no.'
NOT_A_SCORE = '"{text}" is not a whole number from {low} to {high}.'
SCORE_OUT_OF_RANGE = "{score} is outside {low}–{high}."
NOT_A_CRITERION = (
    '"{text}" does not say whether the criterion is met; write Yes, No or leave it blank.'
)
AMBIGUOUS_CRITERION = '"{text}" could mean met or not met; write Yes or No.'


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


class CellError(ValueError):
    """A cell whose value cannot be read; the message names what was wrong, not where."""


@dataclass(frozen=True)
class Due:
    on: datetime.date | None
    text: str
    needs_review: bool
    read_as: str = ""  # how a date that was not written as one was read: "the last day of ..."


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


_MONTHS = {
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
_ORDINAL = r"(?:st|nd|rd|th)?"
_DAY_MONTH_YEAR = re.compile(
    rf"(?P<day>\d{{1,2}}){_ORDINAL}(?:\s+of)?[\s\-/]*(?P<month>{MONTH_WORD}),?[\s\-/]*"
    r"(?P<year>\d{4}|\d{2})",
    re.IGNORECASE,
)
_MONTH_DAY_YEAR = re.compile(
    rf"(?P<month>{MONTH_WORD})\s*(?P<day>\d{{1,2}}){_ORDINAL},?\s+(?P<year>\d{{4}})",
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
    return _MONTHS[word.casefold()[:3]]


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
_WHEN_WORDS = _words(
    "tbc tba tbd ongoing monthly quarterly annually annual weekly fortnightly daily yearly "
    "termly biannually immediately immediate asap continuous continuing spring summer autumn "
    "winter christmas easter day days week weeks fortnight month months quarter quarters year "
    "years term terms"
)
_WHEN_FILLERS = _words(
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


@dataclass(frozen=True)
class LeadCell:
    names: list[str]  # the lead first, then co-leads, each once
    due_text: str  # any deadline written in the lead cell ("Head of Service⏎November 2013")


# Always between leads: line breaks, ";", bullets, and lettered or numbered items "(a) … (b) …".
_LEAD_BREAKS = re.compile(
    r"\s*(?:[\n\r;•·]|(?:^|\s)\(?(?:[a-z]|i{1,3}|iv|vi{0,3}|\d{1,2})\)(?=\s))\s*", re.IGNORECASE
)
# Between leads only when both sides name one: "DCS / Head of Safeguarding", but not
# "Senior Manager – Children in Care & Care Leavers" or "Head of QA & Performance".
_LEAD_JOINS = re.compile(r"\s+([&/])\s+")
_POST_WORDS = _words(
    "head manager director chair chairman chairperson lead leader leads officer worker "
    "coordinator co-ordinator principal deputy assistant executive commissioner consultant "
    "auditor adviser advisor administrator analyst supervisor practitioner nurse member holder "
    "board committee panel chief cllr councillor specialist champion sponsor owner clerk "
    "secretary inspector governor headteacher psychologist doctor therapist"
)
# Words of a post's remit, which a person's name never holds: "Care Leavers" is not a person.
_REMIT_WORDS = _words(
    "care leavers leaving children child childrens children's young people family families "
    "adult adults social work health education early help quality assurance performance "
    "improvement safeguarding protection need needs looked after fostering adoption service "
    "services team teams partnership learning development workforce commissioning finance "
    "resources data information intelligence business support practice policy planning "
    "strategy strategic operations operational transformation audit governance legal "
    "communications training systems school schools special educational disability "
    "disabilities youth offending justice housing public mental corporate parenting "
    "residential placements placement contact referral referrals assessment front door hub "
    "centre unit area north south east west central district locality community communities "
    "wellbeing safety multi agency partners council"
)
# Acronyms councils write for posts and bodies; with vowels, so the no-vowel rule misses them.
ACRONYMS = _words(
    "DCS DASS LSCB SCB WSCB QA CAMHS HR IRO MASH NHS LADO SEND SENCO SEN CSC CIN CP LAC CLA "
    "ICT IT PSW ASYE YOS YOT CCG GP DPH ADCS CEO DSL CYP CSE MARAC MAPPA SW AD PA EHM IAG "
    "OD LA"
)
_SMALL_WORDS = _words("of and the for to in on at by with a an or")
# Short words that are words, not acronyms, when a post is written in capitals.
_SHORT_WORDS = _words("new key all our own one two six day age pay law sub co vice mr mrs ms dr")


def split_lead_cell(value, *, known: Callable[[str], bool] | None = None) -> LeadCell:
    """The leads named in one cell, and any deadline written with them.

    Leads are split at line breaks, ";", bullets and lettered items, and at " & " or " / "
    only where each side names a lead by itself (a post, an acronym or a person's name), so
    "Head of Quality and Performance" and "Children in Care & Care Leavers" stay whole. Never
    at commas or "and". known(name) says a name is an existing lead, which is then never split.
    """
    names: list[str] = []
    deadlines: list[str] = []
    for part in _lead_parts(text_of(value)):
        if is_date_phrase(part):
            deadlines.append(part)
            continue
        part, deadline = _split_trailing_deadline(part)
        if deadline:
            deadlines.append(deadline)
        for name in _split_joined_leads(part, known):
            if is_date_phrase(name):
                deadlines.append(name)
            elif name.casefold() not in {n.casefold() for n in names}:
                names.append(name)
    return LeadCell(names=names, due_text="; ".join(deadlines))


def split_leads(value) -> list[str]:
    """Leads from one cell, the lead first; commas stay: "Head of Quality, Performance and ..."."""
    return split_lead_cell(value).names


def _lead_parts(text: str):
    for piece in _LEAD_BREAKS.split(text):
        if part := _clean_lead(piece):
            yield part


def _clean_lead(text: str) -> str:
    text = re.sub(r"\s+", " ", text)
    return re.sub(r"^[\s•·*\-–—]+|[\s,;:.\-–—/&]+$", "", text)


def _split_trailing_deadline(part: str) -> tuple[str, str]:
    """ "Head of Service – November 2013" or "Head of Service (TBC)" -> post and deadline.

    A deadline after a bare space must hold a year or a date, so a post that ends in a word of
    when ("Head of Year") is left alone unless a dash, comma or bracket sets the word off.
    """
    words = part.split()
    for i in range(1, len(words)):
        tail = " ".join(words[i:])
        set_off = tail.startswith("(") or words[i - 1] in ("-", "–", "—") or words[i - 1][-1] == ","
        dated = re.search(r"\d{4}|\d{1,2}[/.]\d{1,2}|[a-z]{3}[-'’]\d{2}\b", tail, re.IGNORECASE)
        if (set_off or dated) and is_date_phrase(tail.strip("()")):
            head = _clean_lead(" ".join(words[:i]).rstrip("("))
            if head:
                return head, tail.strip("()").strip()
    return part, ""


def _split_joined_leads(part: str, known: Callable[[str], bool] | None) -> list[str]:
    if known and known(part):
        return [part]
    pieces = _LEAD_JOINS.split(part)
    names = [pieces[0]]
    for joiner, piece in zip(pieces[1::2], pieces[2::2], strict=True):
        joined = f"{names[-1]} {joiner} {piece}"
        if names_a_lead(names[-1]) and names_a_lead(piece) and not (known and known(joined)):
            names.append(piece)
        else:
            names[-1] = joined
    return names


def names_a_lead(text: str) -> bool:
    """Whether text alone names a lead: a post ("Head of X"), an acronym ("DCS") or a person."""
    return _names_a_post(text) or _names_a_person(text)


def _names_a_post(text: str) -> bool:
    shouting = not re.search(r"[a-z]", text)
    for word in re.findall(r"[A-Za-z][A-Za-z'’\-]*", text):
        if word.casefold() in _POST_WORDS or _is_acronym(word, shouting=shouting):
            return True
    return False


def _is_acronym(word: str, *, shouting: bool) -> bool:
    letters = re.sub(r"[^A-Za-z]", "", word)
    if letters.upper() in ACRONYMS:
        return True
    if len(letters) < 2 or letters.casefold() in _SMALL_WORDS | _SHORT_WORDS:
        return False
    if shouting:
        return not re.search(r"[AEIOU]", letters)
    return letters.isupper()


def _names_a_person(text: str) -> bool:
    words = text.split()
    if not 2 <= len(words) <= 4:
        return False
    if not all(re.fullmatch(r"[A-Z][A-Za-z'’\-]*\.?", word) for word in words):
        return False
    return not any(
        word.casefold().rstrip(".") in _REMIT_WORDS | _POST_WORDS | _SMALL_WORDS for word in words
    )


def lead_display_name(name: str) -> str:
    """A lead written in capitals, made readable: "HEAD OF QA & PERFORMANCE" -> "Head of QA & ...".

    Acronyms stay in capitals: a word with no vowel, of three letters or fewer (other than a
    small word such as "of"), or one we know (ACRONYMS). A name with any small letter is left as
    the council wrote it.
    """
    if re.search(r"[a-z]", name) or not re.search(r"[A-Z]", name):
        return name
    first = re.search(r"[A-Z]", name).start()
    return re.sub(
        r"[A-Z][A-Z'’\-]*",
        lambda match: _display_word(match.group(), first=match.start() == first),
        name,
    )


def _display_word(word: str, *, first: bool) -> str:
    parts = word.split("-")
    shown = [_display_part(parts[0], first=first, start=True)]
    shown += [_display_part(part, first=False, start=False) for part in parts[1:]]
    return "-".join(shown)


def _display_part(part: str, *, first: bool, start: bool) -> str:
    letters = re.sub(r"[^A-Z]", "", part)
    if not letters:
        return part
    if letters in ACRONYMS:
        return part
    lower = part.casefold()
    if lower in _SMALL_WORDS:
        return part.capitalize() if first else lower
    if lower not in _SHORT_WORDS and (len(letters) <= 3 or not re.search(r"[AEIOU]", letters)):
        return part
    # "O'BRIEN" -> "O'Brien", but "CHILDREN'S" -> "Children's".
    shown = re.sub(r"^(\w['’])(\w)", lambda m: m[1] + m[2].upper(), lower)
    return shown[0].upper() + shown[1:] if start else shown


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
    # The words some councils write in place of the colour.
    "on track": Rag.GREEN,
    "at risk": Rag.AMBER,
    "off track": Rag.RED,
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


def parse_score(value, *, low: int = SCORE_MIN, high: int = SCORE_MAX) -> int | None:
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
    rf"(?:(?P<day>\d{{1,2}}){_ORDINAL}(?:\s+of)?[\s\-]*(?P<month>{MONTH_WORD})"
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


# "* Recruit …", "Recruit …*", "1.1.1 * Recruit …": the action arose from the latest inspection.
# "**" is another council's mark (key actions) and "5*3" is arithmetic: neither is this marker.
_LEADING_MARKER = re.compile(r"(?P<number>\d+(?:\.\d+)*\.?(?:\s+|(?=\*\s)))?\*(?!\*)\s*")


def split_inspection_marker(text: str) -> tuple[str, bool]:
    """An action's text without its single "*" marker, and whether the marker was there."""
    stripped = text.strip()
    if match := _LEADING_MARKER.match(stripped):
        rest = stripped[match.end() :]
        number = (match["number"] or "").strip()
        return (f"{number} {rest}".strip(), True)
    if stripped.endswith("*") and not stripped.endswith("**"):
        return stripped[:-1].rstrip(), True
    return text, False


# "x" is left out on purpose: a cross means "met" on some councils' checklists and "not met" on
# others, so it is refused rather than guessed.
_MET_WORDS = frozenset({"yes", "y", "met", "true", "✓", "✔", "1", "in place", "agreed"})
_NOT_MET_WORDS = frozenset(
    {"no", "n", "not met", "false", "0", "✗", "✘", "not in place", "not agreed"}
)
_NOT_ASSESSED_WORDS = frozenset({"", "not assessed", "not yet assessed", "n/a", "na", "tbc", "?"})


def parse_criterion(value) -> bool | None:
    """A readiness criterion: True met, False not met, None not assessed (blank, "n/a", "TBC")."""
    if isinstance(value, bool):
        return value
    word = re.sub(r"\s+", " ", text_of(value).replace("\ufe0f", "")).casefold().rstrip(".")
    if word in _MET_WORDS:
        return True
    if word in _NOT_MET_WORDS:
        return False
    if word in _NOT_ASSESSED_WORDS:
        return None
    message = AMBIGUOUS_CRITERION if word == "x" else NOT_A_CRITERION
    raise CellError(message.format(text=text_of(value)))


_RAG_COLOURS = frozenset({"r", "a", "g", "b", "red", "amber", "green", "blue"})
_RAG_PAIR = re.compile(r"\s*(?:[/&–\-]|\bto\b|\band\b)\s*")


def cautious_rag_of_pair(value) -> Rag | None:
    """A rating between two colours ("Amber/Green", "R-A") as the more severe of the two; None
    when the cell is not such a pair."""
    parts = [p.strip() for p in _RAG_PAIR.split(text_of(value).casefold())]
    if len(parts) < 2 or not all(part in _RAG_COLOURS for part in parts):
        return None
    return min((_RAG_WORDS[part] for part in parts), key=severity)


def looks_like_rag(value) -> bool:
    """Whether a cell could sit in a RAG column: blank, a RAG word or letter, or a pair of them.

    A pair ("Amber/Green") is no rating parse_progress accepts, but it is a RAG column's value
    and is refused row by row; prose ("To be updated for the March Board") is not.
    """
    try:
        parse_progress(value)
    except CellError:
        parts = _RAG_PAIR.split(text_of(value).casefold())
        return len(parts) > 1 and all(part.strip() in _RAG_COLOURS for part in parts)
    return True
