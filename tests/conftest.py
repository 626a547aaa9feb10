"""Persona fixtures match the demo users: an officer who leads actions, a second officer, an
improvement lead and a board chair of one plan, and an admin. Everything is of one default
authority ("Anytown Council") except the foreign officer's plan, which is another council's."""

import gc
import os
import subprocess
import sys
import threading
import warnings
from pathlib import Path

import pytest
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created

from improvement.models import PlanRole
from tests import factories
from tests.mailbox import Mailbox, smtp_server


def built_once_for_the_module(django_db_blocker, *, build):
    """For a module-scoped fixture whose rows take seconds to build (`yield from` this): `build()`
    runs inside a transaction that is rolled back after the module's last test. Each test runs
    in its own savepoint within it, so what a test writes is undone before the next one starts;
    tests should read the rows afresh, not keep the built instances. Outside the build and the
    rollback the database stays blocked: only tests that ask for `db` reach the rows."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = build()
        except BaseException:
            outer.__exit__(*sys.exc_info())
            raise
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def anytown_plan():
    return factories.PlanFactory(slug="anytown", title="Anytown improvement plan")


def safeguarding_lead():
    return factories.LeadFactory(name="Head of Safeguarding")


def officer_of(lead):
    user = factories.UserFactory(username="officer", first_name="Olive", last_name="Officer")
    lead.users.add(user)
    return user


def plan_role_holder(plan, *, username: str, role: PlanRole.Role):
    user = factories.UserFactory(username=username)
    factories.PlanRoleFactory(plan=plan, user=user, role=role)
    return user


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty cache: a rolled-back test's ids may come round again."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def plan(db):
    return anytown_plan()


@pytest.fixture
def officer_lead(plan):
    return safeguarding_lead()


@pytest.fixture
def officer(officer_lead):
    return officer_of(officer_lead)


@pytest.fixture
def other_officer(db):
    user = factories.UserFactory(username="other_officer")
    factories.LeadFactory(name="Head of Fostering").users.add(user)
    return user


@pytest.fixture
def improvement_lead(plan):
    return plan_role_holder(plan, username="improvement_lead", role=PlanRole.Role.IMPROVEMENT_LEAD)


@pytest.fixture
def chair(plan):
    return plan_role_holder(plan, username="chair", role=PlanRole.Role.BOARD_CHAIR)


@pytest.fixture
def admin_user(db):
    return factories.UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture(scope="session")
def collected_static_root(tmp_path_factory):
    """A STATIC_ROOT filled by a real `collectstatic` with the production settings, once a run:
    WhiteNoise compresses every file, which takes seconds."""
    root = tmp_path_factory.mktemp("staticfiles")
    dropped = {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        SECRET_KEY="collectstatic-for-tests-only-" + "k3" * 20,
        STATIC_ROOT=str(root),
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        check=True,
        timeout=180,
    )
    return root


@pytest.fixture
def foreign_plan(db):
    """Another council's plan: nothing of Anytown's may reach it, nor it Anytown's."""
    otherton = factories.AuthorityFactory(name="Otherton Council")
    return factories.PlanFactory(
        slug="otherton", title="Otherton improvement plan", authority=otherton
    )


@pytest.fixture
def foreign_action(foreign_plan):
    # The same post as the Anytown officer's lead: another council's post of the same name.
    lead = factories.LeadFactory(name="Head of Safeguarding", authority=foreign_plan.authority)
    return factories.ActionFactory(
        plan=foreign_plan, reference="OTH-1", text="Otherton's own action", lead=lead
    )


@pytest.fixture
def foreign_officer(foreign_action):
    """An officer of another council who leads an action in that council's plan."""
    user = factories.UserFactory(username="foreign_officer")
    foreign_action.lead.users.add(user)
    return user


# Which test opened each Django connection, by wrapper: a PostgreSQL session still open when the
# test database is dropped makes the drop fail with "being accessed by other users", and
# pg_stat_activity alone cannot say which test left it (backend pids wrap within one run).
_opened_by: dict[int, tuple[str | None, str]] = {}


def _note_opener(sender, connection, **kwargs):
    _opened_by[id(connection)] = (
        os.environ.get("PYTEST_CURRENT_TEST"),
        threading.current_thread().name,
    )


connection_created.connect(_note_opener)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """On PostgreSQL, warn (naming the test that opened it) of any other session still on the test
    database just before it is dropped, since the drop then fails."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, application_name, backend_start, state, query, client_port"
            " FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [connection.settings_dict["NAME"]],
        )
        others = cursor.fetchall()
    if not others:
        return
    holders = {
        wrapper.connection.info.backend_pid: _opened_by.get(id(wrapper))
        for wrapper in gc.get_objects()
        if issubclass(type(wrapper), BaseDatabaseWrapper) and wrapper.connection is not None
    }
    warnings.warn(
        "Sessions still on the test database before it is dropped: "
        + "; ".join(f"{row} opened by {holders.get(row[0], 'another process')}" for row in others),
        stacklevel=1,
    )


@pytest.fixture
def mailbox(settings):
    """A real SMTP server on 127.0.0.1 at a free port, the site's e-mail settings pointed at it,
    and what arrives (`mailbox.arrived`, each parsed by the email package)."""
    handler = Mailbox()
    controller = smtp_server(settings, handler)
    yield handler
    controller.stop()
