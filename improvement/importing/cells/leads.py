"""Leads: several in one cell, a lead and a deadline on two lines, posts told from names."""

import re
from collections.abc import Callable
from dataclasses import dataclass

from improvement.importing.cells.base import text_of, word_set
from improvement.importing.cells.dates import is_date_phrase


@dataclass(frozen=True)
class LeadCell:
    names: list[str]  # the lead first, then co-leads, each once
    due_text: str  # any deadline written in the lead cell ("Head of Service⏎November 2013")


# Always between leads: line breaks, ";", bullets, and lettered or numbered items "(a) … (b) …".
_LEAD_BREAKS = re.compile(
    r"\s*(?:[\n\r;•·]|(?:^|\s)\(?(?:[a-z]|i{1,3}|iv|vi{0,3}|\d{1,2})\)(?=\s))\s*", re.IGNORECASE
)
# Between leads only when both sides name one: "DCS / Head of Safeguarding", but not
# "Senior Manager – Children in Care & Care Leavers" or "Head of QA & Performance".
_LEAD_JOINS = re.compile(r"\s+([&/])\s+")
_POST_WORDS = word_set(
    "head manager director chair chairman chairperson lead leader leads officer worker "
    "coordinator co-ordinator principal deputy assistant executive commissioner consultant "
    "auditor adviser advisor administrator analyst supervisor practitioner nurse member holder "
    "board committee panel chief cllr councillor specialist champion sponsor owner clerk "
    "secretary inspector governor headteacher psychologist doctor therapist"
)
# Words of a post's remit, which a person's name never holds: "Care Leavers" is not a person.
_REMIT_WORDS = word_set(
    "care leavers leaving children child childrens children's young people family families "
    "adult adults social work health education early help quality assurance performance "
    "improvement safeguarding protection need needs looked after fostering adoption service "
    "services team teams partnership learning development workforce commissioning finance "
    "resources data information intelligence business support practice policy planning "
    "strategy strategic operations operational transformation audit governance legal "
    "communications training systems school schools special educational disability "
    "disabilities youth offending justice housing public mental corporate parenting "
    "residential placements placement contact referral referrals assessment front door hub "
    "centre unit area north south east west central district locality community communities "
    "wellbeing safety multi agency partners council"
)
# Acronyms councils write for posts and bodies; with vowels, so the no-vowel rule misses them.
ACRONYMS = word_set(
    "DCS DASS LSCB SCB WSCB QA CAMHS HR IRO MASH NHS LADO SEND SENCO SEN CSC CIN CP LAC CLA "
    "ICT IT PSW ASYE YOS YOT CCG GP DPH ADCS CEO DSL CYP CSE MARAC MAPPA SW AD PA EHM IAG "
    "OD LA"
)
_SMALL_WORDS = word_set("of and the for to in on at by with a an or")
# Short words that are words, not acronyms, when a post is written in capitals.
_SHORT_WORDS = word_set("new key all our own one two six day age pay law sub co vice mr mrs ms dr")


def split_lead_cell(value, *, known: Callable[[str], bool] | None = None) -> LeadCell:
    """The leads named in one cell, and any deadline written with them.

    Leads are split at line breaks, ";", bullets and lettered items, and at " & " or " / "
    only where each side names a lead by itself (a post, an acronym or a person's name), so
    "Head of Quality and Performance" and "Children in Care & Care Leavers" stay whole. Never
    at commas or "and". known(name) says a name is an existing lead, which is then never split.
    """
    names: list[str] = []
    deadlines: list[str] = []
    for part in _lead_parts(text_of(value)):
        if is_date_phrase(part):
            deadlines.append(part)
            continue
        part, deadline = _split_trailing_deadline(part)
        if deadline:
            deadlines.append(deadline)
        for name in _split_joined_leads(part, known):
            if is_date_phrase(name):
                deadlines.append(name)
            elif name.casefold() not in {n.casefold() for n in names}:
                names.append(name)
    return LeadCell(names=names, due_text="; ".join(deadlines))


def split_leads(value) -> list[str]:
    """Leads from one cell, the lead first; commas stay: "Head of Quality, Performance and ..."."""
    return split_lead_cell(value).names


def _lead_parts(text: str):
    for piece in _LEAD_BREAKS.split(text):
        if part := _clean_lead(piece):
            yield part


def _clean_lead(text: str) -> str:
    text = re.sub(r"\s+", " ", text)
    return re.sub(r"^[\s•·*\-–—]+|[\s,;:.\-–—/&]+$", "", text)


