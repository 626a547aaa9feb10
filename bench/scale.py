"""`make scale`: one host serving every English children's services authority, measured.

Makes a scratch PostgreSQL database (SCALE_DATABASE_URL, default tracker_scale on 127.0.0.1,
dropped and made again; loopback only), migrates it with DEBUG off as `make serve` runs, and
builds the middle council of 153 (bench/scale_data.py: 200 actions, 50 users, a year of monthly
updates with their history). With that one council alone it times the pages over HTTP against
Gunicorn (one worker, one request at a time: per-request cost, not throughput), counts each
page's queries and their database time in this process, and builds a pack through the task
worker. Then it adds the other 152 councils and measures the same council again, explains the
plan page's slowest queries, and reads the database's size. Prints the tables and writes them
into docs/scale.md between its markers; drops the database unless SCALE_KEEP=1.

DEBUG is off, with the production settings (cached templates, hashed static files, secure
cookies answered through X-Forwarded-Proto), so the pages cost what they cost when served.
"""

import argparse
import datetime
import http.client
import json
import logging
import os
import platform
import secrets
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.markers import write_block
from bench.scale_report import COUNCILS, report

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "scale.md"
REQUESTS = 20
SLOWEST_EXPLAINED = 3
# Everything below runs against the scratch database, once Django is set up for it.


@dataclass
class PageCost:
    http_ms: float
    queries: int
    db_ms: float
    in_process_ms: float
    kb: int

    @property
    def python_ms(self) -> float:
        return max(self.in_process_ms - self.db_ms, 0.0)


