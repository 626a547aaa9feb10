"""The cells councils write, read as a table of real examples (most from the Wirral plan)."""

import datetime

import pytest

from improvement.importing.cells import (
    CellError,
    parse_due,
    parse_flag,
    parse_progress,
    parse_score,
    parse_uk_date,
    period_bounds,
    period_code,
    split_leads,
    split_references,
)
from improvement.models import Rag, Status
from improvement.ratings import SCORE_MAX, SCORE_MIN

D = datetime.date


@pytest.mark.parametrize(
    ("cell", "on", "needs_review"),
    [
        ("30/09/2016", D(2016, 9, 30), False),
        ("1/2/17", D(2017, 2, 1), False),
        (datetime.datetime(2017, 3, 31, 0, 0), D(2017, 3, 31), False),
        (42825, D(2017, 3, 31), False),
        ("2017-03-31", D(2017, 3, 31), False),
        ("28/02/2016", D(2016, 2, 28), False),
        ("31/11/2016", None, True),
        ("31/04/2017", None, True),
        ("Start 31/12/2016 then on going", None, True),
        ("On going", None, True),
        ("", None, False),
        (None, None, False),
    ],
)
def test_due_dates_keep_their_text_and_are_never_invented(cell, on, needs_review):
    due = parse_due(cell)

    assert (due.on, due.needs_review) == (on, needs_review)
    if isinstance(cell, str):
        assert due.text == cell


def test_an_impossible_date_is_an_error_that_says_so():
    with pytest.raises(CellError, match='"31/11/2016" is not a real date'):
        parse_uk_date("31/11/2016")


@pytest.mark.parametrize(
    ("cell", "refs"),
    [
        ("7", ["7"]),
        (7.0, ["7"]),
        ("3, 8, 9", ["3", "8", "9"]),
        ("5,\n15", ["5", "15"]),
        ("4\n8\n9", ["4", "8", "9"]),
        ("sb1", ["SB1"]),
        ("Rec 3 and 4", ["3", "4"]),
        ("", []),
    ],
)
def test_several_recommendation_references_in_one_cell(cell, refs):
    assert split_references(cell) == refs


def test_leads_split_on_lines_never_on_commas():
    cell = "Chair of WSCB\nWSCB  Business Manager\nHead of Quality, Performance and Improvement"

    assert split_leads(cell) == [
        "Chair of WSCB",
        "WSCB Business Manager",
        "Head of Quality, Performance and Improvement",
    ]


@pytest.mark.parametrize(
    ("cell", "rag", "status"),
    [
        ("R", Rag.RED, None),
        ("amber", Rag.AMBER, None),
        (" GREEN ", Rag.GREEN, None),
        ("Complete", Rag.GREEN, Status.COMPLETE),
        ("", Rag.NOT_RATED, None),
    ],
)
def test_progress_rag_words(cell, rag, status):
    progress = parse_progress(cell)

    assert (progress.rag, progress.status) == (rag, status)


def test_a_rag_that_is_not_one_is_refused_with_the_words_we_accept():
    with pytest.raises(CellError, match="use Red, Amber, Green"):
        parse_progress("Purple")


@pytest.mark.parametrize(
    ("cell", "flag"), [("**", True), ("true", True), ("", False), ("No", False)]
)
def test_key_action_markers(cell, flag):
    assert parse_flag(cell) is flag


@pytest.mark.parametrize(("cell", "message"), [("6", "outside 1–5"), ("high", "not a whole")])
def test_likelihood_outside_one_to_five_is_refused(cell, message):
    with pytest.raises(CellError, match=message):
        parse_score(cell, low=SCORE_MIN, high=SCORE_MAX)


def test_periods_give_a_short_code_and_their_first_and_last_day():
    assert period_code("September - December 2016") == "SEP16"
    assert period_bounds("September - December 2016") == (D(2016, 9, 1), D(2016, 12, 31))
    assert period_bounds("January - March 2017") == (D(2017, 1, 1), D(2017, 3, 31))
