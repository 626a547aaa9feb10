"""What every reader shares: a cell as text, and the error a cell that cannot be read raises."""

import datetime


def word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


class CellError(ValueError):
    """A cell whose value cannot be read; the message names what was wrong, not where."""


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