def _split_trailing_deadline(part: str) -> tuple[str, str]:
    """ "Head of Service – November 2013" or "Head of Service (TBC)" -> post and deadline.

    A deadline after a bare space must hold a year or a date, so a post that ends in a word of
    when ("Head of Year") is left alone unless a dash, comma or bracket sets the word off.
    """
    words = part.split()
    for i in range(1, len(words)):
        tail = " ".join(words[i:])
        set_off = tail.startswith("(") or words[i - 1] in ("-", "–", "—") or words[i - 1][-1] == ","
        dated = re.search(r"\d{4}|\d{1,2}[/.]\d{1,2}|[a-z]{3}[-'’]\d{2}\b", tail, re.IGNORECASE)
        if (set_off or dated) and is_date_phrase(tail.strip("()")):
            head = _clean_lead(" ".join(words[:i]).rstrip("("))
            if head:
                return head, tail.strip("()").strip()
    return part, ""


def _split_joined_leads(part: str, known: Callable[[str], bool] | None) -> list[str]:
    if known and known(part):
        return [part]
    pieces = _LEAD_JOINS.split(part)
    names = [pieces[0]]
    for joiner, piece in zip(pieces[1::2], pieces[2::2], strict=True):
        joined = f"{names[-1]} {joiner} {piece}"
        if names_a_lead(names[-1]) and names_a_lead(piece) and not (known and known(joined)):
            names.append(piece)
        else:
            names[-1] = joined
    return names


def names_a_lead(text: str) -> bool:
    """Whether text alone names a lead: a post ("Head of X"), an acronym ("DCS") or a person."""
    return _names_a_post(text) or _names_a_person(text)


def _names_a_post(text: str) -> bool:
    shouting = not re.search(r"[a-z]", text)
    for word in re.findall(r"[A-Za-z][A-Za-z'’\-]*", text):
        if word.casefold() in _POST_WORDS or _is_acronym(word, shouting=shouting):
            return True
    return False


def _is_acronym(word: str, *, shouting: bool) -> bool:
    letters = re.sub(r"[^A-Za-z]", "", word)
    if letters.upper() in ACRONYMS:
        return True
    if len(letters) < 2 or letters.casefold() in _SMALL_WORDS | _SHORT_WORDS:
        return False
    if shouting:
        return not re.search(r"[AEIOU]", letters)
    return letters.isupper()


def _names_a_person(text: str) -> bool:
    words = text.split()
    if not 2 <= len(words) <= 4:
        return False
    if not all(re.fullmatch(r"[A-Z][A-Za-z'’\-]*\.?", word) for word in words):
        return False
    return not any(
        word.casefold().rstrip(".") in _REMIT_WORDS | _POST_WORDS | _SMALL_WORDS for word in words
    )


def lead_display_name(name: str) -> str:
    """A lead written in capitals, made readable: "HEAD OF QA & PERFORMANCE" -> "Head of QA & ...".

    Acronyms stay in capitals: a word with no vowel, of three letters or fewer (other than a
    small word such as "of"), or one we know (ACRONYMS). A name with any small letter is left as
    the council wrote it.
    """
    if re.search(r"[a-z]", name) or not re.search(r"[A-Z]", name):
        return name
    first = re.search(r"[A-Z]", name).start()
    return re.sub(
        r"[A-Z][A-Z'’\-]*",
        lambda match: _display_word(match.group(), first=match.start() == first),
        name,
    )


def _display_word(word: str, *, first: bool) -> str:
    parts = word.split("-")
    shown = [_display_part(parts[0], first=first, start=True)]
    shown += [_display_part(part, first=False, start=False) for part in parts[1:]]
    return "-".join(shown)


def _display_part(part: str, *, first: bool, start: bool) -> str:
    letters = re.sub(r"[^A-Z]", "", part)
    if not letters:
        return part
    if letters in ACRONYMS:
        return part
    lower = part.casefold()
    if lower in _SMALL_WORDS:
        return part.capitalize() if first else lower
    if lower not in _SHORT_WORDS and (len(letters) <= 3 or not re.search(r"[AEIOU]", letters)):
        return part
    # "O'BRIEN" -> "O'Brien", but "CHILDREN'S" -> "Children's".
    shown = re.sub(r"^(\w['’])(\w)", lambda m: m[1] + m[2].upper(), lower)
    return shown[0].upper() + shown[1:] if start else shown
