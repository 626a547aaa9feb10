"""The role × URL matrix: every URL the project defines, the admin's included, requested with real
object ids by ten kinds of user, by GET and by POST, with DEBUG off and on. Each cell states what
that user gets; a refused request writes nothing (no INSERT, UPDATE or DELETE beyond the session's
own bookkeeping reaches the database). The URL list is read from the URL configuration, so a URL
added without an entry here fails `test_every_url_has_an_entry`."""

import re
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.db import connection, reset_queries, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tests.security.world import PERSONAS, build_world

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


def _plan(w):
    return {"slug": w.plan.slug}


def _action(w):
    return {"slug": w.plan.slug, "reference": w.action.reference}


def _update(w):
    w.action.refresh_from_db()
    return {
        "version": w.action.version,
        "progress_rag": "red",
        "status": "in_progress",
        "commentary": "Caseloads rose again this month.",
    }


def _measure(w):
    return {"slug": w.plan.slug, "pk": w.plan.measures.get().pk}


def _risk(w):
    return {"slug": w.plan.slug, "reference": "R1"}


def _risk_review(w):
    # The world's risk R1 is owned by the officer's lead: a review that records today's date.
    risk = w.plan.risks.get(reference="R1")
    return {
        "version": risk.version,
        "likelihood": risk.likelihood,
        "impact": risk.impact,
        "review_note": "Reviewed at the quarter's risk meeting.",
        "reviewed_on": timezone.localdate().strftime("%d/%m/%Y"),
    }


def _meeting(w):
    return {"pk": w.pack.meeting.pk}


RECORD_AND_RETURN = row(LOGIN, N, N, N, F, F, REDIRECT, N, N, REDIRECT, board_secretary=REDIRECT)

