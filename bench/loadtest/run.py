"""`make loadtest`: Gunicorn against PostgreSQL on loopback, driven by locust, headless.

Makes a scratch database (LOADTEST_DATABASE_URL, default tracker_loadtest on 127.0.0.1, dropped
and made again each run; only a loopback server is accepted), loads the demo plan with 50 officers,
10 board members and an admin, starts Gunicorn (WEB_CONCURRENCY workers, default 5) and a task
worker with DEBUG off, then runs three scenarios for a bounded time each:

- board week: 50 officers reading each page for 2-5 s before the next, 10 board members
  reading the dashboard and downloading the latest pack, pausing 5-15 s; they arrive two a
  second, as a morning's sign-ins do, not all in the same instant;
- saturation: the 50 officers with no pause, to find the ceiling;
- admin: 50 admins listing actions in the Django admin with no pause, the floor saturation is
  held to, on the same data and server.

Prints requests, errors, median/p95/p99 per page and requests per second per CPU core, and writes
the tables to bench/README.md. `--seconds N` sets each scenario's length (default 90).
"""

import argparse
import csv
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

from bench.markers import write_block

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "load-test-" + secrets.token_urlsafe(12)
README = ROOT / "bench" / "README.md"
SCENARIOS = {
    "board week": {"classes": ["Officer", "BoardMember"], "users": 60, "arrivals": 2},
    "saturation": {"classes": ["Officer"], "users": 50, "arrivals": 10},
    "admin": {"classes": ["Admin"], "users": 50, "arrivals": 10},
}
GOAL_P95_MS = 300


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def scratch_database(url: str) -> str:
    parts = urlsplit(url)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit(f"The load test runs on loopback only: {parts.hostname} is not.")
    name = parts.path.lstrip("/")
    server = {
        "host": parts.hostname,
        "port": parts.port or 5432,
        "user": parts.username or "postgres",
        "password": parts.password,
        "dbname": "postgres",
    }
    with psycopg.connect(**server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return url


def production_env(database_url: str, folder: Path) -> dict:
    """This shell's environment as `make serve` would run the site on the scratch database:
    DEBUG off, a fresh secret, files and static files in `folder`, mail to the console."""
    return {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(folder / "media"),
        "STATIC_ROOT": str(folder / "static"),
        "EMAIL_URL": "console://",
        "CONN_MAX_AGE": "60",
    }


class Site:
    def __init__(self, env: dict, folder: Path):
        self.env = env
        self.folder = folder
        self.processes: list[subprocess.Popen] = []
        self.port = free_port()

    def manage(self, *args: str, stdin: str | None = None) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
        )
        if result.returncode:
            sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
        return result.stdout

    def start(self, workers: int) -> None:
        log = open(self.folder / "server.log", "w")  # noqa: SIM115 - closed with the process
        for command, extra in (
            (
                [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"],
                {"PORT": str(self.port), "WEB_CONCURRENCY": str(workers)},
            ),
            ([sys.executable, "manage.py", "db_worker", "--no-reload"], {}),
        ):
            self.processes.append(
                subprocess.Popen(
                    command,
                    cwd=ROOT,
                    env={**self.env, **extra},
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.5)
        sys.exit("Gunicorn did not start: see " + str(self.folder / "server.log"))

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            process.wait(timeout=60)


def run_scenario(site: Site, setup: dict, name: str, seconds: int, folder: Path) -> list[dict]:
    scenario = SCENARIOS[name]
    prefix = folder / name.replace(" ", "-")
    ran = subprocess.run(
        [
            sys.executable, "-m", "locust", "-f", str(ROOT / "bench/loadtest/locustfile.py"),
            "--headless", "--users", str(scenario["users"]),
            "--spawn-rate", str(scenario["arrivals"]),
            "--run-time", f"{seconds}s", "--host", f"http://127.0.0.1:{site.port}",
            "--csv", str(prefix), "--only-summary", "--stop-timeout", "10",
            "--loglevel", "WARNING", *scenario["classes"],
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "LOADTEST_SETUP": json.dumps(setup),
            "LOADTEST_PASSWORD": PASSWORD,
            "SCENARIO": name,
        },
        check=False,
        capture_output=True,
        text=True,
    )  # fmt: skip
    (folder / f"{prefix.name}.log").write_text(ran.stdout + ran.stderr)
    if os.environ.get("LOADTEST_VERBOSE"):
        print(ran.stderr[-3000:])
    with open(f"{prefix}_stats.csv", newline="") as stats:
        return list(csv.DictReader(stats))


def _ms(value: str) -> str:
    return f"{float(value):,.0f}" if value not in ("", "N/A") else "–"


def table(name: str, rows: list[dict]) -> list[str]:
    cores = os.cpu_count() or 1
    lines = [
        f"**{name}**",
        "",
        "| page | requests | errors | median ms | p95 ms | p99 ms | req/s |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        label = "all" if row["Name"] == "Aggregated" else row["Name"]
        lines.append(
            f"| {label} | {row['Request Count']} | {row['Failure Count']} | "
            f"{_ms(row['50%'])} | {_ms(row['95%'])} | {_ms(row['99%'])} | "
            f"{float(row['Requests/s']):.1f} |"
        )
    total = next(row for row in rows if row["Name"] == "Aggregated")
    lines += ["", f"{float(total['Requests/s']) / cores:.1f} requests per second per CPU core.", ""]
    return lines


def verdict(results: dict) -> list[str]:
    week = next(row for row in results["board week"] if row["Name"] == "Aggregated")
    officers = next(row for row in results["saturation"] if row["Name"] == "Aggregated")
    admin = next(row for row in results["admin"] if row["Name"] == "Aggregated")
    p95, errors = float(week["95%"]), int(week["Failure Count"])
    ratio = float(officers["Requests/s"]) / max(float(admin["Requests/s"]), 0.001)
    return [
        f"- Board week: {errors} errors, p95 {p95:.0f} ms "
        f"(goal 0 errors, p95 ≤ {GOAL_P95_MS} ms): "
        + ("met." if errors == 0 and p95 <= GOAL_P95_MS else "NOT met."),
        f"- Saturation: officers' mix {float(officers['Requests/s']):.1f} req/s, the admin's "
        f"changelist {float(admin['Requests/s']):.1f} req/s, {ratio:.2f}× (goal ≥ 1): "
        + ("met." if ratio >= 1 else "NOT met."),
    ]


def write_readme(lines: list[str]) -> None:
    write_block(
        README,
        lines,
        name="loadtest",
        heading="## Load test (`make loadtest`)",
        empty="# Benchmarks\n",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=90, help="each scenario's length")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 5)))
    parser.add_argument("--no-readme", action="store_true", help="print only")
    options = parser.parse_args()
    url = os.environ.get(
        "LOADTEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tracker_loadtest"
    )
    with tempfile.TemporaryDirectory(prefix="loadtest-") as scratch:
        folder = Path(scratch)
        site = Site(production_env(scratch_database(url), folder), folder)
        print("Load test: migrating, loading the demo plan and the load test's people…")
        site.manage("migrate", "--no-input", "-v0")
        site.manage("collectstatic", "--no-input", "-v0")
        site.manage("load_demo")
        site.env.update(LOADTEST_OFFICERS="50", LOADTEST_MEMBERS="10", LOADTEST_PASSWORD=PASSWORD)
        people = (ROOT / "bench/loadtest/people.py").read_text()
        setup = json.loads(site.manage("shell", stdin=people).strip().splitlines()[-1])
        site.start(options.workers)
        results, lines = {}, []
        try:
            for name in SCENARIOS:
                print(f"Load test: {name}, {options.seconds} s…")
                results[name] = run_scenario(site, setup, name, options.seconds, folder)
                lines += table(name, results[name])
        finally:
            site.stop()
        header = [
            f"Gunicorn with {options.workers} workers and one task worker, DEBUG off, against "
            f"PostgreSQL on 127.0.0.1; locust on the same {os.cpu_count()}-core machine; "
            f"{options.seconds} s per scenario.",
            "",
        ]
        lines = header + lines + verdict(results)
    print("\n".join(lines))
    if not options.no_readme:
        write_readme(lines)
        print(f"\nWritten to {README.relative_to(ROOT)}.")


if __name__ == "__main__":
    main()
