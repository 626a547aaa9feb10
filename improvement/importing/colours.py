"""Reading the colour a council filled a cell with, and the RAG rating that colour means.

Many councils rate an action by colouring its cell (with a letter in it, or none), so the
importer reads the fill as well as the value. Excel stores a fill as an ARGB value, as an index
into its legacy palette, or as a theme colour with a tint; fill_colour() turns all three into
"RRGGBB". Theme colours come from the workbook's own theme, because the Office 2007-2010 theme
that older plans were written with has red and green where today's has orange and grey.
rag_from_colour() then reads the colour by hue, so every shade of red a council picks is red.
"""

import colorsys
import functools
import re

from defusedxml import DefusedXmlException, ElementTree
from openpyxl.styles.colors import COLOR_INDEX

from improvement.models import Rag

# The Office 2013+ default theme, by the index a fill's theme colour uses (light 1 comes first).
DEFAULT_THEME = (
    "FFFFFF",  # lt1
    "000000",  # dk1
    "E7E6E6",  # lt2
    "44546A",  # dk2
    "4472C4",  # accent1, blue
    "ED7D31",  # accent2, orange
    "A5A5A5",  # accent3, grey
    "FFC000",  # accent4, gold
    "5B9BD5",  # accent5, blue
    "70AD47",  # accent6, green
    "0563C1",  # hyperlink
    "954F72",  # followed hyperlink
)
# The order of a theme's colour scheme in theme1.xml differs from the fill index (dk1 first).
_SCHEME_ORDER = (
    "lt1",
    "dk1",
    "lt2",
    "dk2",
    "accent1",
    "accent2",
    "accent3",
    "accent4",
    "accent5",
    "accent6",
    "hlink",
    "folHlink",
)
_DRAWING_NS = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
# Indexed colours 64 and 65 are the system foreground and background: no colour of their own.
_SYSTEM_INDEXES = (64, 65)
_NO_COLOUR = "000000"  # with alpha 00: openpyxl's "not set"
_HEX = re.compile(r"[0-9A-F]{6}")


def fill_colour(cell) -> str | None:
    """The colour a cell is filled with as "RRGGBB", or None for no fill or a white one."""
    fill = cell.fill
    pattern = getattr(fill, "patternType", None)
    if not pattern:
        return None
    colour = fill.fgColor
    # A patterned fill (hatching) counts only when its colour was set; solid fills always do.
    if pattern != "solid" and colour.type == "rgb" and colour.rgb == "00" + _NO_COLOUR:
        return None
    rgb = _colour_rgb(colour, theme=_workbook_theme(cell))
    return None if rgb in (None, "FFFFFF") else rgb


def _colour_rgb(colour, *, theme: tuple[str, ...]) -> str | None:
    if colour.type == "rgb":
        argb = str(colour.rgb).upper()
        if argb == "00" + _NO_COLOUR or not _HEX.fullmatch(argb[-6:]):
            return None
        return argb[-6:]
    if colour.type == "indexed":
        index = colour.indexed
        if index in _SYSTEM_INDEXES or not 0 <= index < len(COLOR_INDEX):
            return None
        return COLOR_INDEX[index][-6:].upper()
    if colour.type == "theme" and 0 <= colour.theme < len(theme):
        return with_tint(theme[colour.theme], colour.tint or 0.0)
    return None


def _workbook_theme(cell) -> tuple[str, ...]:
    workbook = getattr(getattr(cell, "parent", None), "parent", None)
    loaded = getattr(workbook, "loaded_theme", None)
    return theme_colours(loaded) if loaded else DEFAULT_THEME


@functools.lru_cache(maxsize=8)
def theme_colours(theme_xml: bytes | str) -> tuple[str, ...]:
    """A workbook theme's colours in fill-index order, from its theme1.xml.

    Colours the theme does not give keep the Office default, so a cut-down theme still reads.
    """
    try:
        root = ElementTree.fromstring(theme_xml)
    except (ElementTree.ParseError, DefusedXmlException):
        return DEFAULT_THEME
    scheme = root.find(f".//{_DRAWING_NS}clrScheme")
    if scheme is None:
        return DEFAULT_THEME
    colours = []
    for name, default in zip(_SCHEME_ORDER, DEFAULT_THEME, strict=True):
        colours.append(_scheme_colour(scheme.find(_DRAWING_NS + name)) or default)
    return tuple(colours)


def _scheme_colour(element) -> str | None:
    if element is None:
        return None
    for child in element:
        value = child.get("val") if child.tag.endswith("srgbClr") else child.get("lastClr")
        if value and _HEX.fullmatch(value.upper()):
            return value.upper()
    return None


def with_tint(rgb: str, tint: float) -> str:
    """A theme colour lightened (tint > 0) or darkened (tint < 0) as Excel does, by lightness."""
    if not tint:
        return rgb
    red, green, blue = (int(rgb[i : i + 2], 16) / 255 for i in (0, 2, 4))
    hue, lightness, saturation = colorsys.rgb_to_hls(red, green, blue)
    if tint < 0:
        lightness *= 1 + tint
    else:
        lightness = lightness * (1 - tint) + tint
    red, green, blue = colorsys.hls_to_rgb(hue, lightness, saturation)
    return "".join(f"{round(part * 255):02X}" for part in (red, green, blue))


# Hue bands in degrees. Purple and pink (250-340) mean nothing in a RAG column.
_RED_FROM, _AMBER_FROM, _GREEN_FROM, _BLUE_FROM, _PURPLE_FROM = 340, 18, 70, 170, 250
# Below this colourfulness a fill is grey, white or black: a heading band, not a rating.
_MIN_CHROMA = 0.12
_MIN_SATURATION = 0.25


def rag_from_colour(rgb: str | None) -> Rag | None:
    """The RAG rating a fill colour means, or None when it means none (white, grey, purple)."""
    if not rgb or not _HEX.fullmatch(rgb.upper()):
        return None
    red, green, blue = (int(rgb[i : i + 2], 16) / 255 for i in (0, 2, 4))
    hue, _lightness, saturation = colorsys.rgb_to_hls(red, green, blue)
    chroma = max(red, green, blue) - min(red, green, blue)
    if chroma < _MIN_CHROMA or saturation < _MIN_SATURATION:
        return None
    degrees = hue * 360
    if degrees >= _RED_FROM or degrees < _AMBER_FROM:
        return Rag.RED
    if degrees < _GREEN_FROM:
        return Rag.AMBER
    if degrees < _BLUE_FROM:
        return Rag.GREEN
    if degrees < _PURPLE_FROM:
        return Rag.BLUE
    return None
