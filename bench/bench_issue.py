"""Issuing the demo pack from the browser: how long the issue POST takes to answer, and how long
until the pack is issued with the worker running.

The improvement lead's POST goes through Django's test client (no network); the worker is the
real `manage.py db_worker` in its own process with its default one-second poll, as bin/worker
runs it, against the same scratch database (a file for SQLite, so the worker can open it) and a
temporary media folder. Each run issues a new version of the pack as at today. The first run
meets a worker that has built nothing yet; the second a warm one. For contrast, one more POST
builds the pack in the request (the immediate backend), as the site did before the worker.
Targets: the POST answers in under a second; the pack is ready when the build is (the floor of
"pack issued after the click" is the task's own build time in the worker). The demo size alone:
at 10× it would be bench_pack's synthetic build three times over, which bench_pack times already.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.test import Client
from django.test.utils import (
    override_settings,
    setup_test_environment,
    teardown_test_environment,
)
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bench import scratch
from bench.bench_pack import IN_THIS_PROCESS, _demo
from bench.figures import Figure
from boards.models import Pack
from boards.tasks import build_pack_task
from improvement.models import PlanRole

ROOT = Path(__file__).resolve().parent.parent
RUNS = 2
POST_GOAL_SECONDS = 1
POLL_SECONDS = 0.05
GIVE_UP_SECONDS = 300


def _start_worker(media: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": scratch.database_url(), "MEDIA_ROOT": media}
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


def _build_task(pack: Pack) -> DBTaskResult:
    """The pack's build task once the worker has marked it finished, which it does a moment
    after the build has issued the pack."""
    deadline = time.perf_counter() + GIVE_UP_SECONDS
    while time.perf_counter() < deadline:
        # The build's own task: the pack's notices are queued with its id too.
        task = DBTaskResult.objects.get(
            args_kwargs__args=[pack.pk], task_path=build_pack_task.module_path
        )
        if task.finished_at is not None:
            return task
        time.sleep(POLL_SECONDS)
    raise RuntimeError(f"the build task of pack {pack.pk} was not marked finished")


def _through_the_worker(client, plan, board, media, size: str) -> list[Figure]:
    worker = _start_worker(media)
    figures = []
    try:
        for run in range(1, RUNS + 1):
            started, answered, pack = _issue(client, plan, board, run)
            ready, stages = _until_issued(pack, started)
            task = _build_task(pack)
            waited = (task.started_at - task.enqueued_at).total_seconds()
            built = (task.finished_at - task.started_at).total_seconds()
            which = "first pack of the worker" if run == 1 else "warm worker"
            print(
                f"  run {run} ({which}): {waited:4.2f} s in the queue, {pack.pages} pages; "
                f"stages seen: {' -> '.join(stages)}",
                file=sys.stderr,
                flush=True,
            )
            figures += [
                _post(f"POST answered ({which})", size, answered),
                Figure(
                    "issue",
                    f"pack issued after the click ({which})",
                    size,
                    ready,
                    "s",
                    "its build in the worker",
                    built,
                ),
            ]
    finally:
        worker.terminate()
        worker.communicate(timeout=60)
    return figures


def _post(name: str, size: str, seconds: float) -> Figure:
    goal = f"< {POST_GOAL_SECONDS} s"
    return Figure("issue", name, size, seconds, "s", goal=goal, met=seconds < POST_GOAL_SECONDS)


def _in_the_request(client, plan, board, size: str) -> Figure:
    with override_settings(TASKS=IN_THIS_PROCESS):
        _, answered, pack = _issue(client, plan, board, RUNS + 1)
    pack.refresh_from_db()
    assert pack.status == Pack.PackStatus.ISSUED, pack.error
    # The contrast the worker is measured against: the POST's goal is not this one's.
    return Figure("issue", "POST answered, pack built in the request instead", size, answered, "s")


def measure(scale: int) -> list[Figure]:
    if scale != 1:
        print("Issue: the demo size only.", file=sys.stderr)
        return []
    with tempfile.TemporaryDirectory() as folder:
        old_name = scratch.create(folder)
        media = str(Path(folder) / "media")
        setup_test_environment()
        try:
            with override_settings(MEDIA_ROOT=media, ALLOWED_HOSTS=["testserver"]):
                demo = _demo()
                if demo is None:
                    print("Issue: skipped, no `manage.py load_demo`.", file=sys.stderr)
                    return []
                plan, board = demo
                # load_demo builds its packs itself; what it queued has nothing left to do.
                DBTaskResult.objects.all().delete()
                lead = PlanRole.objects.filter(
                    plan=plan, role=PlanRole.Role.IMPROVEMENT_LEAD
                ).first()
                client = Client()
                client.force_login(lead.user)
                size = f"demo plan, {plan.actions.count():,} actions"
                figures = _through_the_worker(client, plan, board, media, size)
                return [*figures, _in_the_request(client, plan, board, size)]
        finally:
            teardown_test_environment()
            scratch.destroy(old_name)
