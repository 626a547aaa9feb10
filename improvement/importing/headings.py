"""What the text of a plan's structure rows says: a theme or objective heading, a note, a footer.

Councils break a plan into themes and objectives with rows of their own ("THEME 1: Leadership
and governance (Theme Lead – Jane Smith)", "Objective 1.2 – Improve …", "1 Support and Develop
Our Workforce"), add notes ("* denotes actions arising from the 2014 inspection"), totals and
footers ("Accurate when produced on 24/02/2017"). The importer decides by the sheet's layout
which rows are structure rows; these pure functions say what such a row's text means.
"""

import datetime
import re
from dataclasses import dataclass

from improvement.importing.cells import (
    MONTH_WORD,
    date_in_words,
    full_year,
    last_day_of,
    month_number,
    parse_uk_date,
)

THEME = "theme"
OBJECTIVE = "objective"


@dataclass(frozen=True)
class Heading:
    level: str  # THEME or OBJECTIVE
    word: str  # the sheet's own label as written: "THEME", "Work-stream", "Objective"; "" if none
    number: str  # "1", "1.2", "B"; "" when unnumbered
    name: str  # the text without label, number and lead
    lead: str  # a lead named inside the heading, "" if none


_THEME_WORDS = (
    r"themes?|work[\s\-]?streams?|priority|priorities|key\s+priority|strands?|sections?|areas?"
    r"|improvement\s+areas?|areas?\s+for\s+improvement|domains?|programmes?"
)
_OBJECTIVE_WORDS = r"objectives?|sub[\s\-]?objectives?|outcomes?|aims?|goals?"
_NUMBER = r"\d{1,2}(?:\.\d{1,2})*|(?-i:[A-Z])(?=\s*[:.\-–—)])"
_SEPARATOR = r"[:.\-–—)]"
# "THEME 1: …", "Work-stream 3 - …", "Objective: …", "Section B: …". A label word must be
# followed by a number or a separator, so "Priority families are supported" is no heading;
# a number with no separator must be followed by a capital, so "Section 47 enquiries are
# timely" is an action about section 47, not section 47's heading.
_LABELLED = re.compile(
    rf"(?P<word>{_THEME_WORDS}|{_OBJECTIVE_WORDS})\s*"
    rf"(?:(?P<number>{_NUMBER})\.?(?![\w.])\s*(?P<sep>{_SEPARATOR})?|(?P<bare>{_SEPARATOR}))"
    r"\s*(?P<name>.*)",
    re.IGNORECASE | re.DOTALL,
)
_OBJECTIVE_WORD = re.compile(rf"(?:{_OBJECTIVE_WORDS})", re.IGNORECASE)
# "1 Support and develop …", "1.2 Improve …"; three levels ("1.1.1") number an action.
_NUMBERED = re.compile(
    r"(?P<number>\d{1,2}(?:\.\d{1,2})?)(?P<sep>[.)])?\s+(?!\d)(?P<name>\S.*)", re.DOTALL
)
_MONTH_START = re.compile(rf"{MONTH_WORD}(?![a-z])", re.IGNORECASE)
# "(Lead: X)", "(Theme Lead – X)", "(Theme lead - X)", "– Lead: X", "Lead officer: X".
_LEAD = re.compile(
    r"\s*(?:\(\s*(?:[\w\-]+\s+)?leads?\b(?:\s+officers?)?\s*[:\-–—]\s*(?P<paren>[^()]+?)\s*\)"
    r"|(?:\s[\-–—]\s*|,\s*|\s)(?:[\w\-]+\s+)?leads?\b(?:\s+officers?)?\s*[:\-–—]\s*(?P<tail>.+?))"
    r"\s*$",
    re.IGNORECASE,
)


def read_heading(text: str) -> Heading | None:
    """A theme or objective heading's label, number, name and lead; None when text is not one.

    Unlabelled, unnumbered text returns None (the importer decides from the layout), as do an
    action's three-level number ("1.1.1 Do X"), notes, footers and totals.
    """
    text = re.sub(r"\s+", " ", text or "").strip()
    if not text or line_kind(text):
        return None
    if match := _LABELLED.fullmatch(text):
        if _runs_on(match):
            return None
        level = OBJECTIVE if _OBJECTIVE_WORD.fullmatch(match["word"]) else THEME
        return _heading(level, match["word"], match["number"] or "", match["name"])
    match = _NUMBERED.fullmatch(text)
    # "13 Mar - Launch" is a milestone; "10 social workers recruited" a sentence.
    if not match or _MONTH_START.match(match["name"]) or _runs_on(match):
        return None
    level = OBJECTIVE if "." in match["number"] else THEME
    return _heading(level, "", match["number"], match["name"])


