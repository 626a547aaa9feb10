"""The one rule for text a spreadsheet would run as a formula, table by table."""

import pytest

from improvement.importing import formulas
from tests.security.hostile import DANGEROUS

HARMLESS = [
    "Recruit permanent managers",
    "Head of HR",
    "SEP16-4",
    "3 + 4 = 7",
    "email@example.org",
    "50% of audits",
    "",
    "'quoted",
    " leading space then text",
]


@pytest.mark.parametrize("text", DANGEROUS)
def test_text_that_starts_a_formula_is_dangerous_and_escaped_with_an_apostrophe(text):
    assert formulas.is_dangerous(text)
    assert formulas.escape(text) == "'" + text


@pytest.mark.parametrize("text", HARMLESS)
def test_ordinary_text_is_left_as_written(text):
    assert not formulas.is_dangerous(text)
    assert formulas.escape(text) == text


@pytest.mark.parametrize("value", [None, 3, -1, 2.5, True, False])
def test_values_that_are_not_text_are_never_touched(value):
    assert not formulas.is_dangerous(value)
    assert formulas.escape(value) is value


def test_a_tab_or_carriage_return_at_the_start_is_dangerous_whatever_follows():
    assert formulas.is_dangerous("\tplain")
    assert formulas.is_dangerous("\rplain")
    assert not formulas.is_dangerous("\nplain")


def test_text_starting_with_a_dash_is_escaped_in_text_formats():
    assert formulas.escape("- reviewed monthly") == "'- reviewed monthly"


@pytest.mark.parametrize("text", [*DANGEROUS, *HARMLESS])
def test_unescape_gives_back_exactly_what_escape_was_given(text):
    assert formulas.unescape(formulas.escape(text)) == text


def test_unescape_leaves_an_apostrophe_that_escape_did_not_add():
    assert formulas.unescape("'quoted") == "'quoted"
    assert formulas.unescape("'") == "'"