SITE = {
    "improvement:my_actions": Cell(get=SIGNED_IN, post=GET_ONLY),
    # Lists: every signed-in user gets one, holding only what they may read (possibly nothing).
    "improvement:plans": Cell(get=SIGNED_IN, post=GET_ONLY),
    "improvement:plan": Cell(get=READ_PLAN, post=GET_ONLY, kwargs=_plan),
    # Sign-in's landing: a redirect by role for everyone signed in.
    "dashboard:landing": Cell(get=every(REDIRECT, anonymous=LOGIN), post=GET_ONLY),
    # Whoever reads the plan reads its dashboard; another council's users get the 404.
    "dashboard:plan": Cell(get=READ_PLAN, post=GET_ONLY, kwargs=_plan),
    "improvement:plan_download": Cell(get=READ_PLAN, post=GET_ONLY, kwargs=_plan),
    # The whole plan in the importer's layout: its improvement leads only; other readers 403.
    "improvement:plan_workbook": Cell(get=SIGN_OFF, post=GET_ONLY, kwargs=_plan),
    "improvement:recommendation": Cell(
        get=READ_PLAN,
        post=GET_ONLY,
        kwargs=lambda w: {"slug": w.plan.slug, "reference": w.recommendation.reference},
    ),
    "improvement:action": Cell(get=READ_PLAN, post=GET_ONLY, kwargs=_action),
    "improvement:action_update": Cell(
        get=UPDATE_ACTION, post=SAVED_UPDATE, kwargs=_action, data=_update
    ),
    "improvement:action_sign_off": Cell(
        get=SIGN_OFF,
        post=SIGN_OFF,
        kwargs=_action,
        data=lambda w: {"version": w.action.version, "decision": "sign_off", "comment": ""},
    ),
    # The plan's actions awaiting sign-off: its improvement leads; other readers 403.
    "improvement:sign_off_queue": Cell(get=SIGN_OFF, post=GET_ONLY, kwargs=_plan),
    # The workbook import into the plan: its improvement leads; other readers 403. The POST is
    # the upload step with no file: the lead is shown the form again, nothing is stored.
    "improvement:plan_import": Cell(get=SIGN_OFF, post=SIGN_OFF, kwargs=_plan),
    "improvement:evidence": Cell(
        get=READ_PLAN,
        post=GET_ONLY,
        kwargs=lambda w: {**_action(w), "pk": w.evidence.pk},
    ),
    "improvement:measures": Cell(get=READ_PLAN, post=GET_ONLY, kwargs=_plan),
    "improvement:measure": Cell(get=READ_PLAN, post=GET_ONLY, kwargs=_measure),
    # The world's measure has no owner: only improvement leads record its values.
    "improvement:measure_value_new": Cell(
        get=SIGN_OFF, post=SIGN_OFF, kwargs=_measure, data=lambda w: {"value": ""}
    ),
    "boards:list": Cell(get=SIGNED_IN, post=GET_ONLY),
    # Whoever reads the plan reads its risk register; the risk's owner (the officer) and the
    # plan's improvement leads review a risk, chairs and members read only, another officer
    # who does not own it is refused, and another council's users find nothing.
    "improvement:risk_register": Cell(get=READ_PLAN, post=GET_ONLY, kwargs=_plan),
    "improvement:risk": Cell(get=READ_PLAN, post=GET_ONLY, kwargs=_risk),
    "improvement:risk_update": Cell(
        get=UPDATE_ACTION, post=SAVED_UPDATE, kwargs=_risk, data=_risk_review
    ),
    "boards:board": Cell(get=READ_PACKS, post=GET_ONLY, kwargs=lambda w: {"pk": w.board.pk}),
    "boards:issue": Cell(
        get=ISSUE_PACKS,
        post=ISSUE_PACKS,
        kwargs=lambda w: {"pk": w.board.pk, "slug": w.plan.slug},
        # A date in the future: the lead's form is shown again with the error, nothing is built.
        data=lambda w: {"as_at": "31/12/2099"},
    ),
    "boards:draft": Cell(
        get=ISSUE_PACKS,
        post=GET_ONLY,
        kwargs=lambda w: {"pk": w.board.pk, "slug": w.plan.slug},
        query=lambda w: "as_at=" + w.pack.as_at.strftime("%d/%m/%Y"),
    ),
    "boards:retry": Cell(
        get=GET_ONLY,
        # An issued pack is final: the lead is told so and sent back to the pack's page.
        post=row(LOGIN, N, N, N, F, F, REDIRECT, N, N, REDIRECT),
        kwargs=lambda w: {"pk": w.pack.pk},
    ),
    "boards:pack": Cell(get=READ_PACKS, post=GET_ONLY, kwargs=lambda w: {"pk": w.pack.pk}),
    "boards:download": Cell(get=READ_PACKS, post=GET_ONLY, kwargs=lambda w: {"pk": w.pack.pk}),
    "boards:preview": Cell(get=READ_PACKS, post=GET_ONLY, kwargs=lambda w: {"pk": w.pack.pk}),
    "boards:meeting": Cell(get=READ_PACKS, post=GET_ONLY, kwargs=lambda w: _meeting(w)),
    # Recording a meeting: its board secretaries and improvement leads; chairs and members read
    # only; another council's secretary finds nothing. Invalid data: the form again.
    "boards:meeting_new": Cell(
        get=RECORD_MEETINGS,
        post=RECORD_MEETINGS,
        kwargs=lambda w: {"pk": w.board.pk},
        data=lambda w: {"held_on": "nonsense"},
    ),
    "boards:meeting_edit": Cell(
        get=RECORD_MEETINGS, post=RECORD_MEETINGS, kwargs=_meeting, data=lambda w: {"held_on": ""}
    ),
    "boards:decision_new": Cell(
        get=RECORD_MEETINGS, post=RECORD_MEETINGS, kwargs=_meeting, data=lambda w: {"text": ""}
    ),
    "boards:meeting_action_new": Cell(
        get=RECORD_MEETINGS, post=RECORD_MEETINGS, kwargs=_meeting, data=lambda w: {"text": ""}
    ),
    # With no closing note the action stays open: the lead is sent back to the meeting.
    "boards:meeting_action_close": Cell(
        get=GET_ONLY,
        post=RECORD_AND_RETURN,
        kwargs=lambda w: {**_meeting(w), "item_pk": w.pack.meeting.actions.get().pk},
        data=lambda w: {"closing_note": ""},
    ),
    # The world's meeting is the board's first: nothing to agree, the lead is told so.
    "boards:agree_minutes": Cell(get=GET_ONLY, post=RECORD_AND_RETURN, kwargs=_meeting),
    "login": Cell(
        get=every(REDIRECT, anonymous=OK),
        post=every(REDIRECT, anonymous=OK),
        data=lambda w: {"username": "officer", "password": "not the password"},
    ),
    "logout": Cell(get=every(NA), post=every(REDIRECT)),
    "password_change": Cell(
        get=SIGNED_IN, post=SIGNED_IN, data=lambda w: {"old_password": "wrong"}
    ),
    "password_change_done": Cell(get=SIGNED_IN, post=GET_ONLY),
    "password_reset": Cell(get=every(OK), post=every(OK), data=lambda w: {"email": "x"}),
    "password_reset_done": Cell(get=every(OK), post=every(NA)),
    "password_reset_confirm": Cell(
        get=every(OK),
        post=every(OK),
        kwargs=lambda w: {"uidb64": "MQ", "token": "set-password"},
    ),
    "password_reset_complete": Cell(get=every(OK), post=every(NA)),
}


