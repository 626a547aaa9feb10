"""The one rule for text a spreadsheet program would run as a formula (CSV/formula injection).

Pure functions. A text value is dangerous when, after any leading whitespace or control
characters, it begins with a character Excel, LibreOffice or Google Sheets treats as the start
of a formula or a DDE call, in ASCII or full-width form; or when it begins with a tab or carriage
return itself (a cell separator or line break that can push the rest into a new cell).

Text formats (CSV, TSV, JSON) get OWASP's fix, an apostrophe in front, which the importer takes
off again. The .xlsx export needs none: it writes every text value as a string cell.
"""

FORMULA_STARTS = frozenset("=+-@|%" + "＝＋－＠｜％")
SEPARATOR_STARTS = ("\t", "\r")
ESCAPE = "'"


def _skips(char: str) -> bool:
    """Whitespace (space, NBSP, ideographic space...) and control characters before a formula."""
    return char.isspace() or not char.isprintable()


def is_dangerous(value) -> bool:
    if not isinstance(value, str) or not value:
        return False
    if value.startswith(SEPARATOR_STARTS):
        return True
    first = next((char for char in value if not _skips(char)), "")
    return first in FORMULA_STARTS


def escape(value):
    """The value to write in a text format: dangerous text behind an apostrophe, all else as is."""
    return ESCAPE + value if is_dangerous(value) else value


def unescape(value):
    """The value a text export escaped, as it was: the apostrophe comes off dangerous text only."""
    if isinstance(value, str) and value.startswith(ESCAPE) and is_dangerous(value[1:]):
        return value[1:]
    return value
