"""The role × URL matrix's words: what a request can get, one outcome per persona, and the
cell that holds a URL's outcomes for GET and POST with the data it needs."""

from dataclasses import dataclass

from tests.security.world import PERSONAS

OK, F, N, NA = 200, 403, 404, 405
LOGIN = "sign-in page"  # 302 to the site's sign-in page with ?next=
ADMIN_LOGIN = "admin sign-in page"  # 302 to the admin's sign-in page with ?next=
REDIRECT = "redirect"  # any other 302
REFUSED = {F, N, NA, LOGIN, ADMIN_LOGIN}


def row(*cells, board_secretary=None, foreign_secretary=None):
    """One outcome per persona, in the order of PERSONAS. A board secretary reads the plan as a
    board member does and a secretary of another council's board finds what that council's
    officer finds, unless the cell says otherwise (the meeting pages they record)."""
    assert len(cells) == len(PERSONAS) - 2
    outcomes = dict(zip(PERSONAS[: len(cells)], cells, strict=True))
    outcomes["board_secretary"] = (
        outcomes["board_member"] if board_secretary is None else board_secretary
    )
    outcomes["foreign_secretary"] = (
        outcomes["foreign_officer"] if foreign_secretary is None else foreign_secretary
    )
    return outcomes


def every(outcome, *, anonymous=None):
    return row(anonymous if anonymous is not None else outcome, *[outcome] * 9)


#                  anon   officer other  foreign chair member lead  no_role staff super
READ_PLAN = row(LOGIN, OK, OK, N, OK, OK, OK, N, N, OK)
UPDATE_ACTION = row(LOGIN, OK, F, N, F, F, OK, N, N, OK)
SAVED_UPDATE = row(LOGIN, REDIRECT, F, N, F, F, REDIRECT, N, N, REDIRECT)
SIGN_OFF = row(LOGIN, F, F, N, F, F, OK, N, N, OK)
READ_PACKS = row(LOGIN, N, N, N, OK, OK, OK, N, N, OK)
ISSUE_PACKS = row(LOGIN, N, N, N, F, F, OK, N, N, OK)
# Meetings: board secretaries and the plan's improvement leads record; chairs and members read.
RECORD_MEETINGS = row(LOGIN, N, N, N, F, F, OK, N, N, OK, board_secretary=OK)
GET_ONLY = every(NA, anonymous=LOGIN)
SIGNED_IN = every(OK, anonymous=LOGIN)
NOT_STAFF = tuple(p for p in PERSONAS if p not in ("staff_no_perms", "superuser"))


@dataclass(frozen=True)
class Cell:
    get: dict
    post: dict
    kwargs: object = None  # world -> reverse() kwargs
    query: object = None  # world -> query string for GET
    data: object = None  # world -> POST body