def _admin_row(staff, superuser, *, others=ADMIN_LOGIN):
    return {**dict.fromkeys(NOT_STAFF, others), "staff_no_perms": staff, "superuser": superuser}


ADMIN_SITE = {
    "admin:index": Cell(get=_admin_row(OK, OK), post=_admin_row(OK, OK)),
    "admin:login": Cell(
        get={**dict.fromkeys(NOT_STAFF, OK), "staff_no_perms": REDIRECT, "superuser": REDIRECT},
        post=every(OK),
        data=lambda w: {"username": "staff_no_perms", "password": "not the password"},
    ),
    "admin:logout": Cell(get=_admin_row(NA, NA, others=REDIRECT), post=every(REDIRECT)),
    "admin:password_change": Cell(
        get=_admin_row(OK, OK), post=_admin_row(OK, OK), data=lambda w: {"old_password": "x"}
    ),
    "admin:password_change_done": Cell(get=_admin_row(OK, OK), post=_admin_row(NA, NA)),
    "admin:jsi18n": Cell(get=_admin_row(OK, OK), post=_admin_row(NA, NA)),
    "admin:autocomplete": Cell(
        get=_admin_row(F, OK),
        post=_admin_row(NA, NA),
        query=lambda w: "app_label=improvement&model_name=action&field_name=lead&term=Head",
    ),
    "admin:view_on_site": Cell(
        get=_admin_row(REDIRECT, REDIRECT),
        post=_admin_row(REDIRECT, REDIRECT),
        kwargs=lambda w: {"content_type_id": _content_type(w.action), "object_id": w.action.pk},
    ),
    "admin:app_list": Cell(
        get=_admin_row(N, OK), post=_admin_row(N, OK), kwargs=lambda w: {"app_label": "boards"}
    ),
    "admin:<catch-all>": Cell(get=_admin_row(N, N), post=_admin_row(N, N)),
}


def _content_type(obj):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj).pk


