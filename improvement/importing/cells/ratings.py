"""Ratings: a progress RAG or "Complete", pairs such as "Amber/Green", yes/no flags, 1-5 scores
and readiness criteria answered met, not met or not assessed."""

import re
from dataclasses import dataclass

from improvement.importing.cells.base import CellError, text_of
from improvement.ratings import SCORE_MAX, SCORE_MIN, Rag, Status, severity

NOT_A_RAG = '"{text}" is not a RAG rating; use Red, Amber, Green, Blue, R, A, G or Complete.'
NOT_A_FLAG = '"{text}" is not yes or no.'
NOT_A_SCORE = '"{text}" is not a whole number from {low} to {high}.'
SCORE_OUT_OF_RANGE = "{score} is outside {low}–{high}."
NOT_A_CRITERION = (
    '"{text}" does not say whether the criterion is met; write Yes, No or leave it blank.'
)
AMBIGUOUS_CRITERION = '"{text}" could mean met or not met; write Yes or No.'


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
