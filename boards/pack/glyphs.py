"""Symbols no pack font can draw, written out by name rather than printed as a blank box.

DejaVu Sans, the pack's text face, covers Latin, Greek, Cyrillic, Hebrew and Arabic; the vendored
Symbola subset (static/boards/fonts) covers symbols and emoji up to Unicode 9. A newer emoji in
an officer's commentary would print as the font's .notdef glyph, which no reader can read and
PDF/UA-1 forbids (7.21.8), so it becomes its Unicode name in brackets: "[smiling face with
hearts]". DejaVu draws no symbol ("So") that the subset lacks, so the subset's map decides.
"""

import functools
import re
import unicodedata

from django.contrib.staticfiles import finders
from fontTools.ttLib import TTFont

SYMBOL_FONT = "boards/fonts/Symbola-symbols.ttf"
# Latin, Greek, Cyrillic, Hebrew and Arabic are DejaVu's; only what lies outside is looked at.
OUTSIDE_TEXT_SCRIPTS = re.compile(r"[^\x00-\u024f\u0370-\u06ff]")
NEEDS_SYMBOL_FONT = {"So", "Cn"}  # Cn: assigned after this Python's Unicode, or not at all


@functools.cache
def _symbols() -> frozenset[int]:
    return frozenset(TTFont(finders.find(SYMBOL_FONT), lazy=True).getBestCmap())


@functools.cache
def _printable(character: str) -> str:
    if unicodedata.category(character) not in NEEDS_SYMBOL_FONT:
        return character
    if ord(character) in _symbols():
        return character
    name = unicodedata.name(character, "").lower() or f"symbol U+{ord(character):04X}"
    return f"[{name}]"


def printable(html: str) -> str:
    return OUTSIDE_TEXT_SCRIPTS.sub(lambda match: _printable(match[0]), html)