# What every model admin page answers: staff with no permissions are refused everything, a
# superuser may use every page. A model whose admin is read-only says so in READ_ONLY below.
ADMIN_PAGES = {
    # A changelist POST with no action chosen shows the list again.
    "changelist": Cell(get=_admin_row(F, OK), post=_admin_row(F, OK)),
    "add": Cell(get=_admin_row(F, OK), post=_admin_row(F, OK)),
    "change": Cell(get=_admin_row(F, OK), post=_admin_row(F, OK)),
    "delete": Cell(
        get=_admin_row(F, OK), post=_admin_row(F, REDIRECT), data=lambda w: {"post": "yes"}
    ),
    "history": Cell(get=_admin_row(F, OK), post=_admin_row(F, OK)),
    "simple_history": Cell(get=_admin_row(F, OK), post=_admin_row(F, OK)),
    "<object_id>": Cell(get=_admin_row(REDIRECT, REDIRECT), post=_admin_row(REDIRECT, REDIRECT)),
    "password_change": Cell(get=_admin_row(F, OK), post=_admin_row(F, OK)),
    "export": Cell(get=_admin_row(F, OK), post=_admin_row(F, OK)),
    "import_workbook": Cell(get=_admin_row(F, OK), post=_admin_row(F, OK)),
}
# Exceptions to ADMIN_PAGES for the superuser, each a decision: (model, page, method) -> outcome.
SUPERUSER_EXCEPTIONS = {
    # Progress updates, evidence and packs are written only by services (the site's pages and
    # the pack pipeline); the admin shows them and refuses to add, change or delete one.
    **{
        (model, page, method): F
        for model in ("improvement.progressupdate", "improvement.evidence", "boards.pack")
        for page, method in (
            ("add", "get"),
            ("add", "post"),
            ("change", "post"),
            ("delete", "get"),
            ("delete", "post"),
        )
    },
    # django-axes's sign-in records are read-only in the admin: no add; a change form's POST
    # goes back to the list. Deleting an attempt is how an administrator unlocks a user.
    **{
        (f"axes.{model}", page, method): outcome
        for model in ("accessattempt", "accesslog", "accessfailurelog")
        for page, method, outcome in (
            ("add", "get", F),
            ("add", "post", F),
            ("change", "post", REDIRECT),
        )
    },
    # Deleting what the audit trail names is refused: the admin shows its "cannot delete" page
    # (200) listing the protected rows (a user, plan or action with progress updates; a lead
    # with actions; an authority with plans; a board or meeting named by an issued pack).
    **{
        (model, "delete", "post"): OK
        for model in (
            "auth.user",
            "authorities.authority",
            "improvement.plan",
            "improvement.lead",
            "improvement.action",
            "boards.board",
            "boards.meeting",
        )
    },
}


# --- The URL configuration, walked -----------------------------------------------------------


@dataclass(frozen=True)
class Route:
    key: str  # "namespace:name", or for the admin's model pages "admin:<model label>:<page>"
    name: str | None
    route: str
    model: object = None
    page: str = ""


def _walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace])) or None
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield name, prefix + str(pattern.pattern)


def _admin_model_page(name, route):
    for model in admin.site._registry:
        opts = model._meta
        base = f"admin/{opts.app_label}/{opts.model_name}/"
        if not route.startswith(base):
            continue
        if name is None:
            return model, "<object_id>"
        return model, name.removeprefix(f"admin:{opts.app_label}_{opts.model_name}_")
    return None, ""


def routes() -> list[Route]:
    seen, found = set(), []
    for name, route in _walk(get_resolver().url_patterns):
        if route in seen:  # a pattern shadowed by an earlier one with the same route
            continue
        seen.add(route)
        model, page = _admin_model_page(name, route)
        if model is not None:
            key = f"admin:{model._meta.label_lower}:{page}"
        elif route.endswith("(?P<url>.*)$"):
            key = "admin:<catch-all>"
        else:
            key = name or route
        found.append(Route(key=key, name=name, route=route, model=model, page=page))
    return found


def cell_for(route: Route) -> Cell | None:
    if route.model is not None:
        return ADMIN_PAGES.get(route.page)
    return SITE.get(route.key) or ADMIN_SITE.get(route.key)


def expected(route: Route, persona: str, method: str):
    cell = cell_for(route)
    outcome = getattr(cell, method)[persona]
    if persona == "superuser" and route.model is not None:
        return SUPERUSER_EXCEPTIONS.get(
            (route.model._meta.label_lower, route.page, method), outcome
        )
    return outcome


def _first(model):
    obj = model._base_manager.order_by("pk").first()
    assert obj is not None, f"the matrix's world has no {model._meta.label} to request"
    return obj


def url_of(route: Route, world) -> str:
    cell = cell_for(route)
    if route.model is not None:
        obj = _first(route.model)
        if route.page == "<object_id>":
            url = f"/{route.route.split('<', 1)[0]}{obj.pk}/"
        elif route.page in ("change", "delete", "history", "password_change"):
            url = reverse(route.name, args=[obj.pk])
        elif route.page == "simple_history":
            version = route.model.history.filter(id=obj.pk).first()
            assert version is not None, f"no history row for {obj!r}"
            url = reverse(route.name, args=[obj.pk, version.history_id])
        elif route.page == "import_workbook":
            url = reverse(route.name, args=[obj.pk])
        else:
            url = reverse(route.name)
    elif route.key == "admin:<catch-all>":
        url = "/admin/no-such-page/"
    else:
        url = reverse(route.name, kwargs=cell.kwargs(world) if cell.kwargs else None)
    return url