class QueryTimer:
    """Every query of a request with its own time (Django's debug log rounds to a millisecond)."""

    def __init__(self):
        self.queries: list[tuple[str, tuple, float]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((sql, params, (time.perf_counter() - started) * 1000))

    @property
    def db_ms(self) -> float:
        return sum(ms for _sql, _params, ms in self.queries)


def _session_cookie(user) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    # As the site's sign-in (with its second factor) leaves it.
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def _http_median(port: int, path: str, cookie: str, requests: int) -> tuple[float, int]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https", "Cookie": cookie}
    timings, size = [], 0
    for n in range(requests + 2):  # two warm-ups
        started = time.perf_counter()
        connection.request("GET", path, headers=headers)
        answer = connection.getresponse()
        body = answer.read()
        elapsed = (time.perf_counter() - started) * 1000
        if answer.status != 200:
            sys.exit(f"GET {path} answered {answer.status} over HTTP")
        if n >= 2:
            timings.append(elapsed)
        size = len(body)
    connection.close()
    return statistics.median(timings), size


def _in_process(client, path: str, runs: int = 5) -> tuple[int, float, float, QueryTimer]:
    from django.db import connection

    client.get(path, secure=True)
    totals, dbs, counts, timer = [], [], [], None
    for _ in range(runs):
        timer = QueryTimer()
        with connection.execute_wrapper(timer):
            started = time.perf_counter()
            answer = client.get(path, secure=True)
            totals.append((time.perf_counter() - started) * 1000)
        if answer.status_code != 200:
            sys.exit(f"GET {path} answered {answer.status_code} in process")
        dbs.append(timer.db_ms)
        counts.append(len(timer.queries))
    return max(counts), statistics.median(dbs), statistics.median(totals), timer


def pages_of(council, admin) -> dict[str, tuple[object, str]]:
    from django.urls import reverse

    plan, action = council.plan, council.action
    slug = plan.slug
    return {
        "plan page": (council.officer, plan.get_absolute_url()),
        "plan page, filtered": (council.officer, f"{plan.get_absolute_url()}?overdue=on&q=audit"),
        "My actions": (council.officer, "/"),
        "action page": (council.officer, action.get_absolute_url()),
        "update page": (
            council.officer,
            reverse("improvement:action_update", args=[slug, action.reference]),
        ),
        "dashboard": (council.improvement_lead, reverse("dashboard:plan", args=[slug])),
        "recommendation page": (
            council.officer,
            reverse("improvement:recommendation", args=[slug, "8"]),
        ),
        "admin changelist, actions": (admin, "/admin/improvement/action/"),
    }


def measure_pages(council, admin, port: int, requests: int) -> tuple[dict, dict]:
    from django.test import Client

    costs, timers, cookies, clients = {}, {}, {}, {}
    for name, (user, path) in pages_of(council, admin).items():
        if user.pk not in clients:
            clients[user.pk] = Client()
            clients[user.pk].force_login(user)
            cookies[user.pk] = _session_cookie(user)
        http_ms, size = _http_median(port, path, cookies[user.pk], requests)
        queries, db_ms, total_ms, timer = _in_process(clients[user.pk], path)
        costs[name] = PageCost(http_ms, queries, db_ms, total_ms, size // 1024)
        timers[name] = timer
        print(
            f"  {name:<28} {http_ms:8.1f} ms  {queries:3d} queries  {db_ms:6.1f} ms in the database"
        )
    return costs, timers


def build_pack_through_worker(council, *, reason: str) -> dict:
    from django.utils import timezone

    from boards.models import Pack
    from boards.services import issue_pack

    requested = time.perf_counter()
    pack = issue_pack(
        plan=council.plan, board=council.board, as_at=timezone.localdate(), by=None, reason=reason
    )
    while True:
        pack = Pack.objects.get(pk=pack.pk)
        if pack.status != Pack.PackStatus.BUILDING:
            break
        if time.perf_counter() - requested > 600:
            sys.exit("The pack was not built within 10 minutes: is the worker running?")
        time.sleep(0.2)
    if pack.status != Pack.PackStatus.ISSUED:
        sys.exit(f"The pack failed: {pack.error}")
    return {
        "wait_s": time.perf_counter() - requested,
        "build_s": (pack.issued_at - pack.build_started_at).total_seconds(),
        "pages": pack.pages,
        "pdf_kb": (pack.pdf.size + pack.archive_pdf.size) // 1024,
        "snapshot_kb": len(json.dumps(pack.snapshot)) // 1024,
    }


def explain(timer: QueryTimer, slowest: int) -> list[tuple[float, str, str]]:
    from django.db import connection

    # Only reads: EXPLAIN ANALYZE runs the statement.
    reads = [query for query in timer.queries if query[0].lstrip().upper().startswith("SELECT")]
    slowest = sorted(reads, key=lambda query: -query[2])[:slowest]
    plans = []
    with connection.cursor() as cursor:
        for sql, params, ms in slowest:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plans.append((ms, sql, "\n".join(row[0] for row in cursor.fetchall())))
    return plans


def database_size() -> tuple[int, list[tuple[str, int, int, int]]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("SELECT pg_database_size(current_database())")
        total = cursor.fetchone()[0]
        cursor.execute(
            "SELECT c.relname, pg_total_relation_size(c.oid), pg_indexes_size(c.oid) "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 2 DESC"
        )
        tables = []
        for name, size, indexes in cursor.fetchall():
            cursor.execute(f'SELECT count(*) FROM "{name}"')
            tables.append((name, cursor.fetchone()[0], size, indexes))
    return total, tables


def build(numbers, *, password: str, now) -> tuple[object, float]:
    from django.db import connection, transaction

    from bench.scale_data import build_council

    started = time.perf_counter()
    built = None
    for done, n in enumerate(numbers, 1):
        with transaction.atomic():
            built = build_council(n, password=password, now=now)
        if done % 25 == 0:
            # Fresh statistics, or the planner, still counting the first council's rows, scans
            # whole tables for each council's updates and every council costs more than the last.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            print(f"  {done} councils built, {time.perf_counter() - started:.0f} s", flush=True)
    return built, time.perf_counter() - started


def _setup_django(env: dict) -> None:
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    # django-axes logs every force_login at INFO.
    logging.getLogger("axes").setLevel(logging.WARNING)


def measure(council, admin, port, requests, reason) -> dict:
    pack = build_pack_through_worker(council, reason=reason) if reason is not None else None
    costs, timers = measure_pages(council, admin, port, requests)
    return {"pages": costs, "timers": timers, "pack": pack}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--councils", type=int, default=COUNCILS)
    parser.add_argument("--requests", type=int, default=REQUESTS, help="per page")
    parser.add_argument("--no-doc", action="store_true", help="print only")
    options = parser.parse_args()
    url = os.environ.get("SCALE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tracker_scale")
    from bench.loadtest.run import Site, production_env, scratch_database

    with tempfile.TemporaryDirectory(prefix="scale-") as scratch:
        folder = Path(scratch)
        # testserver too: the queries are counted through Django's test client in this process.
        env = {
            **production_env(scratch_database(url), folder),
            "ALLOWED_HOSTS": "127.0.0.1,testserver",
        }
        env.pop("TASKS_BACKEND", None)
        site = Site(env, folder)
        print("Scale: migrating the scratch database…", flush=True)
        site.manage("migrate", "--no-input", "-v0")
        site.manage("collectstatic", "--no-input", "-v0")
        _setup_django(env)
        try:
            run = _run(site, options)
        finally:
            site.stop()
            if not os.environ.get("SCALE_KEEP"):
                from django.db import connections

                connections.close_all()
                _drop(url)
    lines = report(run)
    print("\n".join(lines))
    if not options.no_doc:
        write_block(DOC, lines, name="scale", empty="# Scale\n")
        print(f"\nWritten to {DOC.relative_to(ROOT)}.")


def _drop(url: str) -> None:
    from urllib.parse import urlsplit

    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password,
        dbname="postgres",
        autocommit=True,
    ) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')


def _run(site, options) -> dict:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.utils import timezone

    councils = options.councils
    middle = (councils + 1) // 2
    password, now = make_password(secrets.token_urlsafe(16)), timezone.now()
    admin = get_user_model().objects.create_superuser("scale-admin", "admin@example.org", None)
    print(f"Scale: council {middle} of {councils} alone…", flush=True)
    council, first_s = build([middle], password=password, now=now)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    site.start(workers=1)
    one = measure(council, admin, site.port, options.requests, reason="")
    print(f"Scale: the other {councils - 1} councils…", flush=True)
    others = [n for n in range(1, councils + 1) if n != middle]
    _last, rest_s = build(others, password=password, now=now)
    size = database_size()  # ANALYZEs first
    print(f"Scale: council {middle} among {councils}…", flush=True)
    full = measure(council, admin, site.port, options.requests, reason=None)
    full["pack"] = build_pack_through_worker(council, reason="Measured at full size")
    full["explained"] = explain(full["timers"]["plan page"], SLOWEST_EXPLAINED)
    full["slowest"] = {name: explain(timer, 1) for name, timer in full["timers"].items()}
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    return {
        "councils": councils,
        "requests": options.requests,
        "build_s": first_s + rest_s,
        "one": one,
        "full": full,
        "size": size,
        "postgres": postgres,
        "date": datetime.date.today().isoformat(),
        "machine": f"{os.cpu_count()} cores ({platform.machine()}), Python "
        f"{platform.python_version()}",
    }


if __name__ == "__main__":
    main()
