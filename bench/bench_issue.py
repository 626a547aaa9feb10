"""Issuing the demo pack from the browser: how long the issue POST takes to answer, and how long
until the pack is issued with the worker running.

The improvement lead's POST goes through Django's test client (no network); the worker is the
real `manage.py db_worker` in its own process with its default one-second poll, as bin/worker
runs it, against the same scratch database (a file for SQLite, so the worker can open it) and a
temporary media folder. Each run issues a new version of the pack as at today. The first run
meets a worker that has built nothing yet; the second a warm one. For contrast, one more POST
builds the pack in the request (the immediate backend), as the site did before the worker.
Targets: the POST answers in under a second; the pack is ready when the build is.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.db import connection
from django.test import Client
from django.test.utils import (
    override_settings,
    setup_test_environment,
    teardown_test_environment,
)
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bench.bench_pack import IN_THIS_PROCESS, _demo
from boards.models import Pack
from improvement.models import PlanRole

ROOT = Path(__file__).resolve().parent.parent
RUNS = 2
POLL_SECONDS = 0.05
GIVE_UP_SECONDS = 300


def _database_url() -> str:
    """The scratch database, for the worker's process."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user, password = settings["USER"], settings["PASSWORD"]
    credentials = f"{user}:{password}@" if password else f"{user}@"
    return f"postgres://{credentials}{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"


def _start_worker(media: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": _database_url(), "MEDIA_ROOT": media}
    env.pop("TASKS_BACKEND", None)
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    for line in worker.stdout:
        if line.startswith("Starting worker"):
            return worker
    raise RuntimeError(f"the worker did not start (exit {worker.wait()})")


def _issue(client: Client, plan, board, run: int):
    url = reverse("boards:issue", kwargs={"pk": board.pk, "slug": plan.slug})
    data = {"as_at": timezone.localdate().isoformat(), "reason": f"Bench run {run}"}
    started = time.perf_counter()
    response = client.post(url, data)
    answered = time.perf_counter() - started
    assert response.status_code == 302, response.status_code
    return started, answered, Pack.objects.order_by("-pk").first()


def _until_issued(pack: Pack, started: float) -> tuple[float, list[str]]:
    stages, deadline = [], started + GIVE_UP_SECONDS
    while time.perf_counter() < deadline:
        pack.refresh_from_db()
        if not stages or stages[-1] != pack.stage:
            stages.append(pack.stage)
        if pack.status != Pack.PackStatus.BUILDING:
            assert pack.status == Pack.PackStatus.ISSUED, pack.error
            return time.perf_counter() - started, stages
        time.sleep(POLL_SECONDS)
    raise RuntimeError(f"pack {pack.pk} was not issued within {GIVE_UP_SECONDS} s")


def _through_the_worker(client, plan, board, media) -> None:
    worker = _start_worker(media)
    try:
        for run in range(1, RUNS + 1):
            started, answered, pack = _issue(client, plan, board, run)
            ready, stages = _until_issued(pack, started)
            task = DBTaskResult.objects.get(args_kwargs__args=[pack.pk])
            waited = (task.started_at - task.enqueued_at).total_seconds()
            built = (task.finished_at - task.started_at).total_seconds()
            print(
                f"  run {run} ({'first pack of the worker' if run == 1 else 'warm worker'}): "
                f"POST answered in {answered:5.2f} s (target < 1 s); pack issued "
                f"{ready:5.2f} s after the click ({waited:4.2f} s in the queue, built in "
                f"{built:5.2f} s), {pack.pages} pages; stages seen: {' -> '.join(stages)}",
                flush=True,
            )
    finally:
        worker.terminate()
        worker.communicate(timeout=60)


def _in_the_request(client, plan, board) -> None:
    with override_settings(TASKS=IN_THIS_PROCESS):
        _, answered, pack = _issue(client, plan, board, RUNS + 1)
    pack.refresh_from_db()
    assert pack.status == Pack.PackStatus.ISSUED, pack.error
    print(f"  built in the request instead: POST answered in {answered:5.2f} s", flush=True)


def main() -> None:
    old_name = connection.settings_dict["NAME"]
    with tempfile.TemporaryDirectory() as scratch:
        if connection.vendor == "sqlite":
            # On disk, not in memory: the worker's process opens the same file.
            connection.settings_dict["TEST"]["NAME"] = str(Path(scratch) / "bench.sqlite3")
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        media = str(Path(scratch) / "media")
        setup_test_environment()
        try:
            with override_settings(MEDIA_ROOT=media, ALLOWED_HOSTS=["testserver"]):
                demo = _demo()
                if demo is None:
                    print("Issue: skipped, `manage.py load_demo` is not on this branch.")
                    return
                plan, board = demo
                # load_demo builds its packs itself; what it queued has nothing left to do.
                DBTaskResult.objects.all().delete()
                lead = PlanRole.objects.filter(
                    plan=plan, role=PlanRole.Role.IMPROVEMENT_LEAD
                ).first()
                client = Client()
                client.force_login(lead.user)
                actions = plan.actions.count()
                print(f"Issuing the demo pack ({actions} actions), {connection.vendor}")
                _through_the_worker(client, plan, board, media)
                _in_the_request(client, plan, board)
        finally:
            teardown_test_environment()
            connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
