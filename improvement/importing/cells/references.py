"""References: recommendation lists in one cell, period codes, action references and the
marker of an action that arose from the latest inspection."""

import datetime
import re

from improvement.importing.cells.base import text_of
from improvement.importing.cells.dates import MONTHS
from inspections.references import url_safe_reference

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


def period_code(name: str) -> str:
    """A short code for a period name: "September - December 2016" -> "SEP16"."""
    words = re.findall(r"[A-Za-z]+|\d{4}", name)
    month = next((w[:3].upper() for w in words if w[:3].lower() in MONTHS), "")
    year = next((w[2:] for w in words if w.isdigit()), "")
    code = f"{month}{year}"
    return code or re.sub(r"[^A-Z0-9]", "", name.upper())[:12]


def period_bounds(name: str) -> tuple[datetime.date | None, datetime.date | None]:
    """First and last day of "September - December 2016" or "January - March 2017"."""
    months = [
        MONTHS[w[:3].lower()] for w in re.findall(r"[A-Za-z]+", name) if w[:3].lower() in MONTHS
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
