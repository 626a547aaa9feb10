"""How long a search may be, for the plan page and the admin alike.

Every word of a search is one more clause over several text columns, so an unbounded search is
an unbounded query: a few thousand words took 28 s on PostgreSQL and broke SQLite's expression
depth. Over the bound the search is refused with a message and never reaches the database.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator

SEARCH_MAX_CHARACTERS = 200
SEARCH_MAX_WORDS = 10

SEARCH_TOO_LONG = f"Search for at most {SEARCH_MAX_CHARACTERS} characters."
SEARCH_TOO_MANY_WORDS = f"Search for at most {SEARCH_MAX_WORDS} words."
SEARCH_HAS_CONTROL_CHARACTERS = "Search for letters, numbers and punctuation only."

# Control characters (NUL among them) other than the whitespace that separates words.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def check_search(value: str) -> None:
    """Raise ValidationError with the first rule a search breaks; words are split on whitespace."""
    if _CONTROL.search(value):
        raise ValidationError(SEARCH_HAS_CONTROL_CHARACTERS, code="control_characters")
    if len(value) > SEARCH_MAX_CHARACTERS:
        raise ValidationError(SEARCH_TOO_LONG, code="too_long")
    if len(value.split()) > SEARCH_MAX_WORDS:
        raise ValidationError(SEARCH_TOO_MANY_WORDS, code="too_many_words")


def search_error(value: str) -> str | None:
    try:
        check_search(value)
    except ValidationError as refused:
        return refused.messages[0]
    return None


class SearchField(forms.CharField):
    """A search box: its own message for a NUL instead of Django's, and the bounds above."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [
            v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]
        self.widget.attrs.setdefault("maxlength", str(SEARCH_MAX_CHARACTERS))

    def validate(self, value):
        super().validate(value)
        if value:
            check_search(value)
