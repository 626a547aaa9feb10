"""Officer pages against the Django admin changelist of the same actions, in one run.

A scratch database (bench/scratch.py: the test database of whatever DATABASE_URL names, a file
for SQLite) holds a synthetic plan of the demo plan's action count times the scale, over 3
themes, 12 objectives and 4 periods, 20 leads, two progress updates and one recommendation per
action. The officer leads every tenth action.

Two ways, both kept:
- over HTTP: Gunicorn (gunicorn.conf.py, one worker, DEBUG off) on loopback against the scratch
  database, asked by a plain HTTP client one request at a time, as if through the HTTPS proxy
  (X-Forwarded-Proto: https, the secure session cookie carried by hand). The officer and the
  superuser are signed in by sessions made here, as the site's sign-in (with the superuser's
  second factor) would leave them. Goal: each page at most half the admin changelist's time.
- through Django's test client, in this process (no network, no server) and with its settings
  (`make bench` has DEBUG on): the same pages, plus a 3,000-word search, which Gunicorn would
  refuse for its length before Django sees it. Kept for profiling a page in process.

Each page has one warm-up request, then REQUESTS timed rounds, every page once per round so
that drift in the machine's load falls on all of them alike; the median is reported, its floor
the admin changelist's median of the same rounds.
"""

import datetime
import http.client
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.test.utils import (
    override_settings,
    setup_test_environment,
    teardown_test_environment,
)
from django.utils import timezone

from authorities.models import Authority
from bench import scratch
from bench.figures import Figure, actions_at, ratio_goal
from improvement.models import (
    Action,
    Lead,
    Objective,
    Period,
    Plan,
    PlanRole,
    ProgressUpdate,
    Rag,
    Status,
    Theme,
)
from inspections.models import Inspection, Recommendation

ROOT = Path(__file__).resolve().parent.parent
MANY_WORDS = " ".join(f"word{n}" for n in range(3_000))
OFFICER_SHARE = 10  # every 10th action is the officer's
REQUESTS = 25
RATIO_GOAL = 0.5
CHANGELIST = "/admin/improvement/action/"


def _benchtown() -> Authority:
    return Authority.objects.get_or_create(name="Benchtown Council", slug="benchtown")[0]


def _build(actions_count: int) -> tuple[Plan, object, object, Action]:
    plan = Plan.objects.create(authority=_benchtown(), title="Benchtown plan", slug="bench")
    inspection = Inspection.objects.create(title="Ofsted SIF Benchtown", authority=plan.authority)
    plan.inspections.add(inspection)
    recs = Recommendation.objects.bulk_create(
        Recommendation(inspection=inspection, reference=str(n), text=f"Recommendation {n}", order=n)
        for n in range(1, 20)
    )
    themes = [
        Theme.objects.create(plan=plan, name=name, order=i)
        for i, name in enumerate(["People", "Practice", "Performance"])
    ]
    periods = [
        Period.objects.create(plan=plan, name=f"Period {n}", code=f"P{n}", order=n)
        for n in range(4)
    ]
    objectives = [
        Objective.objects.create(plan=plan, theme=themes[n % 3], title=f"Objective {n}", order=n)
        for n in range(12)
    ]
    leads = [
        Lead.objects.create(authority=plan.authority, name=f"Head of Service {n}")
        for n in range(20)
    ]
    users = get_user_model().objects
    officer = users.create_user("bench_officer", password="bench-only-password")
    leads[0].users.add(officer)
    superuser = users.create_superuser("bench_admin", password="bench-only-password")
    PlanRole.objects.create(plan=plan, user=superuser, role=PlanRole.Role.IMPROVEMENT_LEAD)

    today = timezone.localdate()
    actions = Action.objects.bulk_create(
        Action(
            plan=plan,
            reference=f"P{n % 4}-{n}",
            number=str(n),
            text=f"Synthetic improvement action {n}: audit, train and report back to the board.",
            theme=themes[n % 3],
            period=periods[n % 4],
            objective=objectives[n % 12],
            lead=leads[0] if n % OFFICER_SHARE == 0 else leads[1 + n % 19],
            due_on=today + datetime.timedelta(days=(n % 200) - 60),
            first_due_on=today + datetime.timedelta(days=(n % 200) - 60),
            status=[Status.NOT_STARTED, Status.IN_PROGRESS, Status.COMPLETE][n % 3],
            progress_rag=[Rag.RED, Rag.AMBER, Rag.GREEN][n % 3],
            is_key_action=n % 25 == 0,
            order=n,
        )
        for n in range(actions_count)
    )
    Action.recommendations.through.objects.bulk_create(
        Action.recommendations.through(action=a, recommendation=recs[i % len(recs)])
        for i, a in enumerate(actions)
    )
    now = timezone.now()
    ProgressUpdate.objects.bulk_create(
        ProgressUpdate(
            action=a,
            by=officer,
            at=now - datetime.timedelta(days=30 * k + i % 7),
            progress_rag_before=Rag.NOT_RATED,
            progress_rag_after=a.progress_rag,
            commentary=f"Update {k} on {a.reference}",
            action_version=k + 1,
        )
        for i, a in enumerate(actions)
        for k in range(2)
    )
    return plan, officer, superuser, actions[0]