# --- Requests ---------------------------------------------------------------------------------


def outcome_of(response):
    if response.status_code != 302:
        return response.status_code
    location = response["Location"]
    if location.startswith("/admin/login/?next="):
        return ADMIN_LOGIN
    if location.startswith("/accounts/login/?next="):
        return LOGIN
    return REDIRECT


# Writes a refused request may make: its session (saved on every request) and django-axes's
# record of a failed sign-in. Anything else written is a refused write that changed something.
BOOKKEEPING_TABLES = ("django_session", "axes_")
WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


def writes_in(queries) -> list[str]:
    """The SQL statements among `queries` that write to a table other than the bookkeeping."""
    found = []
    for query in queries:
        match = WRITE.match(query["sql"])
        if match and not match.group(1).startswith(BOOKKEEPING_TABLES):
            found.append(query["sql"][:160])
    return found


def _request(client, method, url, cell, world):
    if method == "get":
        query = cell.query(world) if cell.query else ""
        return client.get(f"{url}?{query}" if query else url)
    return client.post(url, cell.data(world) if cell.data else {})


def run_cell(client, user, route, world, method):
    """One request, rolled back afterwards so no cell changes what the next one sees."""
    cell = cell_for(route)
    url = url_of(route, world)
    want = expected(route, "anonymous" if user is None else user.username, method)
    # The capture keeps Django's request_started reset away, so the log would fill over a
    # persona's cells; once full (9000), a capture would see no statements and miss a write.
    reset_queries()
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        response = _request(client, method, url, cell, world)
        transaction.set_rollback(True)
    written = writes_in(captured.captured_queries) if want in REFUSED else []
    if user is not None:  # a sign-out or password change ended the session: sign in again
        client.force_login(user)
    else:
        client.logout()
    got = outcome_of(response)
    problems = []
    if got != want:
        problems.append(f"{method.upper()} {url} ({route.key}): expected {want}, got {got}")
    if written:
        problems.append(f"{method.upper()} {url} ({route.key}) was refused but wrote: {written}")
    return problems


@pytest.fixture
def world(db, settings):
    # With e-mail configured, so the password reset pages exist and are in the matrix.
    settings.EMAIL_CONFIGURED = True
    return build_world()


def test_every_url_has_an_entry():
    missing = [r.key + f"  ({r.route})" for r in routes() if cell_for(r) is None]
    assert missing == [], "URLs with no entry in the role × URL matrix:\n" + "\n".join(missing)


def test_every_entry_names_a_url():
    keys = {r.key for r in routes()}
    pages = {r.page for r in routes() if r.model is not None}
    unused = (set(SITE) | set(ADMIN_SITE)) - keys
    assert unused == set()
    assert set(ADMIN_PAGES) - pages == set()


def test_the_write_detector_sees_a_saved_update_and_ignores_the_session(world):
    client = Client()
    client.force_login(world.users["officer"])
    url = reverse("improvement:action_update", kwargs=_action(world))

    with CaptureQueriesContext(connection) as captured:
        response = client.post(url, _update(world))

    assert response.status_code == 302
    written = writes_in(captured.captured_queries)
    assert any("improvement_action" in sql for sql in written)
    assert not any("django_session" in sql for sql in written)


@pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_role_url_matrix(world, settings, persona, debug):
    settings.DEBUG = debug
    client = Client(raise_request_exception=False)
    user = None if persona == "anonymous" else world.users[persona]
    if user is not None:
        client.force_login(user)
    problems = []
    for route in routes():
        for method in ("get", "post"):
            problems += run_cell(client, user, route, world, method)
    assert problems == [], f"{len(problems)} cells wrong for {persona}:\n" + "\n".join(problems)
