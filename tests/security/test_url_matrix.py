"""The role × URL matrix: every URL the project defines, the admin's included, requested with real
object ids by twelve kinds of user, by GET and by POST, with DEBUG off and on. Each cell states what
that user gets; a refused request writes nothing (no INSERT, UPDATE or DELETE beyond the session's
own bookkeeping reaches the database). The URL list is read from the URL configuration, so a URL
added without an entry in `matrix_site.py` or `matrix_admin.py` fails
`test_every_url_has_an_entry`; the outcomes and personas are spelt in `matrix.py`."""

import re
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.db import connection, reset_queries, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security.matrix import (
    ADMIN_LOGIN,
    LOGIN,
    REDIRECT,
    REFUSED,
    Cell,
)
from tests.security.matrix_admin import (
    ADMIN_PAGES,
    ADMIN_SITE,
    SUPERUSER_EXCEPTIONS,
)
from tests.security.matrix_site import (
    SITE,
    action_kwargs,
    update_data,
)
from tests.security.world import PERSONAS, build_world

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
    url = reverse("improvement:action_update", kwargs=action_kwargs(world))

    with CaptureQueriesContext(connection) as captured:
        response = client.post(url, update_data(world))

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