def _pages(plan: Plan, action: Action) -> dict[str, str]:
    """The officer's pages: figure name → path."""
    return {
        "plan page (50 per page)": plan.get_absolute_url(),
        "plan page, filtered (overdue, text)": f"{plan.get_absolute_url()}?overdue=on&q=audit",
        # Named alike at every size, so the table puts the sizes side by side.
        "My actions (a tenth of the plan's)": "/",
        "action page": action.get_absolute_url(),
        "dashboard": f"/plans/{plan.slug}/dashboard/",
    }


def _rounds(get, paths: dict[str, str]) -> dict[str, float]:
    """Median ms per path: one warm-up each, then REQUESTS rounds of every path once."""
    for path in paths.values():
        get(path)
    timings = {name: [] for name in paths}
    for _ in range(REQUESTS):
        for name, path in paths.items():
            started = time.perf_counter()
            get(path)
            timings[name].append((time.perf_counter() - started) * 1000)
    return {name: statistics.median(times) for name, times in timings.items()}


def _test_client(officer, superuser, pages: dict[str, str], plan: Plan) -> dict[str, float]:
    clients = {"officer": Client(), "admin": Client()}
    clients["officer"].force_login(officer)
    clients["admin"].force_login(superuser)
    search = f"{plan.get_absolute_url()}?{urlencode({'q': MANY_WORDS})}"
    # Refused before the database: it costs what an unfiltered page costs, or less.
    paths = {**pages, "plan page, 3,000-word search": search, "admin": CHANGELIST}

    def get(path):
        response = clients["admin" if path == CHANGELIST else "officer"].get(path)
        assert response.status_code == 200, (path, response.status_code)

    return _rounds(get, paths)


def _session(user, secret: str) -> str:
    """A signed-in session for `user`, as Gunicorn (signing with `secret`) will read it."""
    with override_settings(SECRET_KEY=secret):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        return session.session_key


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """Gunicorn with DEBUG off against the scratch database, one worker, on a free port."""

    def __init__(self, folder: Path, secret: str):
        self.folder = folder
        self.port = _free_port()
        self.env = {
            **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
            "DEBUG": "0",
            "SECRET_KEY": secret,
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": scratch.database_url(),
            "MEDIA_ROOT": str(folder / "media"),
            "STATIC_ROOT": str(folder / "static"),
            "EMAIL_URL": "console://",
            "CONN_MAX_AGE": "60",
            "PORT": str(self.port),
            "WEB_CONCURRENCY": "1",
            "GUNICORN_LOG_LEVEL": "warning",
        }
        self.log = folder / "gunicorn.log"
        self.process = None

    def __enter__(self):
        # With DEBUG off the pages' static files must be collected (a manifest).
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
            cwd=ROOT,
            env=self.env,
            check=True,
        )
        with open(self.log, "w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return self
            time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"Gunicorn did not start:\n{self.log.read_text()[-3000:]}")

    def __exit__(self, *exc):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=60)

    def get(self, path: str, session: str) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(
                "GET",
                path,
                headers={
                    "Host": "127.0.0.1",
                    "X-Forwarded-Proto": "https",
                    "Cookie": f"{settings.SESSION_COOKIE_NAME}={session}",
                },
            )
            response = connection.getresponse()
            response.read()
        finally:
            connection.close()
        if response.status != 200:
            log = self.log.read_text()[-3000:]
            raise AssertionError(f"{path} answered {response.status} over HTTP\n{log}")


def _over_http(folder: Path, officer, superuser, pages: dict[str, str]) -> dict[str, float]:
    secret = secrets.token_urlsafe(50)
    sessions = {"officer": _session(officer, secret), "admin": _session(superuser, secret)}
    with Gunicorn(folder, secret) as server:

        def get(path):
            server.get(path, sessions["admin" if path == CHANGELIST else "officer"])

        return _rounds(get, {**pages, "admin": CHANGELIST})


def _figures(how: str, size: str, medians: dict[str, float], goal: bool) -> list[Figure]:
    floor = medians.pop("admin")
    per_page = admin.site._registry[Action].list_per_page
    figures = []
    for name, median in medians.items():
        goal_text, met = ratio_goal(median / floor, RATIO_GOAL) if goal else ("—", None)
        figures.append(
            Figure(
                f"pages ({how})",
                name,
                size,
                median,
                "ms",
                f"admin changelist ({per_page} per page)",
                floor,
                goal_text,
                met,
            )
        )
    return figures


def measure(scale: int) -> list[Figure]:
    if Action not in admin.site._registry:
        # This branch has no Action admin yet; a default ModelAdmin stands in for it.
        admin.site.register(Action)
    actions_count = actions_at(scale)
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as folder:
        old_name = scratch.create(folder)
        setup_test_environment()
        try:
            plan, officer, superuser, action = _build(actions_count)
            pages = _pages(plan, action)
            over_http = _over_http(Path(folder), officer, superuser, pages)
            in_process = _test_client(officer, superuser, pages, plan)
        finally:
            teardown_test_environment()
            scratch.destroy(old_name)
    size = f"{actions_count:,} actions"
    print(
        f"pages: {actions_count} actions, median of {REQUESTS} rounds",
        file=sys.stderr,
        flush=True,
    )
    return _figures("HTTP", size, over_http, goal=True) + _figures(
        "test client", size, in_process, goal=False
    )