def _runs_on(match) -> bool:
    """A number run on into a sentence, with no separator and a small letter after it."""
    return bool(match["number"]) and not match["sep"] and match["name"][:1].islower()


def _heading(level: str, word: str, number: str, rest: str) -> Heading:
    name, lead = split_heading_lead(rest)
    return Heading(level=level, word=word, number=number, name=name, lead=lead)


def split_heading_lead(text: str) -> tuple[str, str]:
    """A heading's name and the lead written at its end, for any row the layout calls a heading.

    "Early help – Lead: Jane Smith" -> ("Early help", "Jane Smith"); no lead -> (text, "").
    """
    lead = ""
    if match := _LEAD.search(text):
        lead = (match["paren"] or match["tail"]).strip()
        text = text[: match.start()]
    return re.sub(r"^[\s:.\-–—)]+|[\s:\-–—]+$", "", text), lead


FOOTER = "footer"
NOTE = "note"
TOTALS = "totals"

_FOOTER = re.compile(
    r"(?:accurate\s+(?:when|as\s+at|at)|correct\s+(?:as\s+)?at|produced\s+(?:on|by|at)\b"
    r"|report\s+produced|date\s+(?:printed|produced)|printed\b|page\s+\d+(?:\s+of\s+\d+)?\s*$"
    r"|source\s*:|last\s+updated|updated\s+on\b|version\s*\d|v\d+(?:\.\d+)*\s*$|©|\(c\)\s"
    r"|copyright\b|end\s+of\s+report)",
    re.IGNORECASE,
)
_NOTE = re.compile(
    r"(?:notes?\b|n\.?\s?b\b|please\s+note\b|key\s*[:\-–—]"
    r"|\*+\s*(?:=|(?:denotes|indicates|shows|means|marks)\b))",
    re.IGNORECASE | re.DOTALL,
)
_TOTALS = re.compile(r"(?:grand\s+|sub[\s\-]?)?totals?\s*:?\s*[\d\s.,%]*", re.IGNORECASE)


def line_kind(text: str) -> str | None:
    """FOOTER, NOTE or TOTALS for a row's text that is one of those; None for anything else."""
    text = re.sub(r"\s+", " ", text or "").strip()
    if not text:
        return None
    if _TOTALS.fullmatch(text):
        return TOTALS
    if _FOOTER.match(text):
        return FOOTER
    if _NOTE.match(text) or _in_parentheses(text):
        return NOTE
    return None


def _in_parentheses(text: str) -> bool:
    """ "(to be reviewed at the next Board)", but not "(a) Do this (see below)"."""
    if not text.startswith("("):
        return False
    depth = 0
    for i, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            return i == len(text) - 1
    return False


_NUMERIC_DATE = re.compile(r"(?<![\d/.])\d{1,2}[/.]\d{1,2}[/.](?:\d{4}|\d{2})(?![\d/.])")
_ISO_DATE = re.compile(r"(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)")
_WORDS_DATE = re.compile(
    rf"\d{{1,2}}(?:st|nd|rd|th)?(?:\s+of)?[\s\-]+{MONTH_WORD},?[\s\-]+\d{{4}}"
    rf"|{MONTH_WORD}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}",
    re.IGNORECASE,
)
_MONTH_YEAR = re.compile(
    rf"\b(?P<month>{MONTH_WORD})(?:\s+|[\-'’])(?P<year>\d{{4}}(?!\d)|(?<=[\-'’])\d{{2}}(?!\d))",
    re.IGNORECASE,
)


def sheet_date_from(text: str) -> datetime.date | None:
    """The date a title or footer line gives the sheet, or None.

    "Accurate when produced on 24/02/2017" -> 24/02/2017; "Update for the Improvement Board –
    12 January 2014" -> 12/01/2014; "Position at March 2017" -> 31/03/2017, a month's last day.
    """
    text = text or ""
    found = []
    for pattern in (_NUMERIC_DATE, _ISO_DATE, _WORDS_DATE):
        for match in pattern.finditer(text):
            if on := _real_date(match.group()):
                found.append((match.start(), on))
    if found:
        return min(found)[1]
    if match := _MONTH_YEAR.search(text):
        return last_day_of(full_year(match["year"]), month_number(match["month"]))
    return None


def _real_date(text: str) -> datetime.date | None:
    try:
        return parse_uk_date(text)
    except ValueError:
        return date_in_words(text)
